import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

extension ErasureTests {
    @Suite("Literal key matching")
    struct KeyMatchingTests {
        /// Keys that must match only themselves, each with decoys that a sloppy comparison would confuse.
        static let cases: [(key: String, decoys: [String])] = [
            ("'; DROP TABLE customers; --", ["'; DROP TABLE customers; -- ", "'; drop table customers; --"]),
            ("Robert'); DELETE FROM events WHERE ('1'='1", ["Robert"]),
            ("%_*?[x]", ["%", "a_b*c?dx]"]),
            ("a\"b\\c{},NULL", ["NULL", "a\"b\\c{}"]),
            ("Åsa Öberg 🎉", ["ÅSA ÖBERG 🎉", "A\u{030A}sa O\u{0308}berg 🎉"]),
            (
                String(repeating: "k", count: 254) + "é",
                [String(repeating: "k", count: 256), String(repeating: "k", count: 254) + "e"]
            ),
            (String(repeating: "ß", count: 128), [String(repeating: "ß", count: 127)]),
        ]

        func addCustomer(_ harness: ErasureHarness, id: Int, key: String) async throws {
            try await harness.execute(
                """
                INSERT INTO customers (id, customer_key, email, first_name, last_name, tier, marketing_opt_in, created_at)
                VALUES (\(harness.p(1)), \(harness.p(2)), 'someone@example.com', 'Some', 'One', 'bronze', \(harness.database.engine == .postgres ? "false" : "0"), CURRENT_TIMESTAMP)
                """, [.int(id), .text(key)])
            try await harness.execute(
                "INSERT INTO events (id, visitor_key, event_type, page_url, occurred_at) VALUES (\(harness.p(1)), \(harness.p(2)), 'page_view', '/', CURRENT_TIMESTAMP)",
                [.int(id), .text(key)])
        }

        @Test(
            "keys that look like SQL, unicode and long keys match literally and nothing else",
            arguments: TestDatabase.engines)
        func literal(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 5)
            var targets: [String: Int] = [:]
            var decoys: [Int] = []
            var id = 1_000
            for (key, others) in Self.cases {
                #expect(key.utf8.count <= CustomerKey.maximumLength)
                id += 1
                try await addCustomer(harness, id: id, key: key)
                targets[key] = id
                for decoy in others {
                    id += 1
                    try await addCustomer(harness, id: id, key: decoy)
                    decoys.append(id)
                }
            }
            let before = try await harness.snapshotAll()

            let outcomes = try await harness.run(Self.cases.map(\.key), mode: .delete)

            for (key, id) in targets {
                let result = try ErasureHarness.result(outcomes[key])
                #expect(result.tables.first { $0.table == "customers" }?.rows == 1, "\(id)")
                #expect(result.tables.first { $0.table == "events" }?.rows == 1, "\(id)")
            }
            let after = try await harness.snapshotAll()
            for id in decoys {
                #expect(after["customers"]?["\(id)"] == before["customers"]?["\(id)"], "decoy \(id) changed")
                #expect(after["events"]?["\(id)"] == before["events"]?["\(id)"], "decoy \(id) changed")
            }
            #expect(after["customers"]?.count == before["customers"]!.count - targets.count)
            #expect(try await harness.occurrences(of: Self.cases.map(\.key)).isEmpty)
        }

