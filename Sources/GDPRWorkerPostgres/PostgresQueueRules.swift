import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// The queue's rules on PostgreSQL, each written once and read by every statement that needs it:
/// claims, statistics, deduplication and rescue. (A job's status is the `gdpr_job_status` view.)
struct PostgresQueueRules: QueueRules {
    /// The time a statement runs at: the caller's clock in tests, else the server's.
    func clock(_ now: Date?) -> SQLQuery {
        "coalesce(\(now)::timestamptz, now())"
    }

    func clock(_ now: Date?, plus interval: Duration) -> SQLQuery {
        "(\(clock(now)) + make_interval(secs => \(interval.seconds)::float8))"
    }

    var skipLocked: String { "FOR UPDATE SKIP LOCKED" }

    func jid(in jids: [JobID]) -> SQLQuery {
        "jid = ANY(\(jids.map(\.description))::uuid[])"
    }

    /// A job a worker holds: claimed, its lease not expired. (Every live job's `state` is
    /// 'pending'; a claim changes no indexed column, so that it is an in-place update.)
    func held(now: Date?) -> SQLQuery {
        "(locked_by IS NOT NULL AND locked_until > \(clock(now)))"
    }

    /// The archive cutoff (`ArchiveCutoff`): an export, or a remove job enqueued not to wait, may
    /// run at once; a remove job once its creation is older than the delay and, when the data map
    /// archives, the sweep's watermark has passed it.
    func released(by cutoff: ArchiveCutoff, now: Date?) -> SQLQuery {
        """
        (kind = 'export' OR NOT waits_for_archive OR (
             created_at <= \(clock(now)) - make_interval(secs => \(cutoff.delay.seconds)::float8)
             AND (NOT \(cutoff.requiresWatermark)::boolean OR created_at <= coalesce(
                 (SELECT value::timestamptz FROM gdpr_settings WHERE name = \(ArchiveCutoff.watermarkSetting)), '-infinity'))))
        """
    }

    /// What a claim may take: not held (a lease that expired frees the job), its attempts not used
    /// up, its run time reached, and released by the archive cutoff.
    func claimable(by cutoff: ArchiveCutoff, now: Date?) -> SQLQuery {
        """
        state = 'pending' AND (locked_until IS NULL OR locked_until <= \(clock(now))) AND attempts < max_attempts
        AND run_at <= \(clock(now)) AND \(released(by: cutoff, now: now))
        """
    }

    /// The live jobs whose worker is gone: the lease expired, or the worker's process holds no
    /// presence lock (`PostgresWorkerPresence`), so they are rescued before the lease runs out.
    func abandoned(now: Date?) -> SQLQuery {
        """
        locked_by IS NOT NULL
        AND (locked_until < \(clock(now))
             OR CAST(hashtext(regexp_replace(locked_by, '/[^/]*$', '')) AS oid) NOT IN (
                 SELECT objid FROM pg_locks
                  WHERE locktype = 'advisory' AND classid = \(sql: String(PostgresWorkerPresence.lockClass)) AND objsubid = 2 AND granted
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())))
        """
    }

    /// One request at a time per tenant and key, until the transaction ends.
    func serialiseEnqueue(of request: EnqueueRequest) -> SQLQuery? {
        "SELECT pg_advisory_xact_lock(hashtextextended(\(request.tenant.name) || '/' || \(request.customerKey.rawValue), 0))"
    }

    /// A failed record of the same jid, left by an earlier run that an operator retried, is
    /// replaced rather than refused.
    static let replaceFailed = """
        ON CONFLICT (jid) DO UPDATE SET tenant = excluded.tenant, kind = excluded.kind, mode = excluded.mode,
            customer_key = excluded.customer_key, attempts = excluded.attempts, max_attempts = excluded.max_attempts,
            started_at = excluded.started_at, failed_at = excluded.failed_at, worker = excluded.worker, reason = excluded.reason,
            erased_so_far = excluded.erased_so_far
        """
}
