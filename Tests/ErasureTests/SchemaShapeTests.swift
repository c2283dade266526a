import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

extension ErasureWorkloadTests {
    /// Shapes of schemas nobody here designed, on top of the sample shop: keys of any type, tables
    /// outside the map that point at mapped rows, missing indexes.
    @Suite("Schema shapes")
    struct SchemaShapeTests {
        func report(_ harness: ErasureHarness, _ yaml: String) async throws -> DataMapCheck.Report {
            try await harness.withConnection { try DataMapCheck.report(yaml: yaml, on: $0.database) }
        }

        /// A staff table outside the map, without a foreign key, whose one member lives at customer 10's address.
        func addStaff(_ harness: ErasureHarness) async throws {
            try await harness.execute(
                "CREATE TABLE staff (id bigint PRIMARY KEY, full_name text NOT NULL, address_id bigint)")
            try await harness.execute("INSERT INTO staff (id, full_name, address_id) VALUES (1, 'Sam Staff', 10)")
        }

        static let staffReference = "\nreferences:\n  - column: staff.address_id\n    references: addresses.id\n"

        @Test(
            "a reference from a table outside the map, declared, keeps the address a customer shares only with staff",
            arguments: TestDatabase.engines)
        func declaredReferenceKeepsSharedParent(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(
                engine, dataMap: try DataMap(yaml: ShopSample.dataMapYAML + Self.staffReference))
            try await addStaff(harness)
            let address = try await harness.snapshot("addresses")["10"]
            #expect(address != nil)
            let result = try ErasureHarness.result(
                try await harness.run([ShopSample.customerKey(10)], mode: .delete)[ShopSample.customerKey(10)])
            #expect(try await harness.count("SELECT count(*) AS n FROM customers WHERE id = 10") == 0)
            #expect(try await harness.snapshot("addresses")["10"] == address, "the staff member's address was changed")
            #expect(result.tables.first { $0.table == "addresses" } == nil)
            #expect(try await harness.count("SELECT count(*) AS n FROM staff WHERE address_id = 10") == 1)
            // Once the staff member moves out, the next erasure touching it takes the address.
            try await harness.execute("UPDATE staff SET address_id = NULL")
            _ = try await harness.run([ShopSample.customerKey(10)], mode: .delete)
            #expect(
                try await harness.count("SELECT count(*) AS n FROM addresses WHERE id = 10") == 1,
                "no one reaches it any more")
        }

