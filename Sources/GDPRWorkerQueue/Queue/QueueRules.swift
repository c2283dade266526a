import Foundation

/// The pieces of a queue rule that each engine writes in its own SQL, and that the shared
/// statements (`JobStoreConnection+Shared`) and the driver's own statements both read, so that a
/// rule has one home per engine.
public protocol QueueRules: Sendable {
    /// The time a statement runs at: `now` when a test drives the clock, else the engine's own.
    func clock(_ now: Date?) -> SQLQuery

    /// A live job a worker holds: claimed, its lease not expired.
    func held(now: Date?) -> SQLQuery

    /// A statement run first in a deduplicating enqueue's transaction, so that two requests for
    /// the same key cannot both insert; nil when the transaction already excludes other writers.
    func serialiseEnqueue(of request: EnqueueRequest) -> SQLQuery?

    /// `clock(now)` moved on by `interval`.
    func clock(_ now: Date?, plus interval: Duration) -> SQLQuery

    /// Appended to a subquery that picks rows to update, so that concurrent pickers take
    /// different rows instead of waiting on each other; empty where writers are serialised anyway.
    var skipLocked: String { get }

    /// `jid` is one of `jids`: a list bound as one value, whatever its length.
    func jid(in jids: [JobID]) -> SQLQuery
}

extension QueueRules {
    /// A live job's legal due date: its latest extension's (`gdpr_legal_extensions`), else the
    /// stored creation plus one month. The status view spells the same for every table.
    public static var legalDue: String {
        """
        coalesce((SELECT e.legal_due_at FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs.jid
                  ORDER BY e.extended_at DESC LIMIT 1), gdpr_jobs.legal_due_at)
        """
    }

    /// The columns of `gdpr_jobs_failed`, in the order every statement that fills it selects them.
    public static var failedColumns: String {
        """
        jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at, started_at, failed_at, \
        worker, reason, erased_so_far
        """
    }
}
