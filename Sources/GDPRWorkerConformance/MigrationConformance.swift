import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// Migrations: the rules every driver's store keeps.
struct MigrationConformance {
    static let checks: [ConformanceCheck] = [
        ConformanceCheck("migrate applies every file once, and a second run changes nothing") {
            try MigrationConformance().migrateTwice($0)
        },
        ConformanceCheck("concurrent migrate runs apply each file exactly once") {
            try await MigrationConformance().concurrentMigrate($0)
        },
        ConformanceCheck("migration 3 moves each done job's per-table counts into its audit record") {
            try MigrationConformance().auditTablesInline($0)
        },
        ConformanceCheck("the engine carries the same migration versions as every other registered engine") {
            try MigrationConformance().versionsAgree($0)
        },
    ]

    func migrateTwice(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine, migrated: false)
        try database.withConnection { connection in
            #expect(try connection.schemaVersion() == nil)
            let first = try connection.migrate()
            #expect(first.map(\.version) == Migration.embedded(for: testEngine.engine).map(\.version))
            let version = try connection.schemaVersion()
            #expect(version == Migration.embedded(for: testEngine.engine).last?.version)
            #expect(try connection.migrate().isEmpty)
            #expect(try connection.schemaVersion() == version)
        }
    }

    func concurrentMigrate(_ testEngine: any TestEngine) async throws {
        let database = try TestDatabase(testEngine, migrated: false)
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
        #expect(applied == Migration.embedded(for: testEngine.engine).count)
        try database.withConnection { connection in
            let rows = try connection.database.query("SELECT count(*) AS n FROM gdpr_schema_migrations", [])
            #expect(try rows.first?.int("n") == Migration.embedded(for: testEngine.engine).count)
        }
    }

    func auditTablesInline(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine, migrated: false)
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
            #expect(throws: DatabaseError.self, "gdpr_audit_tables is gone") {
                try connection.database.query("SELECT count(*) AS n FROM gdpr_audit_tables", [])
            }
        }
    }

    /// A deployment moving between engines, and the status report's schema version, rely on the
    /// versions meaning the same change everywhere.
    func versionsAgree(_ testEngine: any TestEngine) throws {
        let versions = Migration.embedded(for: testEngine.engine).map(\.version)
        #expect(!versions.isEmpty)
        for other in TestEngines.registered {
            #expect(Migration.embedded(for: other.engine).map(\.version) == versions, "\(other.engine)")
        }
    }
}
