import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Logging
import Testing

extension ErasureTests {
    @Suite("Export")
    struct ExportTests {
        /// The ids (or, for the link table, linked keys) of each exported table.
        func exported(_ harness: ErasureHarness, _ jid: JobID) async throws -> [String: Set<String>] {
            let manifest = try #require(try harness.handler.exports.manifest(for: jid))
            var tables: [String: Set<String>] = [:]
            for entry in manifest.tables {
                var values: Set<String> = []
                try harness.handler.exports.forEachLine(of: jid, table: entry.table) { line in
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    values.insert(entry.table == "customer_links" ? "\(object["linked_key"]!)" : "\(object["id"]!)")
                }
                #expect(values.count == entry.rows)
                tables[entry.table] = values
            }
            return tables
        }

        /// The same rows found by hand-written SQL.
        func expected(_ harness: ErasureHarness, customer: Int) async throws -> [String: Set<String>] {
            let keys = try await harness.sampleKeys(customer)
            let inKeys = keys.indices.map { harness.p($0 + 1) }.joined(separator: ", ")
            let binds = keys.map { SQLValue.text($0) }
            let queries: [String: String] = [
                "customers": "SELECT id AS v FROM customers WHERE id = \(customer)",
                "customer_links":
                    "SELECT linked_key AS v FROM customer_links WHERE customer_key IN (\(inKeys)) OR linked_key IN (\(inKeys))",
                "addresses": "SELECT address_id AS v FROM customers WHERE id = \(customer)",
                "orders": "SELECT id AS v FROM orders WHERE customer_id = \(customer)",
                "order_lines":
                    "SELECT l.id AS v FROM order_lines AS l JOIN orders AS o ON o.id = l.order_id WHERE o.customer_id = \(customer)",
                "payment_methods": "SELECT id AS v FROM payment_methods WHERE customer_id = \(customer)",
                "loyalty_transactions": "SELECT id AS v FROM loyalty_transactions WHERE customer_key IN (\(inKeys))",
                "support_tickets": "SELECT id AS v FROM support_tickets WHERE customer_id = \(customer)",
                "events": "SELECT id AS v FROM events WHERE visitor_key IN (\(inKeys))",
                "events_archive": "SELECT id AS v FROM events_archive WHERE visitor_key IN (\(inKeys))",
            ]
            var tables: [String: Set<String>] = [:]
            for (table, sql) in queries {
                let values = Set(
                    try await harness.query(sql, sql.contains(inKeys) ? binds : []).compactMap {
                        $0.optionalString("v")
                    })
                if !values.isEmpty { tables[table] = values }
            }
            return tables
        }

        @Test(
            "an export holds every row of the customer and nobody else's, and changes nothing",
            arguments: TestDatabase.engines)
        func export(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let before = try await harness.snapshotAll()
            let jids = try await harness.withConnection { connection in
                try [8, 9, 7].map {
                    try connection.enqueue(
                        EnqueueRequest(customerKey: try CustomerKey(ShopSample.customerKey($0)), kind: .export)
                    ).jid
                }
            }
            let outcomes = try await harness.withConnection { connection in
                let claimed = try connection.claim(
                    ClaimRequest(
                        worker: harness.worker, limit: 10, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero),
                        now: nil))
                return try harness.processBlocking(claimed, on: connection.database)
            }
            #expect(ErasureHarness.changes(before, try await harness.snapshotAll()).isEmpty)
            for (jid, customer) in zip(jids, [8, 9, 7]) {
                let result = try ErasureHarness.result(outcomes[jid])
                let files = try await exported(harness, jid)
                let wanted = try await expected(harness, customer: customer)
                #expect(files == wanted, "customer \(customer)")
                #expect(result.tables.allSatisfy { $0.method == "export" && files[$0.table]?.count == $0.rows })
                #expect(result.keys == (customer % 2 == 0 ? 5 : 4))
            }
            // The household's shared address is in the export of the member whose it also is.
            #expect(try await exported(harness, jids[2])["addresses"] == ["6"])
        }

        @Test("export files are private to the owner and complete when visible", arguments: [DatabaseEngine.sqlite])
        func permissions(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let outcome = try await harness.run([ShopSample.customerKey(3)], kind: .export)[ShopSample.customerKey(3)]
            _ = try ErasureHarness.result(outcome)
            let root = harness.handler.exports.directory
            let entries = try FileManager.default.contentsOfDirectory(atPath: root.path)
            #expect(entries.count == 1)
            #expect(!entries.contains { $0.hasSuffix(".partial") })
            let directory = root.appending(path: entries[0])
            #expect(
                try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int == 0o700)
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                #expect(!file.hasSuffix(".partial"))
                #expect(
                    try FileManager.default.attributesOfItem(atPath: directory.appending(path: file).path)[
                        .posixPermissions] as? Int == 0o600, "\(file)")
            }
        }

        @Test(
            "an export appears only once its transaction commits; one whose transaction is undone leaves nothing on disk",
            arguments: TestDatabase.engines)
        func visibleAfterCommit(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let root = harness.handler.exports.directory
            @Sendable func visible() throws -> [String] {
                guard FileManager.default.fileExists(atPath: root.path) else { return [] }
                return try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") }
            }
            @Sendable func everything() throws -> [String] {
                guard FileManager.default.fileExists(atPath: root.path) else { return [] }
                return try FileManager.default.contentsOfDirectory(atPath: root.path)
            }
            try await harness.withConnection { connection in
                for undo in [true, false] {
                    let jid = try connection.enqueue(
                        EnqueueRequest(customerKey: try CustomerKey(ShopSample.customerKey(3)), kind: .export)
                    ).jid
                    let claimed = try connection.claim(
                        ClaimRequest(
                            worker: harness.worker, limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero),
                            now: nil))
                    let hooks = TransactionHooks()
                    try connection.database.begin()
                    let context = JobContext(
                        connection: connection.database, logger: Logger(label: "test"), worker: harness.worker,
                        now: nil, isAlone: true,
                        transaction: hooks, commitAndReopen: { _ in })
                    _ = try ErasureHarness.result(try harness.handler.process(claimed, in: context)[jid])
                    #expect(try visible().isEmpty, "an export is visible before its job committed")
                    if undo {
                        connection.database.rollback()
                        hooks.rolledBack()
                        #expect(try everything().isEmpty, "an undone export left files behind")
                        _ = try connection.release([jid], worker: harness.worker)
                        _ = try connection.database.execute("DELETE FROM gdpr_jobs", [])
                    } else {
                        try connection.database.commit()
                        hooks.committed()
                        #expect(try visible() == [jid.description])
                    }
                }
            }
        }

        @Test("exports are purged after their retention", arguments: [DatabaseEngine.sqlite])
        func purge(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            _ = try await harness.run([ShopSample.customerKey(3), ShopSample.customerKey(4)], kind: .export)
            let store = harness.handler.exports
            #expect(try store.purge(createdBefore: Date().addingTimeInterval(-3600)) == 0)
            #expect(try store.purgeExpired(now: Date()) == 0)
            #expect(
                try store.purgeExpired(now: Date().addingTimeInterval(store.configuration.retention.seconds + 60)) == 2)
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path).isEmpty)
        }
    }
}
