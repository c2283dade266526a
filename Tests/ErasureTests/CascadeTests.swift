import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

extension ErasureWorkloadTests {
    @Suite("Linked-key cascade")
    struct CascadeTests {
        /// Adds a visit under a key, as the shop's tracking would.
        func addEvent(_ harness: ErasureHarness, id: Int, key: String) async throws {
            try await harness.execute(
                "INSERT INTO events (id, visitor_key, event_type, page_url, ip_address, user_agent, occurred_at) VALUES (\(harness.p(1)), \(harness.p(2)), 'page_view', '/', NULL, 'kiosk', CURRENT_TIMESTAMP)",
                [.int(id), .text(key)])
        }

        func link(_ harness: ErasureHarness, _ from: String, _ to: String) async throws {
            try await harness.execute(
                "INSERT INTO customer_links (customer_key, linked_key, link_type, created_at) VALUES (\(harness.p(1)), \(harness.p(2)), 'device', CURRENT_TIMESTAMP)",
                [.text(from), .text(to)])
        }

        @Test("keys two links away are reached, in both directions", arguments: TestDatabase.engines)
        func twoLinksAway(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            // customer-000005 → session-000005-1 → kiosk-77 → badge-9 (the last link stored backwards).
            try await link(harness, "session-000005-1", "kiosk-77")
            try await link(harness, "badge-9", "kiosk-77")
            try await addEvent(harness, id: 900_001, key: "kiosk-77")
            try await addEvent(harness, id: 900_002, key: "badge-9")
            try await addEvent(harness, id: 900_003, key: "kiosk-78")

            let result = try ErasureHarness.result(
                try await harness.run([ShopSample.customerKey(5)], mode: .delete)[ShopSample.customerKey(5)])

            #expect(result.keys == 6)
            #expect(try await harness.count("SELECT count(*) AS n FROM events WHERE id IN (900001, 900002)") == 0)
            #expect(try await harness.count("SELECT count(*) AS n FROM events WHERE id = 900003") == 1)
            #expect(try await harness.occurrences(of: ["kiosk-77", "badge-9", "session-000005-1"]).isEmpty)
        }

        @Test("a job for a linked key covers the customer and every other linked key", arguments: TestDatabase.engines)
        func fromLinkedKey(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let keys = try await harness.sampleKeys(11)
            let result = try ErasureHarness.result(
                try await harness.run(["device-000011-1"], mode: .delete)["device-000011-1"])
            #expect(result.keys == keys.count)
            #expect(try await harness.occurrences(of: keys).isEmpty)
            #expect(try await harness.count("SELECT count(*) AS n FROM customers WHERE id = 11") == 0)
        }

        @Test(
            "past cascade_limit the job fails and changes nothing; the rest of the batch goes on",
            arguments: TestDatabase.engines)
        func cascadeLimit(_ engine: DatabaseEngine) async throws {
            var map = try ShopSample.dataMap()
            map.cascadeLimit = 4
            let harness = try await ErasureHarness.make(engine, dataMap: map)
            // Customer 8 has five keys (it is even, so its email is one), customer 9 four.
            #expect(try await harness.sampleKeys(8).count == 5)
            let before = try await harness.snapshotAll()

            let outcomes = try await harness.run([ShopSample.customerKey(8), ShopSample.customerKey(9)], mode: .delete)

            guard case .failed(let failure)? = outcomes[ShopSample.customerKey(8)] else {
                Issue.record(
                    "the job past the limit did not fail: \(String(describing: outcomes[ShopSample.customerKey(8)]))")
                return
            }
            #expect(failure.code == .cascadeLimit)
            #expect(failure.isPermanent)
            #expect(!failure.reason.contains("customer-000008"))
            let other = try ErasureHarness.result(outcomes[ShopSample.customerKey(9)])
            #expect(other.keys == 4)
            let changes = ErasureHarness.changes(before, try await harness.snapshotAll())
            #expect(changes == Dictionary(uniqueKeysWithValues: other.tables.map { ($0.table, $0.rows) }))
            #expect(try await harness.count("SELECT count(*) AS n FROM customers WHERE id = 8") == 1)
        }

        @Test("a key linked to more keys than the limit stops the cascade early", arguments: [DatabaseEngine.sqlite])
        func hubKey(_ engine: DatabaseEngine) async throws {
            var map = try ShopSample.dataMap()
            map.cascadeLimit = 10
            let harness = try await ErasureHarness.make(engine, dataMap: map)
            for index in 0..<500 { try await link(harness, "session-000003-1", "shared-kiosk-\(index)") }
            let before = try await harness.snapshotAll()
            let outcome = try await harness.run([ShopSample.customerKey(3)])[ShopSample.customerKey(3)]
            guard case .failed(let failure)? = outcome else {
                Issue.record("a hub key did not fail the job")
                return
            }
            #expect(failure.code == .cascadeLimit)
            #expect(ErasureHarness.changes(before, try await harness.snapshotAll()).isEmpty)
        }
    }
}
