import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Logging

struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "One archive sweep, for cron: archive old rows, release waiting remove jobs, purge old exports.",
        discussion: """
            Moves the rows of every hot table of the data map older than the archive delay into its archive table, in
            batches that each commit on their own; advances the archive watermark, which releases the remove jobs it
            now covers; purges exports past their retention. Audit records and failed jobs (requests not carried
            out, until an operator retries them) are kept. Prints a progress bar on a terminal and always one summary line.

            Exit status: 0 done, or another sweep holds the lock; 65 the data map fails `check`; 69 the database is
            unreachable; 73 rows left in a hot table because its archive holds other rows under their keys (everything
            else moved; see the summary line); 75 a temporary failure (run it again later).
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Rows moved per transaction.", valueName: "n"))
    var batchSize = ArchiveSweep.Configuration.defaultBatchSize

    @OptionGroup var exports: ExportOptions

    func run() async throws {
        let logger = try options.bootstrapLogging()
        guard batchSize >= 1 else { throw InputError(.invalidArgument, "--batch-size must be at least 1") }
        let configuration = ArchiveSweep.Configuration(
            archiveDelay: try options.resolvedArchiveDelay(), batchSize: batchSize)
        var pairs: [ArchivePair] = []
        if let path = options.resolvedDataMapPath() {
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            let problems = try DataMapCheck.run(contentsOf: path, on: connection.database)
            guard problems.isEmpty else {
                for problem in problems { FileHandle.standardError.write(Data("gdpr-worker: \(problem)\n".utf8)) }
                throw CommandError(
                    message: "the data map \(path) has \(problems.count) problem(s); not sweeping",
                    code: CommandFailure.dataError)
            }
            pairs = try DataMap(contentsOf: path).archivePairs
        } else {
            logger.notice("no data map: nothing to archive; pruning only")
            _ = try options.connectMigrated().database.close()
        }
        let bar = isatty(STDERR_FILENO) == 1 ? SweepProgressBar() : nil
        let sweep = ArchiveSweep(
            store: try options.store(), pairs: pairs,
            exports: ExportStore(configuration: try exports.configuration()),
            configuration: configuration, logger: logger, progress: bar.map { bar in { bar.draw($0) } })
        let report = try await Task.detached { try sweep.run() }.value
        bar?.finish()
        print(report.summary)
        if !report.conflicts.isEmpty { throw CommandFailure.archiveConflict }
    }
}

/// A one-line progress bar on standard error, redrawn in place.
final class SweepProgressBar: @unchecked Sendable {
    func draw(_ progress: ArchiveSweep.Progress) {
        let width = 30
        var line = "\r\(progress.pair.hotTable) → \(progress.pair.archiveTable) "
        if let total = progress.total, total > 0 {
            let done = min(width, progress.moved * width / total)
            line += "[" + String(repeating: "#", count: done) + String(repeating: ".", count: width - done) + "] "
            line += "\(progress.moved)/\(total) rows"
        } else {
            line += "\(progress.moved) rows"
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
