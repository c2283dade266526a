import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// The queue's rules on SQLite, each written once and read by every statement that needs it:
/// claims, statistics, deduplication and rescue. (A job's status is the `gdpr_job_status` view.)
/// Times are the local clock's: every worker of an SQLite queue runs on one host.
struct SQLiteQueueRules: QueueRules {
    func clock(_ now: Date?) -> SQLQuery {
        "\(now ?? Date())"
    }

    func clock(_ now: Date?, plus interval: Duration) -> SQLQuery {
        "\((now ?? Date()).addingTimeInterval(interval.seconds))"
    }

    /// `BEGIN IMMEDIATE` holds the only write lock: no other writer can pick the same rows.
    var skipLocked: String { "" }

    func jid(in jids: [JobID]) -> SQLQuery {
        "jid IN (SELECT value FROM json_each(\(jids.map(\.description))))"
    }

    /// `BEGIN IMMEDIATE` already holds the database's only write lock.
    func serialiseEnqueue(of request: EnqueueRequest) -> SQLQuery? {
        nil
    }

    /// A job a worker holds: claimed, its lease not expired. (Every live job's `state` is
    /// 'pending'; a claim rewrites no indexed column.)
    func held(now: Date?) -> SQLQuery {
        guard let now else { return "(locked_by IS NOT NULL AND locked_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))" }
        return "(locked_by IS NOT NULL AND locked_until > \(now))"
    }

    /// The archive cutoff (`ArchiveCutoff`): an export, or a remove job enqueued not to wait, may
    /// run at once; a remove job once its creation is older than the delay and, when the data map
    /// archives, the sweep's watermark has passed it.
    func released(by cutoff: ArchiveCutoff, now: Date) -> SQLQuery {
        """
        (kind = 'export' OR NOT waits_for_archive OR (created_at <= \(now.addingTimeInterval(-cutoff.delay.seconds))
             AND (NOT \(cutoff.requiresWatermark)
                  OR created_at <= coalesce((SELECT value FROM gdpr_settings WHERE name = \(ArchiveCutoff.watermarkSetting)), ''))))
        """
    }

    /// What a claim may take: not held (an expired lease frees the job), its attempts not used
    /// up, its run time reached, and released by the archive cutoff.
    func claimable(by cutoff: ArchiveCutoff, now: Date) -> SQLQuery {
        """
        state = 'pending' AND (locked_until IS NULL OR locked_until <= \(now)) AND attempts < max_attempts AND run_at <= \(now)
        AND \(released(by: cutoff, now: now))
        """
    }

    /// The live jobs whose worker is gone: the lease expired, or the worker belongs to one of
    /// `goneWorkers`, whose process holds no presence lock (`SQLiteWorkerPresence`).
    func abandoned(now: Date, goneWorkers: [String]) -> SQLQuery {
        "locked_by IS NOT NULL AND (locked_until < \(now) OR locked_by IN (SELECT value FROM json_each(\(goneWorkers))))"
    }
}