        @Test(
            "a key and its twin in another Unicode normal form are two keys, both followed",
            arguments: TestDatabase.engines)
        func normalForms(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 3)
            let composed = "Zo\u{00EB}"
            let decomposed = "Zoe\u{0308}"
            try await addCustomer(harness, id: 2_001, key: composed)
            try await harness.execute(
                "INSERT INTO customer_links (customer_key, linked_key, link_type, created_at) VALUES (\(harness.p(1)), \(harness.p(2)), 'device', CURRENT_TIMESTAMP)",
                [.text(composed), .text(decomposed)])
            try await harness.execute(
                "INSERT INTO events (id, visitor_key, event_type, page_url, occurred_at) VALUES (2002, \(harness.p(1)), 'page_view', '/', CURRENT_TIMESTAMP)",
                [.text(decomposed)])
            let result = try ErasureHarness.result(try await harness.run([composed], mode: .delete)[composed])
            #expect(result.keys == 2)
            #expect(result.tables.first { $0.table == "events" }?.rows == 2)
            #expect(try await harness.count("SELECT count(*) AS n FROM events WHERE id IN (2001, 2002)") == 0)
        }
    }

    @Suite("Typed key columns")
    struct TypedKeyColumnTests {
        static let map = """
            version: 1
            tables:
              members:
                match: [member_key, device, legacy_id]
                columns:
                  id: keep
                  member_key: keep
                  device: rekey
                  legacy_id: keep
                  nickname: redact
            """

        @Test(
            "UUID and integer columns match keys that are their canonical text, and nothing else",
            arguments: TestDatabase.engines)
        func typedColumns(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 0, dataMap: try DataMap(yaml: Self.map))
            let uuidType = engine == .postgres ? "uuid" : "UUID"
            try await harness.execute(
                "CREATE TABLE members (id bigint PRIMARY KEY, member_key text NOT NULL, device \(uuidType), legacy_id bigint, nickname text)"
            )
            let rows: [(Int, String, String?, Int?)] = [
                (1, "alice", "d9528030-509c-4e0f-b585-7168f1e9feca", 42),
                (2, "bob", "0e5c5a47-3c39-4d6c-9d67-2f7a3b1f0a11", 43), (3, "carol", nil, 420),
            ]
            for (id, key, device, legacy) in rows {
                try await harness.execute(
                    "INSERT INTO members VALUES (\(harness.p(1)), \(harness.p(2)), \(engine == .postgres ? "CAST(\(harness.p(3)) AS uuid)" : harness.p(3)), \(harness.p(4)), 'nick')",
                    [
                        .int(id), .text(key), device.map(SQLValue.text) ?? .null,
                        legacy.map { SQLValue.int($0) } ?? .null,
                    ])
            }
            let keys = [
                "d9528030-509c-4e0f-b585-7168f1e9feca", "43", "042", "not-a-uuid", "9223372036854775808", "4.2e1",
            ]
            let outcomes = try await harness.run(keys)
            #expect(try ErasureHarness.result(outcomes[keys[0]]).rowsAffected == 1)
            #expect(try ErasureHarness.result(outcomes[keys[1]]).rowsAffected == 1)
            for key in keys.dropFirst(2) {
                #expect(try ErasureHarness.result(outcomes[key]).rowsAffected == 0, "\(key)")
            }
            let members = try await harness.query(
                "SELECT id, CAST(device AS text) AS device, nickname FROM members ORDER BY id")
            #expect(members.map { $0.optionalString("nickname") } == ["REDACTED", "REDACTED", "nick"])
            // Both matched rows had their device rekeyed; the unmatched row kept everything.
            for member in members.prefix(2) {
                let rekeyed = try #require(member.optionalString("device"))
                #expect(
                    rekeyed.range(
                        of: "^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$",
                        options: .regularExpression) != nil)
            }
            #expect(members[2].isNull("device"))
        }

        @Test(
            "a UUID key matches a UUID column in either letter case, whichever case the column holds",
            arguments: TestDatabase.engines)
        func uuidCase(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, customers: 0, dataMap: try DataMap(yaml: Self.map))
            let uuidType = engine == .postgres ? "uuid" : "UUID"
            try await harness.execute(
                "CREATE TABLE members (id bigint PRIMARY KEY, member_key text NOT NULL, device \(uuidType), legacy_id bigint, nickname text)"
            )
            let stored = [
                "d9528030-509c-4e0f-b585-7168f1e9feca", "0E5C5A47-3C39-4D6C-9D67-2F7A3B1F0A11",
                "7b0e9c1e-2f4a-4c8e-9a51-3d2f6e8b9c10",
            ]
            for (index, device) in stored.enumerated() {
                try await harness.execute(
                    "INSERT INTO members VALUES (\(harness.p(1)), \(harness.p(2)), \(engine == .postgres ? "CAST(\(harness.p(3)) AS uuid)" : harness.p(3)), NULL, 'nick')",
                    [.int(index + 1), .text("member-\(index + 1)"), .text(device)])
            }
            // Lower-case storage with an upper-case key, and upper-case storage with a lower-case key.
            let keys = [stored[0].uppercased(), stored[1].lowercased()]
            let outcomes = try await harness.run(keys)
            for key in keys { #expect(try ErasureHarness.result(outcomes[key]).rowsAffected == 1, "\(key)") }
            let members = try await harness.query("SELECT id, nickname FROM members ORDER BY id")
            #expect(members.map { $0.optionalString("nickname") } == ["REDACTED", "REDACTED", "nick"])
        }
    }
}
