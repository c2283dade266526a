import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

extension ErasureTests {
    @Suite("Batches")
    struct BatchTests {
        static let customers = [1, 2, 3, 4, 5, 8, 9, 10]

        @Test(
            "jobs processed in one batch get the same per-job counts as one at a time", arguments: TestDatabase.engines,
            ErasureMode.allCases)
        func attribution(_ engine: DatabaseEngine, _ mode: ErasureMode) async throws {
            let together = try await ErasureHarness.make(engine)
            let alone = try await ErasureHarness.make(engine)
            let keys = Self.customers.map(ShopSample.customerKey)
            let before = try await together.snapshotAll()
            let batch = try await together.run(keys, mode: mode)
            for key in keys {
                let single = try ErasureHarness.result(try await alone.run([key], mode: mode)[key])
                #expect(try ErasureHarness.result(batch[key]) == single, "\(key)")
            }
            // Every changed row is counted once, by one job.
            var counted: [String: Int] = [:]
            for key in keys {
                for table in try ErasureHarness.result(batch[key]).tables {
                    counted[table.table, default: 0] += table.rows
                }
            }
            #expect(ErasureHarness.changes(before, try await together.snapshotAll()) == counted)
        }

        @Test(
            "two jobs for the same customer in one batch both finish, and each row is counted once",
            arguments: TestDatabase.engines)
        func sameCustomerTwice(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let before = try await harness.snapshotAll()
            let jids = try await harness.withConnection { connection in
                try ["customer-000004", "session-000004-2"].map {
                    try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey($0), mode: .delete)).jid
                }
            }
            let outcomes = try await harness.withConnection { connection in
                let claimed = try connection.claim(
                    ClaimRequest(
                        worker: harness.worker, limit: 10, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero),
                        now: nil))
                return try harness.processBlocking(claimed, on: connection.database)
            }
            let results = try jids.map { try ErasureHarness.result(outcomes[$0]) }
            #expect(results.allSatisfy { $0.keys == 5 })
            var counted: [String: Int] = [:]
            for result in results { for table in result.tables { counted[table.table, default: 0] += table.rows } }
            #expect(ErasureHarness.changes(before, try await harness.snapshotAll()) == counted)
        }

        @Test("a batch mixing export, delete and anonymise does each job's own work", arguments: TestDatabase.engines)
        func mixed(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let requests: [(Int, JobKind, ErasureMode)] = [
                (2, .export, .anonymise), (3, .remove, .delete), (4, .remove, .anonymise), (2, .remove, .delete),
            ]
            let outcomes = try await harness.withConnection { connection in
                let jids = try requests.map { customer, kind, mode in
                    try connection.enqueue(
                        EnqueueRequest(
                            customerKey: try CustomerKey(ShopSample.customerKey(customer)), kind: kind, mode: mode)
                    ).jid
                }
                let claimed = try connection.claim(
                    ClaimRequest(
                        worker: harness.worker, limit: 10, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero),
                        now: nil))
                #expect(claimed.count == 4)
                let outcomes = try harness.processBlocking(claimed, on: connection.database)
                return jids.map { outcomes[$0] }
            }
            let export = try ErasureHarness.result(outcomes[0])
            #expect(export.tables.contains { $0.table == "customers" && $0.method == "export" && $0.rows == 1 })
            #expect(
                try ErasureHarness.result(outcomes[1]).tables.contains {
                    $0.table == "customers" && $0.method == "delete"
                })
            #expect(
                try ErasureHarness.result(outcomes[2]).tables.contains {
                    $0.table == "customers" && $0.method == "anonymise"
                })
            // The export ran before the delete of the same customer in the same batch.
            #expect(
                try ErasureHarness.result(outcomes[3]).tables.contains {
                    $0.table == "customers" && $0.method == "delete" && $0.rows == 1
                })
            #expect(try await harness.count("SELECT count(*) AS n FROM customers WHERE id IN (2, 3)") == 0)
        }
    }
}
