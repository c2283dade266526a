import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

extension ErasureWorkloadTests {
    /// `check` against the sample shop, with one kind of mistake at a time.
    @Suite("Data map check")
    struct DataMapCheckTests {
        func problems(_ harness: ErasureHarness, _ yaml: String) async throws -> [DataMapProblem] {
            try await harness.withConnection { try DataMapCheck.run(yaml: yaml, on: $0.database) }
        }

        /// The sample's map with one edit, which must apply.
        func sample(replacing old: String, with new: String) throws -> String {
            let yaml = ShopSample.dataMapYAML
            guard yaml.contains(old) else { throw HarnessError("the sample map has no \(old)") }
            return yaml.replacingOccurrences(of: old, with: new)
        }

        func expectOnly(
            _ problems: [DataMapProblem], _ code: DataMapProblem.Code, _ line: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(problems.map(\.code) == [code], "\(problems.map(\.description))", sourceLocation: sourceLocation)
            #expect(
                problems.first.map { "\($0)".hasPrefix(line) } == true, "\(problems)", sourceLocation: sourceLocation)
            #expect(problems.allSatisfy { !"\($0)".contains("\n") }, sourceLocation: sourceLocation)
        }

        @Test("the sample map fits the sample database", arguments: TestDatabase.engines)
        func clean(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            #expect(try await problems(harness, ShopSample.dataMapYAML).isEmpty)
        }

        @Test("a missing table", arguments: TestDatabase.engines)
        func missingTable(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            let yaml = try sample(
                replacing: "  loyalty_transactions:\n",
                with:
                    "  wishlists:\n    match: [customer_key]\n    columns: { customer_key: keep }\n  loyalty_transactions:\n"
            )
            expectOnly(try await problems(harness, yaml), .missingTable, "wishlists: no such table")
        }

        @Test("a missing column", arguments: TestDatabase.engines)
        func missingColumn(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            let yaml = try sample(replacing: "      tier: keep\n", with: "      tier: keep\n      nickname: redact\n")
            expectOnly(try await problems(harness, yaml), .missingColumn, "customers.nickname: no such column")
        }

