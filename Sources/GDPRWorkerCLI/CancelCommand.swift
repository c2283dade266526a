import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Withdraw a job before it starts.",
        discussion: """
            A job can be cancelled until a worker first claims it, its point of no return. The cancelled job keeps no
            customer key; its status says who cancelled it and when. Prints {"jid","status":"cancelled","cancelled_at"}.
            Exits 0 when cancelled, 1 when no job has this jid, and 65 when the job has already started or finished.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The job's id.", valueName: "jid"))
    var jid: String

    @Option(help: ArgumentHelp("Cancel the job only if it belongs to this tenant.", valueName: "tenant"))
    var tenant: String?

    @Option(help: ArgumentHelp("Who cancels, for the job's record (default: cli:$USER).", valueName: "name"))
    var by: String?

    func run() async throws {
        let jobID = try JobID(parsing: jid)
        let tenant = try tenant.map { try Tenant($0) }
        let who = by ?? "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown")
        guard (1...200).contains(who.utf8.count),
            !who.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw InputError(.invalidArgument, "--by must be 1 to 200 bytes without control characters") }
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        switch try connection.cancel(jobID, tenant: tenant, by: who, now: nil) {
        case .cancelled(let at):
            print(#"{"cancelled_at":"\#(Timestamp.format(at))","jid":"\#(jobID)","status":"cancelled"}"#)
        case .alreadyStarted(let job):
            let passed = (job.startedAt ?? job.finishedAt).map { " at " + Timestamp.format($0) } ?? ""
            FileHandle.standardError.write(
                Data(
                    "gdpr-worker: error: the job is \(job.state.rawValue); its point of no return passed\(passed)\n"
                        .utf8))
            throw ExitCode(65)
        case .notFound:
            print(JobStatusReport.notFound(jobID.description).json)
            throw ExitCode.failure
        }
    }
}