        @Test(
            "check names an undeclared reference by its name; --strict refuses it until declared or listed under not_references",
            arguments: TestDatabase.engines)
        func undeclaredReference(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 12)
            try await addStaff(harness)
            let plain = try await report(harness, ShopSample.dataMapYAML)
            #expect(plain.problems.isEmpty, "\(plain.problems)")
            let suggested = plain.warnings.filter { $0.code == .undeclaredReference }
            #expect(suggested.map { "\($0.table ?? "").\($0.column ?? "")" } == ["staff.address_id"])
            #expect(suggested.first?.message.contains("addresses.id") == true)
            #expect(plain.refusals(strict: true).map(\.code) == [.undeclaredReference])
            #expect(
                try await report(harness, ShopSample.dataMapYAML + Self.staffReference).refusals(strict: true).isEmpty)
            #expect(
                try await report(harness, ShopSample.dataMapYAML + "\nnot_references: [staff.address_id]\n").refusals(
                    strict: true
                ).isEmpty)
        }

        @Test(
            "check finds a reference by its values when its name says nothing, and not a table's own key",
            arguments: TestDatabase.engines)
        func undeclaredReferenceByValues(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 12)
            try await harness.execute("CREATE TABLE referrals (id bigint PRIMARY KEY, referrer_id bigint, note text)")
            try await harness.execute(
                "INSERT INTO referrals (id, referrer_id, note) VALUES (900001, 3, 'x'), (900002, 4, 'y')")
            let found = try await report(harness, ShopSample.dataMapYAML).warnings.filter {
                $0.code == .undeclaredReference
            }
            #expect(found.map { "\($0.table ?? "").\($0.column ?? "")" }.contains("referrals.referrer_id"))
            #expect(!found.contains { $0.column == "id" })
        }

        @Test(
            "check names unindexed lookups with the index to create; erasure still works without them",
            arguments: TestDatabase.engines)
        func indexAdvice(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 12)
            try await harness.execute("DROP INDEX orders_customer_id")
            let advice = try await report(harness, ShopSample.dataMapYAML).warnings.filter { $0.code == .missingIndex }
            #expect(advice.map { "\($0.table ?? "").\($0.column ?? "")" } == ["orders.customer_id"])
            let fix = try #require(advice.first?.fix)
            #expect(fix.contains("CREATE INDEX") && fix.contains("\"orders\"") && fix.contains("\"customer_id\""))
            #expect(fix.contains("CONCURRENTLY") == (engine == .postgres))
            _ = try ErasureHarness.result(
                try await harness.run([ShopSample.customerKey(3)], mode: .delete)[ShopSample.customerKey(3)])
            #expect(try await harness.count("SELECT count(*) AS n FROM orders WHERE customer_id = 3") == 0)
            try await harness.execute(fix.replacingOccurrences(of: "CONCURRENTLY ", with: ""))
            #expect(try await report(harness, ShopSample.dataMapYAML).warnings.isEmpty)
        }

        @Test(
            "a table outside the map whose foreign key cascades into a mapped table is refused, and named",
            arguments: TestDatabase.engines)
        func cascadingReference(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            try await harness.execute(
                "CREATE TABLE customer_notes (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE, note text)"
            )
            try await harness.execute(
                "CREATE TABLE favourite_addresses (id bigint PRIMARY KEY, address_id bigint REFERENCES addresses (id) ON DELETE SET NULL)"
            )
            let problems = try await report(harness, ShopSample.dataMapYAML).problems
            #expect(problems.map(\.code) == [.unmappedReference, .unmappedReference], "\(problems)")
            #expect(
                problems.contains {
                    "\($0)".hasPrefix("customer_notes.customer_id: references customers ON DELETE CASCADE")
                })
            #expect(
                problems.contains {
                    "\($0)".hasPrefix("favourite_addresses.address_id: references addresses ON DELETE SET NULL")
                })
        }

        @Test(
            "a mapped column that points at rows delete mode deletes, through no edge, is refused",
            arguments: TestDatabase.engines)
        func mappedReferenceWithoutEdge(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            let yaml = try Self.sample(
                replacing: "      status: keep\n      created_at: keep\n",
                with: "      status: keep\n      created_at: keep\n      handled_by: keep\n")
            try await harness.execute(
                "ALTER TABLE support_tickets ADD COLUMN handled_by bigint REFERENCES customers (id)")
            let problems = try await report(harness, yaml).problems
            #expect(problems.map(\.code) == [.unmappedReference], "\(problems)")
            #expect(
                problems.first.map {
                    "\($0)".hasPrefix(
                        "support_tickets.handled_by: references customers, which erasure deletes from, through a column no reached_by edge follows"
                    )
                } == true)
        }

        @Test(
            "a declared primary key must be unique and NOT NULL; a table without one is told what would do",
            arguments: TestDatabase.engines)
        func declaredPrimaryKeys(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            try await harness.execute(
                "CREATE TABLE visits (email text NOT NULL, last_visit timestamp NOT NULL, page text, note text)")
            try await harness.execute("CREATE TABLE newsletter (email text NOT NULL, list text, topic text NOT NULL)")
            try await harness.execute("CREATE UNIQUE INDEX newsletter_email_topic ON newsletter (email, topic)")
            func map(_ table: String, _ key: String?, _ columns: String) -> String {
                ShopSample.dataMapYAML + "\n  \(table):\n" + (key.map { "    primary_key: \($0)\n" } ?? "")
                    + "    match: [email]\n    columns: \(columns)\n"
            }
            let visits = "{ email: rekey, last_visit: keep, page: keep, note: null }"
            let notUnique = try await report(harness, map("visits", "[email]", visits)).problems
            #expect(notUnique.map(\.code) == [.missingPrimaryKey])
            #expect(notUnique.first?.message.contains("CREATE UNIQUE INDEX ON visits (email)") == true)
            let newsletter = "{ email: rekey, list: keep, topic: keep }"
            let missing = try await report(harness, map("newsletter", nil, newsletter)).problems
            #expect(missing.map(\.code) == [.missingPrimaryKey])
            #expect(missing.first?.message.contains("primary_key: [email, topic]") == true)
            #expect(try await report(harness, map("newsletter", "[email, topic]", newsletter)).problems.isEmpty)
            try await harness.execute("CREATE UNIQUE INDEX visits_key ON visits (email, last_visit, note)")
            let nullable = try await report(
                harness,
                map(
                    "visits", "[email, last_visit, note]",
                    visits.replacingOccurrences(of: "note: null", with: "note: keep"))
            ).problems
            #expect(nullable.map(\.code) == [.missingPrimaryKey])
            #expect(nullable.first?.column == "note")
        }

        @Test(
            "an archived table whose ids the engine can hand out again is refused, saying how to fix it; the sample's is not",
            arguments: TestDatabase.engines)
        func reusableArchiveKeys(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            #expect(
                try await report(harness, ShopSample.dataMapYAML).problems.isEmpty,
                "the sample shop's events never reuse an id")
            let key = engine == .postgres ? "id bigint PRIMARY KEY" : "id INTEGER PRIMARY KEY"
            for table in ["clicks", "clicks_archive"] {
                try await harness.execute(
                    "CREATE TABLE \(table) (\(key), visitor_key text NOT NULL, occurred_at timestamp NOT NULL)")
            }
            let map =
                ShopSample.dataMapYAML + """

                      clicks:
                        match: [visitor_key]
                        archive: { table: clicks_archive, time_column: occurred_at }
                        columns: { id: keep, visitor_key: rekey, occurred_at: keep }

                    """
            let problems = try await report(harness, map).problems
            #expect(problems.map(\.code) == [.reusableArchiveKey], "\(problems)")
            #expect(
                problems.first.map {
                    "\($0)".hasPrefix("clicks.id: a new row can get the id of a row already archived")
                } == true)
            #expect(problems.first?.message.contains(engine == .postgres ? "identity" : "AUTOINCREMENT") == true)
        }

        @Test(
            "rows keyed by a timestamp composite are located, anonymised and deleted", arguments: TestDatabase.engines)
        func timestampKey(_ engine: DatabaseEngine) async throws {
            let key = ShopSample.customerKey(4)
            let yaml =
                ShopSample.dataMapYAML
                + "\n  visits:\n    primary_key: [email, last_visit]\n    match: [email]\n    columns: { email: rekey, last_visit: keep, page: keep, ip: null }\n"
            let harness = try await ErasureHarness.make(engine, customers: 6, dataMap: nil)
            try await harness.execute(
                "CREATE TABLE visits (email text NOT NULL, last_visit timestamp NOT NULL, page text NOT NULL, ip text, PRIMARY KEY (email, last_visit))"
            )
            for (index, email) in [key, key, key, "someone-else"].enumerated() {
                try await harness.execute(
                    "INSERT INTO visits (email, last_visit, page, ip) VALUES (\(harness.p(1)), \(harness.p(2)), '/p', '10.0.0.1')",
                    [.text(email), .text("2026-11-0\(index + 1) 10:00:00.123456")])
            }
            let handler = ErasureJobHandler(
                dataMap: try DataMap(yaml: yaml), configuration: ErasureHarness.configuration())
            let keyed = ErasureHarness(database: harness.database, handler: handler)
            let before = try await keyed.snapshot("visits")
            let anonymised = try ErasureHarness.result(try await keyed.run([key], mode: .anonymise)[key])
            #expect(anonymised.tables.first { $0.table == "visits" }?.rows == 3)
            #expect(
                try await keyed.count("SELECT count(*) AS n FROM visits WHERE email = \(keyed.p(1))", [.text(key)]) == 0
            )
            #expect(try await keyed.count("SELECT count(*) AS n FROM visits WHERE ip IS NULL") == 3)
            let after = try await keyed.snapshot("visits")
            #expect(
                before.filter { $0.key.hasPrefix("someone-else") } == after.filter { $0.key.hasPrefix("someone-else") })
            let third = try await keyed.query("SELECT email FROM visits WHERE page = '/p' AND ip IS NULL")
            #expect(Set(try third.map { try $0.string("email") }).count == 1, "one surrogate for the key")
            let deleteKey = ShopSample.customerKey(5)
            try await keyed.execute(
                "INSERT INTO visits (email, last_visit, page) VALUES (\(keyed.p(1)), '2026-01-01 00:00:00', '/q')",
                [.text(deleteKey)])
            _ = try ErasureHarness.result(try await keyed.run([deleteKey], mode: .delete)[deleteKey])
            #expect(try await keyed.count("SELECT count(*) AS n FROM visits WHERE page = '/q'") == 0)
            #expect(try await keyed.count("SELECT count(*) AS n FROM visits") == 4)
        }

        /// The sample's map with one edit, which must apply.
        static func sample(replacing old: String, with new: String) throws -> String {
            let yaml = ShopSample.dataMapYAML
            guard yaml.contains(old) else { throw HarnessError("the sample map has no \(old)") }
            return yaml.replacingOccurrences(of: old, with: new)
        }
    }
}
