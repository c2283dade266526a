import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Logging
import Testing

extension ErasureWorkloadTests {
    @Suite("Anonymise")
    struct AnonymiseTests {
        @Test(
            "personal fields become placeholders; kept columns, aggregates and other customers do not change",
            arguments: TestDatabase.engines)
        func anonymise(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let keys = try await harness.sampleKeys(8)
            let before = try await harness.snapshotAll()
            let aggregates =
                "SELECT (SELECT count(*) FROM orders) AS orders, (SELECT sum(total_cents) FROM orders) AS revenue, "
                + "(SELECT sum(points) FROM loyalty_transactions) AS points, (SELECT count(*) FROM events) + (SELECT count(*) FROM events_archive) AS events, "
                + "(SELECT count(*) FROM customers) AS customers, (SELECT count(DISTINCT visitor_key) FROM events_archive) AS visitors"
            let aggregatesBefore = try await harness.query(aggregates).first?.values

            let result = try ErasureHarness.result(try await harness.run([keys[0]])[keys[0]])

            #expect(result.keys == 5)
            #expect(try await harness.query(aggregates).first?.values == aggregatesBefore)
            let customer = try #require(try await harness.query("SELECT * FROM customers WHERE id = 8").first)
            #expect(try customer.string("customer_key") == keys[0])
            #expect(
                try customer.string("email").range(
                    of: #"^anon-[0-9a-f]{16}@anonymised\.invalid$"#, options: .regularExpression) != nil)
            #expect(
                try customer.string("first_name").range(of: #"^Anon [0-9A-F]{8}$"#, options: .regularExpression) != nil)
            #expect(try customer.string("last_name") == "REDACTED")
            #expect(try customer.string("phone").range(of: #"^\+99900[0-9]{8}$"#, options: .regularExpression) != nil)
            #expect(customer.isNull("birth_date"))
            #expect(
                try customer.string("loyalty_card").range(of: #"^tok_[0-9a-f]{32}$"#, options: .regularExpression)
                    != nil)
            #expect(customer.isNull("address_id"))
            #expect(try customer.string("tier") == "gold")
            let original = try #require(before["customers"]?["8"])
            #expect(
                customer.values[customer.columns.firstIndex(of: "created_at")!]
                    == original[customer.columns.firstIndex(of: "created_at")!])
            let cards = try await harness.query(
                "SELECT card_holder, card_last4, psp_reference FROM payment_methods WHERE customer_id = 8")
            #expect(cards.count == 1)
            #expect(
                try cards.allSatisfy {
                    try $0.string("card_last4") == "0000" && $0.string("card_holder").hasPrefix("Anon ")
                        && $0.string("psp_reference").hasPrefix("psp_")
                })
            let ips = try await harness.query(
                "SELECT CAST(ip_address AS text) AS ip, user_agent FROM events_archive WHERE id BETWEEN 141 AND 160")
            #expect(ips.allSatisfy { ($0.optionalString("ip") ?? "").hasPrefix("192.0.2.") && $0.isNull("user_agent") })

            // Only the customer's own rows changed, exactly the rows reported; the linked keys are gone.
            let changes = ErasureHarness.changes(before, try await harness.snapshotAll())
            #expect(changes == Dictionary(uniqueKeysWithValues: result.tables.map { ($0.table, $0.rows) }))
            #expect(changes["addresses"] == 1)
            #expect(try await harness.occurrences(of: Array(keys.dropFirst())).isEmpty)
            let kept = try await harness.occurrences(of: [keys[0]])
            #expect(
                Set(kept.keys) == [
                    "customers.customer_key", "customer_links.customer_key", "loyalty_transactions.customer_key",
                ])

            // A rekeyed key gets one surrogate per job: visits stay groupable per visitor.
            let visitors = try await harness.count(
                "SELECT count(DISTINCT visitor_key) AS n FROM (SELECT visitor_key FROM events WHERE id BETWEEN 141 AND 160 UNION ALL SELECT visitor_key FROM events_archive WHERE id BETWEEN 141 AND 160) AS v"
            )
            #expect(visitors == 4)
        }

        @Test("a second run finds nothing left to change and still succeeds", arguments: TestDatabase.engines)
        func idempotent(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let key = ShopSample.customerKey(12)
            let first = try ErasureHarness.result(try await harness.run([key])[key])
            #expect(first.rowsAffected > 0)
            let afterFirst = try await harness.snapshotAll()
            let second = try ErasureHarness.result(try await harness.run([key])[key])
            #expect(second.rowsAffected == 0)
            #expect(second.fieldsRewritten == 0)
            #expect(second.tables.isEmpty)
            #expect(ErasureHarness.changes(afterFirst, try await harness.snapshotAll()).isEmpty)
        }

