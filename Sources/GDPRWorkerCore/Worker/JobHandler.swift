import Foundation
import Logging

/// The work a job does, plugged into the worker pool: the erasure engine in production, small
/// handlers in tests.
///
/// A handler runs on a worker's Dispatch thread with that worker's blocking connection, inside the
/// transaction that will also mark the job done and write its audit record, so the work, the
/// status change and the proof commit together or not at all.
public protocol JobHandler: Sendable {
    /// Whether eligibility also waits for the archive watermark (the data map has archive tables).
    var requiresArchiveWatermark: Bool { get }

    /// Does one job's work and returns what it did, for the status endpoint and the audit record.
    ///
    /// Throw `JobFailure` for a failure with a reason; a transient `DatabaseError` is retried.
    /// Work must be idempotent: a job may run again after a crash or a lost lease.
    func process(_ job: ClaimedJob, in context: JobContext) throws -> JobResult
}

/// What a handler may use while it processes one job.
public struct JobContext {
    /// The worker's connection, inside an open transaction.
    public let connection: any DatabaseConnection
    public let logger: Logger
    /// The id the job's lease is held under.
    public let worker: String
    /// The instant to treat as now, or nil for the database's clock.
    public let now: Date?
    /// Whether the job has its transaction to itself; only then may it `checkpoint`.
    public let isAlone: Bool

    private let commitAndReopen: () throws -> Void

    public init(
        connection: any DatabaseConnection, logger: Logger, worker: String, now: Date?, isAlone: Bool,
        commitAndReopen: @escaping () throws -> Void
    ) {
        self.connection = connection
        self.logger = logger
        self.worker = worker
        self.now = now
        self.isAlone = isAlone
        self.commitAndReopen = commitAndReopen
    }

    /// Commits the work done so far and opens a new transaction, still holding the job.
    ///
    /// For erasures too large for one transaction (a customer with a million event rows). The
    /// committed part is idempotent, so a crash after a checkpoint only repeats what is left.
    /// In a shared batch it throws `JobFailure.needsOwnTransaction`; the pool then reruns the job alone.
    public func checkpoint() throws {
        guard isAlone else { throw JobFailure.needsOwnTransaction }
        try commitAndReopen()
    }
}
