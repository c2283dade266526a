import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

extension PostgresJobStoreConnection {
    public func statistics(cutoff: ArchiveCutoff, now: Date?) throws(DatabaseError) -> QueueStatistics {
        let clock = engineRules.clock(now)
        let row = try postgres.firstRow(
            """
            WITH live AS (
                SELECT CASE WHEN \(engineRules.held(now: now)) THEN 'running' ELSE 'pending' END AS state,
                       created_at, \(sql: PostgresQueueRules.legalDue) AS legal_due_at, \(engineRules.released(by: cutoff, now: now)) AS eligible
                  FROM gdpr_jobs
            )
            SELECT count(*) FILTER (WHERE state = 'pending' AND NOT eligible) AS waiting,
                   count(*) FILTER (WHERE state = 'pending' AND eligible) AS eligible,
                   count(*) FILTER (WHERE state = 'running') AS running,
                   coalesce(extract(epoch FROM \(clock) - min(created_at) FILTER (WHERE state = 'pending' AND eligible)), 0)::float8
                       AS oldest,
                   count(*) FILTER (WHERE legal_due_at < \(clock)) AS past_due,
                   count(*) FILTER (WHERE legal_due_at >= \(clock)
                                      AND legal_due_at < \(clock) + make_interval(secs => \(QueueStatistics.nearDueWindow.seconds)::float8))
                       AS near_due,
                   (SELECT count(*) FROM gdpr_jobs_failed) AS failed
              FROM live
            """)
        return try QueueStatistics(row: row.required("statistics"))
    }
}
