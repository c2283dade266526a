import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run a failed job again, under the same jid.",
        discussion: """
            For an operator, once the cause of a failure is fixed. The job returns to the queue with fresh attempts and
            keeps what it had already erased; a client polling its status sees it started, then done. Prints the job's
            status. Exits 0 when retried, 1 when no job has this jid, and 65 when the job has not failed.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The failed job's id.", valueName: "jid"))
    var jid: String

    @Option(help: ArgumentHelp("Retry the job only if it belongs to this tenant.", valueName: "tenant"))
    var tenant: String?

    func run() async throws {
        let jobID = try JobID(parsing: jid)
        let tenant = try tenant.map { try Tenant($0) }
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        switch try connection.retryFailed(jobID, tenant: tenant, now: nil) {
        case .retried:
            try connection.wakeWorkers()
            print(#"{"jid":"\#(jobID)","status":"started"}"#)
        case .notFailed(let state):
            FileHandle.standardError.write(
                Data("gdpr-worker: error: the job is \(state.status.rawValue); only a failed job can be retried\n".utf8)
            )
            throw ExitCode(65)
        case .notFound:
            print(JobStatusReport.notFound(jobID.description).json)
            throw ExitCode.failure
        }
    }
}