        @Test("a new column that no strategy classifies", arguments: TestDatabase.engines)
        func unclassifiedColumn(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            try await harness.execute("ALTER TABLE customers ADD COLUMN nickname text")
            expectOnly(
                try await problems(harness, ShopSample.dataMapYAML), .unclassifiedColumn,
                "customers.nickname: has no strategy")
            // The archive table is checked against its hot table's columns too.
            try await harness.execute("ALTER TABLE events_archive ADD COLUMN referrer text")
            #expect(
                try await problems(harness, ShopSample.dataMapYAML).map(\.description).contains {
                    $0.hasPrefix("events_archive.referrer: has no strategy")
                })
        }

        @Test("an unknown strategy", arguments: TestDatabase.engines)
        func unknownStrategy(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            expectOnly(
                try await problems(
                    harness, try sample(replacing: "      tier: keep\n", with: "      tier: scramble\n")),
                .unknownStrategy, "customers.tier: unknown strategy 'scramble'")
            expectOnly(
                try await problems(
                    harness,
                    try sample(
                        replacing: "      email: { placeholder: email }", with: "      email: { placeholder: ssn }")),
                .unknownStrategy,
                "customers.email: unknown placeholder 'ssn'")
        }

        @Test("a cycle in the reach graph", arguments: TestDatabase.engines)
        func cycle(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            let yaml = try sample(
                replacing: "  customers:\n    match: [customer_key]\n",
                with:
                    "  customers:\n    match: [customer_key]\n    reached_by:\n      - column: id\n        referenced_by: orders.customer_id\n"
            )
            let found = try await problems(harness, yaml)
            #expect(found.map(\.code).contains(.cycle), "\(found)")
            #expect(
                found.contains {
                    $0.message.contains("customers → orders → customers")
                        || $0.message.contains("orders → customers → orders")
                }, "\(found)")
        }

        @Test(
            "key type mismatches: a match column that cannot hold keys, edge columns of different types",
            arguments: TestDatabase.engines)
        func keyTypeMismatch(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            expectOnly(
                try await problems(
                    harness,
                    try sample(
                        replacing: "    match: [customer_key]\n    columns:\n      id: keep\n      customer_key: keep ",
                        with:
                            "    match: [customer_key, marketing_opt_in]\n    columns:\n      id: keep\n      customer_key: keep "
                    )), .keyTypeMismatch,
                "customers.marketing_opt_in: match column")
            let edge = try sample(
                replacing:
                    "      - column: customer_id\n        references: customers.id\n    columns:\n      id: keep\n      customer_id: keep\n      order_number",
                with:
                    "      - column: order_number\n        references: customers.id\n    columns:\n      id: keep\n      customer_id: keep\n      order_number"
            )
            expectOnly(try await problems(harness, edge), .keyTypeMismatch, "orders.order_number: is ")
        }

        @Test("a strategy that cannot apply to its column", arguments: TestDatabase.engines)
        func strategyMismatch(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            expectOnly(
                try await problems(
                    harness, try sample(replacing: "      email: { placeholder: email }", with: "      email: null")),
                .strategyMismatch, "customers.email: is NOT NULL")
            expectOnly(
                try await problems(
                    harness, try sample(replacing: "      total_cents: keep\n", with: "      total_cents: redact\n")),
                .strategyMismatch,
                "orders.total_cents: redact cannot write")
        }

        @Test("a table without a primary key", arguments: TestDatabase.engines)
        func missingPrimaryKey(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            try await harness.execute("CREATE TABLE newsletter (email text NOT NULL, subscribed_at text)")
            let yaml =
                ShopSample.dataMapYAML
                + "\n  newsletter:\n    match: [email]\n    columns: { email: keep, subscribed_at: keep }\n"
            expectOnly(try await problems(harness, yaml), .missingPrimaryKey, "newsletter: has no primary key")
        }

        @Test("a mapped table nothing reaches", arguments: TestDatabase.engines)
        func unreachable(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            let yaml =
                ShopSample.dataMapYAML
                + "\n  campaigns:\n    columns: { id: keep, name: keep, starts_on: keep, ends_on: keep }\n"
            expectOnly(try await problems(harness, yaml), .unreachableTable, "campaigns: neither match nor reached_by")
        }

        @Test("a table outside the map that references rows erasure deletes", arguments: TestDatabase.engines)
        func unmappedReference(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            try await harness.execute(
                "CREATE TABLE wishlist_items (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), sku text)"
            )
            expectOnly(
                try await problems(harness, ShopSample.dataMapYAML), .unmappedReference,
                "wishlist_items.customer_id: references customers")
        }

        @Test("malformed YAML and malformed entries, each on one line", arguments: [DatabaseEngine.sqlite])
        func malformed(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            let broken = try await problems(harness, "version: 1\ntables:\n  customers: [\n")
            #expect(broken.map(\.code) == [.invalidYAML])
            #expect(broken.first?.message.contains("line") == true)
            let entries = try await problems(
                harness,
                """
                version: 2
                cascade_limit: lots
                tables:
                  customers:
                    match: [customer_key]
                    colums: { id: keep }
                """)
            #expect(entries.map(\.description).contains("version: unsupported; this gdpr-worker reads version 1"))
            #expect(entries.contains { $0.description.hasPrefix("cascade_limit: must be a whole number") })
            #expect(entries.contains { $0.description.hasPrefix("customers: unknown key 'colums'") })
            #expect(entries.contains { $0.description.hasPrefix("customers: columns: missing") })
        }

        @Test(
            "a column added while the worker runs stops erasure once the catalog is read again",
            arguments: TestDatabase.engines)
        func catalogRefresh(_ engine: DatabaseEngine) async throws {
            var configuration = ErasureHarness.configuration()
            configuration.catalogRefresh = .zero
            let harness = try await ErasureHarness.make(engine, customers: 5, configuration: configuration)
            #expect(
                try ErasureHarness.result(try await harness.run([ShopSample.customerKey(1)])[ShopSample.customerKey(1)])
                    .rowsAffected > 0)
            try await harness.execute("ALTER TABLE customers ADD COLUMN nickname text")
            let before = try await harness.snapshotAll()
            let outcome = try await harness.run([ShopSample.customerKey(2)])[ShopSample.customerKey(2)]
            guard case .failed(let failure)? = outcome else {
                Issue.record("the job ran with an unclassified column")
                return
            }
            #expect(failure.code == .dataMap)
            #expect(failure.reason.contains("customers.nickname"))
            #expect(ErasureHarness.changes(before, try await harness.snapshotAll()).isEmpty)
        }

        @Test(
            "the handler refuses a map with problems, and fails jobs with a reason that names the problem",
            arguments: [DatabaseEngine.sqlite])
        func handlerRefuses(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            try await harness.execute("ALTER TABLE customers ADD COLUMN nickname text")
            await #expect(throws: DataMapError.self) {
                try await harness.withConnection { try harness.handler.prepare(on: $0.database) }
            }
            let outcome = try await harness.run([ShopSample.customerKey(1)])[ShopSample.customerKey(1)]
            guard case .failed(let failure)? = outcome else {
                Issue.record("the job did not fail")
                return
            }
            #expect(failure.code == .dataMap)
            #expect(!failure.isPermanent)
            #expect(failure.reason.contains("customers.nickname"))
        }
    }
}