        @Test("an address another household member still uses is not touched", arguments: TestDatabase.engines)
        func sharedParent(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            // Customer 7 lives at customer 6's address.
            let before = try await harness.snapshot("addresses")
            let result = try ErasureHarness.result(
                try await harness.run([ShopSample.customerKey(7)])[ShopSample.customerKey(7)])
            #expect(!result.tables.contains { $0.table == "addresses" })
            #expect(try await harness.snapshot("addresses") == before)
            #expect(try await harness.count("SELECT count(*) AS n FROM customers WHERE id = 6 AND address_id = 6") == 1)
            #expect(
                try await harness.count("SELECT count(*) AS n FROM customers WHERE id = 7 AND address_id IS NULL") == 1)
        }

        @Test("a customer key that matches nothing is done with nothing to report", arguments: TestDatabase.engines)
        func unknownKey(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let before = try await harness.snapshotAll()
            let result = try ErasureHarness.result(try await harness.run(["customer-999999"])["customer-999999"])
            #expect(result.keys == 1)
            #expect(result.tables.isEmpty)
            #expect(ErasureHarness.changes(before, try await harness.snapshotAll()).isEmpty)
        }
    }
}

@Suite("Preview")
struct PreviewTests {
    @Test(
        "a preview reports what the job then does, and changes nothing", arguments: TestDatabase.engines,
        [ErasureMode.anonymise, .delete])
    func previewMatchesTheJob(_ engine: DatabaseEngine, _ mode: ErasureMode) async throws {
        let harness = try await ErasureHarness.make(engine, customers: 20)
        let key = try await harness.sampleKeys(1)[0]
        let before = try await harness.snapshotAll()
        let preview = try await harness.withConnection { connection in
            try harness.handler.preview(try CustomerKey(key), tenant: .default, mode: mode, on: connection.database)
        }
        #expect(preview.failure == nil)
        #expect(try await harness.snapshotAll() == before, "the preview changed nothing")
        #expect(!preview.json.contains(key), "the key is never in a preview")
        let outcomes = try await harness.run([key], mode: mode)
        let result = try ErasureHarness.result(outcomes[key])
        #expect(preview.keys == result.keys)
        #expect(preview.tables.sorted { $0.table < $1.table } == result.tables.sorted { $0.table < $1.table })
        #expect(preview.tables.contains { $0.rows > 0 })
    }

    @Test("a waiting job is previewed once, and its status shows what it will do", arguments: TestDatabase.engines)
    func waitingJobPreview(_ engine: DatabaseEngine) async throws {
        let harness = try await ErasureHarness.make(engine, customers: 20)
        let keys = try await harness.sampleKeys(2)
        let jids = try await harness.withConnection { connection in
            try keys.map { try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey($0))).jid }
        }
        let before = try await harness.snapshotAll()
        var logger = Logger(label: "test.previews")
        logger.logLevel = .critical
        let previews = WaitingJobPreviews(
            database: BlockingConnectionPool(store: harness.database.store, size: 1), handler: harness.handler,
            configuration: .init(batch: 100), logger: logger)
        let waiting = try await harness.withConnection { try $0.jobsAwaitingPreview(limit: 100).count }
        #expect(waiting >= 2)
        #expect(await previews.previewOnce() == waiting)
        #expect(await previews.previewOnce() == 0, "previewed once")
        #expect(try await harness.snapshotAll() == before, "the previews changed nothing")
        let (job, now) = try await harness.withConnection { connection in
            (try #require(try connection.job(jids[0], tenant: nil)), try connection.now())
        }
        let report = JobStatusReport(job: job, now: now, cutoff: ArchiveCutoff(delay: .seconds(5 * 86_400)))
        #expect(report.phase == .waitingForArchive)
        let preview = try #require(report.preview)
        #expect(preview.previewedAt != nil)
        #expect(!report.json.contains(keys[0]), "the key is never in a status")
        #expect(report.json.contains("\"preview\":{"))
        let direct = try await harness.withConnection { connection in
            try harness.handler.preview(
                try CustomerKey(keys[0]), tenant: .default, mode: .anonymise, on: connection.database)
        }
        #expect(preview.keys == direct.keys)
        #expect(preview.tables == direct.tables)
    }
}
