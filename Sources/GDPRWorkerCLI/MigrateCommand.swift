import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the queue schema. Idempotent; concurrent runs wait for each other."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let connection = try options.store().connect()
        defer { connection.database.close() }
        let applied = try connection.migrate()
        let version = try connection.schemaVersion() ?? 0
        if applied.isEmpty {
            print("schema is up to date at version \(version)")
        } else {
            for migration in applied { print("applied \(String(format: "%04d", migration.version))_\(migration.name)") }
            print("schema is at version \(version)")
        }
    }
}
