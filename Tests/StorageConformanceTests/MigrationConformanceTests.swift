import Foundation
import GDPRWorkerCore
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

    @Test("each engine carries the same migration versions")
    func enginesAgree() {
        #expect(Migration.embedded(for: .postgres).map(\.version) == Migration.embedded(for: .sqlite).map(\.version))
        #expect(!Migration.embedded(for: .postgres).isEmpty)
    }
}
