import Foundation
import GDPRWorkerQueue
import Logging

/// One pass of archiving, run from cron, a systemd timer or a Kubernetes CronJob.
///
/// Voyado's remove job "works with archived data only" and starts once the data from its creation
/// date has been archived. A sweep moves the rows of every hot table older than the archive delay
/// into its archive table, in batches that each commit on their own; then advances the archive
/// watermark, which releases the remove jobs it now covers; then purges exports past their
/// retention. Audit records are never pruned: they are the proof. Failed jobs are not either:
/// each is a request not carried out, kept until an operator retries it (`gdpr-worker retry`).
///
/// Only one sweep runs at a time (a session advisory lock on PostgreSQL, a file lock on SQLite);
/// a second finds the lock taken and returns at once. A sweep killed between batches loses and
/// duplicates no row, and the next sweep carries on.
public struct ArchiveSweep {
    public struct Configuration: Sendable {
        /// Rows older than this are archived; the same delay remove jobs wait for.
        public var archiveDelay: Duration
        /// Rows moved per batch, and so per transaction.
        public var batchSize: Int
        /// Stop after this many batches (a test hook, to simulate a sweep killed mid-way).
        public var maximumBatches: Int?

        public static let defaultBatchSize = 10_000

        public init(
            archiveDelay: Duration = ArchiveCutoff.defaultDelay, batchSize: Int = Configuration.defaultBatchSize,
            maximumBatches: Int? = nil
        ) {
            self.archiveDelay = archiveDelay
            self.batchSize = max(1, batchSize)
            self.maximumBatches = maximumBatches
        }
    }

    /// What a sweep did, for its summary line and its tests.
    public struct Report: Sendable {
        public struct Moved: Sendable, Hashable {
            public var pair: ArchivePair
            public var rows: Int
        }

        /// False when another sweep held the lock and this one did nothing.
        public var ran = true
        public var moved: [Moved] = []
        /// Whether every row older than the cutoff was archived, so the watermark reached it.
        public var complete = true
        public var cutoff: Date?
        public var watermark: Date?
        public var jobsReleased = 0
        /// Rows left in a hot table because the archive holds other rows under their keys.
        public var conflicts: [Moved] = []
        public var exportsPurged = 0
        public var duration: Duration = .zero

        /// One line: rows moved per table, jobs released, rows pruned, duration.
        public var summary: String {
            guard ran else { return "sweep: another sweep is running; nothing to do" }
            let tables = moved.map { "\($0.pair.hotTable)→\($0.pair.archiveTable) \($0.rows)" }.joined(separator: ", ")
            var line = "sweep: moved \(moved.reduce(0) { $0 + $1.rows }) rows" + (tables.isEmpty ? "" : " (\(tables))")
            if let watermark { line += "; archived until \(Timestamp.format(watermark))" }
            if !complete { line += " (rows locked by erasures in progress are left for the next sweep)" }
            line += "; released \(jobsReleased) jobs; purged \(exportsPurged) exports"
            for conflict in conflicts {
                line +=
                    "; \(conflict.rows) rows of \(conflict.pair.hotTable) not archived: \(conflict.pair.archiveTable) holds other rows under their keys"
            }
            return line + String(format: "; %.2fs", duration.seconds)
        }
    }

    /// Progress of the batches of one table, for a progress bar on a terminal.
    public struct Progress: Sendable {
        public var pair: ArchivePair
        public var moved: Int
        /// The rows older than the cutoff when the table's sweep began, if counted.
        public var total: Int?
    }

    public let configuration: Configuration
    private let store: any JobStore
    private let pairs: [ArchivePair]
    private let exports: ExportStore?
    private let logger: Logger
    private let timeSource: TimeSource
    private let progress: ((Progress) -> Void)?

    public init(
        store: any JobStore, pairs: [ArchivePair], exports: ExportStore?, configuration: Configuration, logger: Logger,
        timeSource: TimeSource = .database, progress: ((Progress) -> Void)? = nil
    ) {
        self.store = store
        self.pairs = pairs
        self.exports = exports
        self.configuration = configuration
        self.logger = logger
        self.timeSource = timeSource
        self.progress = progress
    }

