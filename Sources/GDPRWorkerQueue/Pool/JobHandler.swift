import Foundation
import Logging

/// The work jobs do, plugged into the worker pool: the erasure engine in production, small
/// handlers in tests.
///
/// A handler receives the batch a worker claimed and runs on that worker's Dispatch thread with its
/// blocking connection, inside the transaction that will also mark the jobs done and write their
/// audit records, so the work, the status change and the proof commit together or not at all.
/// Receiving the whole batch lets a handler do set-based work: one statement per table for a
/// hundred customers rather than a hundred statements.
public protocol JobHandler: Sendable {
    /// Whether eligibility also waits for the archive watermark (the data map has archive tables).
    var requiresArchiveWatermark: Bool { get }

    /// Does the work of a batch of jobs and reports each job's outcome.
    ///
    /// A job that cannot be done, found before it wrote anything (the cascade limit, say), is
    /// reported as `.failed` and the others go on. Any other error is thrown: the pool rolls the
    /// whole batch back and runs its jobs again one at a time, so one bad job cannot fail the rest.
    /// Work must be idempotent: a job may run again after a crash or a lost lease.
    func process(_ jobs: [ClaimedJob], in context: JobContext) throws -> [JobID: JobOutcome]
}

/// How one job of a batch ended.
public enum JobOutcome: Sendable {
    /// The work is done; the result goes to the status endpoint and the audit record.
    case done(JobResult)
    /// The job did nothing and failed: at once if permanent, else retried with backoff.
    case failed(JobFailure)
}

/// A handler that does one job at a time, for work with nothing to gain from batching.
public protocol SingleJobHandler: JobHandler {
    func process(_ job: ClaimedJob, in context: JobContext) throws -> JobResult
}

extension SingleJobHandler {
    public func process(_ jobs: [ClaimedJob], in context: JobContext) throws -> [JobID: JobOutcome] {
        var outcomes: [JobID: JobOutcome] = [:]
        for job in jobs {
            do {
                outcomes[job.jid] = .done(try process(job, in: context))
            } catch let failure as JobFailure where failure.code == .needsOwnTransaction {
                throw NeedsOwnTransaction(jids: [job.jid])
            } catch let failure as JobFailure where failure.isPermanent {
                // Only safe alone: in a batch, earlier jobs' writes share the transaction.
                guard context.isAlone else { throw failure }
                outcomes[job.jid] = .failed(failure)
            }
        }
        return outcomes
    }
}

/// What a handler may use while it processes a batch.
public struct JobContext {
    /// The worker's connection, inside an open transaction.
    public let connection: any DatabaseConnection
    public let logger: Logger
    /// The id the jobs' leases are held under.
    public let worker: String
    /// The instant to treat as now, or nil for the database's clock.
    public let now: Date?
    /// Whether the batch is a single job with the transaction to itself; only then may it `checkpoint`.
    public let isAlone: Bool
    /// What to do once the transaction commits or is undone.
    public let transaction: TransactionHooks

    private let commitAndReopen: ([JobResult.TableCount]) throws -> Void

    public init(
        connection: any DatabaseConnection, logger: Logger, worker: String, now: Date?, isAlone: Bool,
        transaction: TransactionHooks = TransactionHooks(),
        commitAndReopen: @escaping ([JobResult.TableCount]) throws -> Void
    ) {
        self.transaction = transaction
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
    /// `erased` (this attempt's per-table counts so far) commits with it, so that a job failing
    /// later still says what it erased. In a shared batch it throws
    /// `JobFailure.needsOwnTransaction`; the pool then reruns the batch in smaller parts, down to
    /// the job alone.
    public func checkpoint(erased: [JobResult.TableCount]) throws {
        guard isAlone else { throw JobFailure.needsOwnTransaction }
        try commitAndReopen(erased)
    }
}
