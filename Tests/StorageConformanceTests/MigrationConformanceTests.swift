import Foundation
import GDPRWorkerCore
import GDPRWorkerPostgres
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

@Suite("Storage conformance: migrations")
struct MigrationConformanceTests {
    @Test("migrate applies every file once, and a second run changes nothing", arguments: TestDatabase.engines)
    func migrateTwice(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine, migrated: false)
        try database.withConnection { connection in
            #expect(try connection.schemaVersion() == nil)
            let first = try connection.migrate()
            #expect(first.map(\.version) == Migration.embedded(for: engine).map(\.version))
            let version = try connection.schemaVersion()
            #expect(version == Migration.embedded(for: engine).last?.version)
            #expect(try connection.migrate().isEmpty)
            #expect(try connection.schemaVersion() == version)
        }
    }

    @Test("concurrent migrate runs apply each file exactly once", arguments: TestDatabase.engines)
    func concurrentMigrate(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine, migrated: false)
        let store = database.store
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await Task.detached {
                        let connection = try store.connect()
                        defer { connection.database.close() }
                        return try connection.migrate().count
                    }.value
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(applied == Migration.embedded(for: engine).count)
        try database.withConnection { connection in
            let rows = try connection.database.query("SELECT count(*) AS n FROM gdpr_schema_migrations", [])
            #expect(try rows.first?.int("n") == Migration.embedded(for: engine).count)
        }
    }

    @Test("migration 3 moves each done job's per-table counts into its audit record", arguments: TestDatabase.engines)
    func auditTablesInline(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine, migrated: false)
        try database.withConnection { connection in
            // The schema at version 2, with one done job audited the old way.
            #expect(try connection.migrate(through: 2).map(\.version) == [1, 2])
            let jid = "0190b0f0-0000-7000-8000-000000000001"
            try connection.database.executeScript(
                """
                INSERT INTO gdpr_audit (jid, tenant, kind, mode, key_hash, attempts, max_attempts, created_at, legal_due_at, started_at, finished_at, worker)
                VALUES ('\(jid)', 'default', 'remove', 'delete', 'h', 1, 20, '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z',
                        '2026-01-06T00:00:00.000Z', '2026-01-06T00:00:01.000Z', 'w');
                INSERT INTO gdpr_audit_tables VALUES ('\(jid)', 'orders', 'anonymise', 3, 6), ('\(jid)', 'customers', 'delete', 1, 0);
                """)
            #expect(try connection.migrate(through: 3).map(\.version) == [3])
            _ = try connection.migrate()
            let job = try #require(try connection.job(try JobID(parsing: jid), tenant: nil))
            #expect(
                job.result?.tables == [
                    .init(table: "customers", method: "delete", rows: 1, fields: 0),
                    .init(table: "orders", method: "anonymise", rows: 3, fields: 6),
                ])
            #expect(
                try connection.database.queryFirst(
                    engine == .postgres
                        ? "SELECT to_regclass('gdpr_audit_tables') IS NULL AS gone"
                        : "SELECT count(*) = 0 AS gone FROM sqlite_master WHERE name = 'gdpr_audit_tables'"
                )?.bool("gone") == true)
        }
    }

    @Test("each engine carries the same migration versions")
    func enginesAgree() {
        #expect(Migration.embedded(for: .postgres).map(\.version) == Migration.embedded(for: .sqlite).map(\.version))
        #expect(!Migration.embedded(for: .postgres).isEmpty)
    }
}
