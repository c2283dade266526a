import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// Tenant-scoped data: two companies share one deployment and one schema, and their customers'
/// keys collide. A job of one tenant must find, follow and change only that tenant's rows.
@Suite("Tenant-scoped data maps")
struct TenantScopeTests {
    static let schema = """
        CREATE TABLE members (
            id integer PRIMARY KEY, account text NOT NULL, code text NOT NULL, email text NOT NULL
        );
        CREATE TABLE member_links (
            id integer PRIMARY KEY, account text NOT NULL, code text NOT NULL, linked text NOT NULL
        );
        CREATE TABLE visits (
            id integer PRIMARY KEY, member_id integer NOT NULL REFERENCES members (id), page text NOT NULL
        );
        INSERT INTO members VALUES (1, 'acme', 'k1', 'a1@acme.test'), (2, 'acme', 'k2', 'a2@acme.test'),
                                   (3, 'globex', 'k1', 'g1@globex.test'), (4, 'globex', 'k9', 'g9@globex.test');
        INSERT INTO member_links VALUES (1, 'acme', 'k1', 'k2'), (2, 'globex', 'k1', 'k9');
        INSERT INTO visits VALUES (1, 1, '/a'), (2, 2, '/b'), (3, 3, '/c'), (4, 4, '/d');
        """

    static func map(scopeMembers: Bool = true, scopeLinks: Bool = true) -> String {
        """
        version: 1
        links:
          - table: member_links
            columns: [code, linked]
        \(scopeLinks ? "    tenant: account" : "")
        tables:
          members:
            match: [code]
        \(scopeMembers ? "    tenant: account" : "")
            columns: { id: keep, account: keep, code: keep, email: { placeholder: email } }
          member_links:
            match: [code, linked]
            tenant: account
            columns: { id: keep, account: keep, code: keep, linked: keep }
          visits:
            reached_by:
              - column: member_id
                references: members.id
            columns: { id: keep, member_id: keep, page: keep }
        """
    }

    static func harness(_ engine: DatabaseEngine) async throws -> ErasureHarness {
        let harness = try await ErasureHarness.make(engine, customers: 0, dataMap: try DataMap(yaml: map()))
        try await harness.withConnection { try $0.database.executeScript(schema) }
        return harness
    }

    @Test(
        "a tenant's job changes its own rows, follows its own links, and nothing of another tenant's",
        arguments: TestDatabase.engines)
    func anonymise(_ engine: DatabaseEngine) async throws {
        let harness = try await Self.harness(engine)
        let before = try await harness.snapshotAll()
        let outcomes = try await harness.run(["k1"], tenant: try Tenant("globex"))
        #expect(try ErasureHarness.result(outcomes["k1"]).keys == 2, "k1 and, through globex's link, k9")
        let emails = try await harness.query("SELECT id, email FROM members ORDER BY id").map { try $0.string("email") }
        #expect(emails[0] == "a1@acme.test" && emails[1] == "a2@acme.test", "acme's k1 and its link untouched")
        #expect(emails[2] != "g1@globex.test" && emails[3] != "g9@globex.test", "globex's k1 and its linked k9 erased")
        let after = try await harness.snapshotAll()
        #expect(after["visits"] == before["visits"])
        #expect(after["member_links"] == before["member_links"])
    }

    @Test("delete mode deletes the tenant's rows and their children only", arguments: TestDatabase.engines)
    func delete(_ engine: DatabaseEngine) async throws {
        let harness = try await Self.harness(engine)
        _ = try await harness.run(["k1"], mode: .delete, tenant: try Tenant("acme"))
        let members = try await harness.query("SELECT id FROM members ORDER BY id").map { try $0.int("id") }
        #expect(members == [3, 4], "acme's k1 and its linked k2 deleted; globex's k1 kept")
        #expect(try await harness.count("SELECT count(*) AS n FROM visits") == 2)
        #expect(try await harness.count("SELECT count(*) AS n FROM member_links WHERE account = 'globex'") == 1)
    }

    @Test("a job of a tenant that has no such key erases nothing", arguments: TestDatabase.engines)
    func otherTenant(_ engine: DatabaseEngine) async throws {
        let harness = try await Self.harness(engine)
        let before = try await harness.snapshotAll()
        _ = try await harness.run(["k1"], mode: .delete, tenant: try Tenant("initech"))
        #expect(try await harness.snapshotAll() == before)
    }

    @Test(
        "check refuses a scoped map that matches a table or follows a link without the tenant",
        arguments: TestDatabase.engines)
    func unscoped(_ engine: DatabaseEngine) async throws {
        let harness = try await Self.harness(engine)
        let problems = try await harness.withConnection { connection in
            (
                try DataMapCheck.run(yaml: Self.map(), on: connection.database),
                try DataMapCheck.run(yaml: Self.map(scopeMembers: false), on: connection.database),
                try DataMapCheck.run(yaml: Self.map(scopeLinks: false), on: connection.database)
            )
        }
        #expect(problems.0.isEmpty)
        #expect(problems.1.map(\.code) == [.unscopedTable])
        #expect(problems.1.first?.table == "members")
        #expect(problems.2.map(\.code) == [.unscopedTable])
        #expect(problems.2.first?.table == "member_links")
    }
}
