import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct ExtendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "Extend an unfinished job's legal due date by up to two months, with a reason (GDPR Art. 12(3)).",
        discussion: """
            The due date becomes creation plus one month plus --months. The reason is shown in the job's status and
            kept for good in gdpr_legal_extensions with who gave it; it must hold no personal data. Exits 0 when
            extended, 1 when no job has this jid, and 65 when the job has finished.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The job's id.", valueName: "jid"))
    var jid: String

    @Option(help: ArgumentHelp("Why more time is needed (the complexity or number of requests).", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("Months past the first month: 1 or 2.", valueName: "n"))
    var months = 2

    @Option(help: ArgumentHelp("Extend the job only if it belongs to this tenant.", valueName: "tenant"))
    var tenant: String?

    @Option(help: ArgumentHelp("Who extends, for the record (default: cli:$USER).", valueName: "name"))
    var by: String?

    func run() async throws {
        let jobID = try JobID(parsing: jid)
        let tenant = try tenant.map { try Tenant($0) }
        let who = by ?? "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown")
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        switch try connection.extendLegalDue(jobID, tenant: tenant, months: months, reason: reason, by: who, now: nil) {
        case .extended(let due):
            print(#"{"jid":"\#(jobID)","legal_due_at":"\#(Timestamp.format(due))"}"#)
        case .finished(let state):
            FileHandle.standardError.write(
                Data("gdpr-worker: error: the job is \(state.rawValue); its deadline no longer runs\n".utf8))
            throw ExitCode(65)
        case .notFound:
            print(JobStatusReport.notFound(jobID.description).json)
            throw ExitCode.failure
        }
    }
}
