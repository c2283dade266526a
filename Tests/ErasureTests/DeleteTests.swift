import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

extension ErasureTests {
    @Suite("Delete")
    struct DeleteTests {
        @Test(
            "no key of the customer remains in any row of any mapped table; other customers are untouched",
            arguments: TestDatabase.engines)
        func delete(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let keys = try await harness.sampleKeys(10)
            #expect(keys.count == 5)
            let email = try #require(
                try await harness.query("SELECT email FROM customers WHERE id = 10").first?.string("email"))
            let before = try await harness.snapshotAll()
            let revenue = try await harness.count("SELECT sum(total_cents) AS n FROM orders")

            let result = try ErasureHarness.result(try await harness.run([keys[0]], mode: .delete)[keys[0]])

            #expect(try await harness.occurrences(of: keys + [email]).isEmpty)
            #expect(try await harness.count("SELECT count(*) AS n FROM customers WHERE id = 10") == 0)
            #expect(try await harness.count("SELECT count(*) AS n FROM events WHERE id BETWEEN 181 AND 200") == 0)
            #expect(
                try await harness.count("SELECT count(*) AS n FROM events_archive WHERE id BETWEEN 181 AND 200") == 0)
            #expect(
                try await harness.count("SELECT count(*) AS n FROM loyalty_transactions WHERE id BETWEEN 46 AND 50")
                    == 0)
            #expect(try await harness.count("SELECT count(*) AS n FROM support_tickets WHERE id = 10") == 0)
            // Orders are kept for bookkeeping (on_delete: anonymise), severed from the customer and address.
            #expect(
                try await harness.count(
                    "SELECT count(*) AS n FROM orders WHERE id IN (37, 38, 39) AND customer_id IS NULL AND shipping_address_id IS NULL"
                ) == 3)
            #expect(try await harness.count("SELECT sum(total_cents) AS n FROM orders") == revenue)
            #expect(try await harness.count("SELECT count(*) AS n FROM addresses WHERE id = 10") == 0)

            // Exactly the rows reported changed or went, and no row of anyone else.
            let after = try await harness.snapshotAll()
            let changes = ErasureHarness.changes(before, after)
            #expect(changes == Dictionary(uniqueKeysWithValues: result.tables.map { ($0.table, $0.rows) }))
            #expect(result.tables.first { $0.table == "customers" }?.method == "delete")
            #expect(result.tables.first { $0.table == "orders" }?.method == "anonymise")
            for (table, rows) in before where table != "order_lines" {
                #expect(
                    after[table]!.count == rows.count
                        - (result.tables.first { $0.table == table && $0.method == "delete" }?.rows ?? 0))
            }
        }

        @Test("rows are deleted children first, and a shared address survives", arguments: TestDatabase.engines)
        func sharedParentSurvives(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let address = try await harness.snapshot("addresses")["6"]
            // Customer 7 lives at customer 6's address: deleting 7 keeps it, deleting 6 too removes it.
            _ = try ErasureHarness.result(
                try await harness.run([ShopSample.customerKey(7)], mode: .delete)[ShopSample.customerKey(7)])
            #expect(try await harness.snapshot("addresses")["6"] == address)
            #expect(try await harness.count("SELECT count(*) AS n FROM customers WHERE id = 6 AND address_id = 6") == 1)
            let result = try ErasureHarness.result(
                try await harness.run([ShopSample.customerKey(6)], mode: .delete)[ShopSample.customerKey(6)])
            #expect(result.tables.first { $0.table == "addresses" }?.rows == 1)
            #expect(try await harness.snapshot("addresses")["6"] == nil)
        }

        @Test(
            "two members of a household deleted in one batch take their address with them",
            arguments: TestDatabase.engines)
        func householdInOneBatch(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let outcomes = try await harness.run([ShopSample.customerKey(6), ShopSample.customerKey(7)], mode: .delete)
            let counts = try [6, 7].map { try ErasureHarness.result(outcomes[ShopSample.customerKey($0)]) }
            #expect(counts.reduce(0) { $0 + ($1.tables.first { $0.table == "addresses" }?.rows ?? 0) } == 1)
            #expect(try await harness.count("SELECT count(*) AS n FROM addresses WHERE id = 6") == 0)
            #expect(
                try await harness.occurrences(
                    of: [6, 7].flatMap { ["customer-00000\($0)", "session-00000\($0)-1", "device-00000\($0)-1"] }
                ).isEmpty)
        }

        @Test("deleting again finds nothing and succeeds", arguments: TestDatabase.engines)
        func idempotent(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let key = ShopSample.customerKey(9)
            #expect(try ErasureHarness.result(try await harness.run([key], mode: .delete)[key]).rowsAffected > 0)
            let before = try await harness.snapshotAll()
            let second = try ErasureHarness.result(try await harness.run([key], mode: .delete)[key])
            #expect(second.rowsAffected == 0)
            #expect(ErasureHarness.changes(before, try await harness.snapshotAll()).isEmpty)
        }

        @Test("deleting an anonymised customer removes what anonymisation kept", arguments: TestDatabase.engines)
        func deleteAfterAnonymise(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine)
            let key = ShopSample.customerKey(4)
            _ = try ErasureHarness.result(try await harness.run([key])[key])
            let result = try ErasureHarness.result(try await harness.run([key], mode: .delete)[key])
            #expect(result.tables.first { $0.table == "customers" }?.rows == 1)
            #expect(try await harness.occurrences(of: [key]).isEmpty)
        }
    }
}
