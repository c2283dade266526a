import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

@main
struct GDPRWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gdpr-worker",
        abstract: "Carries out GDPR erasure requests against your database, asynchronously and with proof.",
        discussion: """
            Jobs are enqueued by SQL or HTTP, wait for the archive cutoff (5 days by default), then a worker pool
            erases or anonymises every row the data map reaches and records an audit entry without personal data.
            """,
        version: GDPRWorkerVersion.current,
        subcommands: [
            MigrateCommand.self, EnqueueCommand.self, StatusCommand.self, ServeCommand.self, WorkCommand.self,
            SweepCommand.self,
            RetryCommand.self, CancelCommand.self, ProveCommand.self, AuditCommand.self, ExtendCommand.self,
            PreviewCommand.self,
            CheckCommand.self,
            SampleCommand.self, KeysCommand.self, WebhooksCommand.self,
        ]
    )

    /// Runs a command and turns its errors into one line on standard error and an exit code a
    /// script or scheduler can act on. User errors never print a stack trace.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let (message, code) = CommandFailure.describe(error)
            guard let message else { exit(withError: error) }
            FileHandle.standardError.write(Data("gdpr-worker: error: \(message)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

enum GDPRWorkerVersion {
    static let current = "0.1.0"
}
