import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print a job's status as the JSON of the HTTP contract.",
        discussion: "Exits 0 when the job exists and 1 with {\"jid\":…,\"status\":\"not_found\"} when it does not."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The job's id.", valueName: "jid"))
    var jid: String

    func run() async throws {
        let jobID = try JobID(parsing: jid)
        var cutoff = ArchiveCutoff(delay: try options.resolvedArchiveDelay())
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        if let path = options.resolvedDataMapPath(), try DataMap(contentsOf: path).requiresArchiveWatermark {
            cutoff.requiresWatermark = true
            cutoff.watermark = try connection.setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse)
        }
        guard let job = try connection.job(jobID, tenant: nil) else {
            print(JobStatusReport.notFound(jobID.description).json)
            throw ExitCode.failure
        }
        print(JobStatusReport(job: job, now: try connection.now(), cutoff: cutoff).json)
    }
}