    /// Runs the sweep on the calling thread, which it blocks.
    public func run() throws -> Report {
        let started = ContinuousClock.now
        let connection = try store.connect()
        defer { connection.database.close() }
        guard try connection.acquireSweepLock() else {
            logger.info("another sweep holds the lock; nothing to do")
            return Report(ran: false)
        }
        defer { connection.releaseSweepLock() }
        let now = try timeSource.override ?? connection.now()
        let cutoff = now.addingTimeInterval(-configuration.archiveDelay.seconds)
        var report = Report(cutoff: cutoff)
        let dialect = try connection.database.erasureDialect()
        let catalog = try dialect.loadCatalog(connection.database)
        var batches = 0
        var oldestLeft: Date?
        for pair in pairs {
            guard let table = catalog.table(pair.hotTable) else {
                throw DatabaseError(
                    .queryFailed, "the hot table \(pair.hotTable) does not exist; run gdpr-worker check")
            }
            let columns = table.columns.filter { !$0.isGenerated }.map(\.name)
            let statements = dialect.archiveBatch(
                hot: pair.hotTable, archive: pair.archiveTable, timeColumn: pair.timeColumn, columns: columns)
            let before = dialect.isBefore(pair.timeColumn)
            let total =
                progress == nil
                ? nil
                : try connection.database.queryFirst(
                    "SELECT count(*) AS n FROM \(dialect.quote(pair.hotTable)) WHERE \(before)", [.timestamp(cutoff)])?
                    .optionalInt("n")
            var moved = 0
            var aroundConflicts = false
            progress?(Progress(pair: pair, moved: 0, total: total))
            while configuration.maximumBatches.map({ batches < $0 }) ?? true {
                let rows: Int
                do {
                    rows = try connection.database.transaction {
                        aroundConflicts
                            ? try Self.runBatch(
                                slowStatements(pair, table, dialect), countedBy: \.last, cutoff: cutoff, configuration,
                                connection)
                            : try Self.runBatch(
                                statements, countedBy: \.first, cutoff: cutoff, configuration, connection)
                    }
                } catch let error as DatabaseError
                    where error.code == .constraintViolation && !aroundConflicts && !table.primaryKey.isEmpty
                {
                    // A row whose key the archive already holds. From here on this table moves
                    // around such rows; the ones identical to their archived copy finish moving.
                    logger.warning(
                        "archive key conflict; moving the table's other rows around it",
                        metadata: ["table": "\(pair.hotTable)"])
                    aroundConflicts = true
                    moved += try connection.database.execute(
                        dialect.archiveDropIdentical(
                            hot: pair.hotTable, archive: pair.archiveTable, timeColumn: pair.timeColumn,
                            columns: columns, key: table.primaryKey),
                        [.timestamp(cutoff)])
                    continue
                }
                batches += 1
                moved += rows
                progress?(Progress(pair: pair, moved: moved, total: total))
                if rows < configuration.batchSize { break }
            }
            if aroundConflicts {
                let left =
                    try connection.database.queryFirst(
                        dialect.archiveConflicts(
                            hot: pair.hotTable, archive: pair.archiveTable, timeColumn: pair.timeColumn,
                            key: table.primaryKey),
                        [.timestamp(cutoff)])?.optionalInt("n") ?? 0
                if left > 0 {
                    report.conflicts.append(.init(pair: pair, rows: left))
                    logger.error(
                        "rows cannot be archived: the archive holds other rows under their keys",
                        metadata: ["table": "\(pair.hotTable)", "archive": "\(pair.archiveTable)", "rows": "\(left)"])
                }
            }
            report.moved.append(.init(pair: pair, rows: moved))
            logger.info(
                "archived rows",
                metadata: ["table": "\(pair.hotTable)", "archive": "\(pair.archiveTable)", "rows": "\(moved)"])
            // Rows skipped because an erasure held them, or left by a batch limit, cap the watermark.
            let left = try connection.database.queryFirst(
                "SELECT min(\(dialect.instantText(pair.timeColumn))) AS oldest FROM \(dialect.quote(pair.hotTable)) WHERE \(before)",
                [.timestamp(cutoff)])
            if let left, !left.isNull("oldest") {
                // An instant the sweep cannot read holds the watermark where it is.
                let oldest = left.optionalDate("oldest") ?? .distantPast
                oldestLeft = min(oldestLeft ?? oldest, oldest)
            }
        }
        try connection.recordArchiveConflicts(report.conflicts.map { ($0.pair.hotTable, $0.rows) })
        report.complete = oldestLeft == nil
        let watermark = oldestLeft ?? cutoff
        let (previous, current) = try connection.advanceArchiveWatermark(to: watermark)
        report.watermark = current
        if previous.map({ $0 < current }) ?? true {
            report.jobsReleased = try connection.countRemoveJobs(createdAfter: previous, upTo: current)
            if report.jobsReleased > 0 { try connection.wakeWorkers() }
        }
        report.exportsPurged = try exports?.purgeExpired(now: now) ?? 0
        report.duration = ContinuousClock.now - started
        return report
    }

    /// One batch's statements in the open transaction; returns the rows moved.
    /// `countedBy` picks the statement whose changed rows are the rows moved: the first for
    /// `archiveBatch`, the last for `archiveBatchAroundConflicts`.
    private static func runBatch(
        _ statements: [String], countedBy counted: KeyPath<[Int], Int?>, cutoff: Date, _ configuration: Configuration,
        _ connection: any JobStoreConnection
    ) throws -> Int {
        let changed = try statements.map {
            try connection.database.execute($0, [.timestamp(cutoff), .int(configuration.batchSize)])
        }
        return changed[keyPath: counted] ?? 0
    }

    private func slowStatements(
        _ pair: ArchivePair, _ table: DatabaseCatalog.Table, _ dialect: any ErasureDialect
    ) -> [String] {
        dialect.archiveBatchAroundConflicts(
            hot: pair.hotTable, archive: pair.archiveTable, timeColumn: pair.timeColumn,
            columns: table.columns.filter { !$0.isGenerated }.map(\.name), key: table.primaryKey)
    }
}
