import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

extension SQLiteJobStoreConnection {
    public func statistics(cutoff: ArchiveCutoff, now: Date?) throws(DatabaseError) -> QueueStatistics {
        let now = now ?? Date()
        let row = try sqlite.firstRow(
            """
            WITH live AS (
                SELECT CASE WHEN \(engineRules.held(now: now)) THEN 'running' ELSE 'pending' END AS state, created_at,
                       \(sql: SQLiteQueueRules.legalDue) AS legal_due_at,
                       \(engineRules.released(by: cutoff, now: now)) AS eligible
                  FROM gdpr_jobs
            )
            SELECT coalesce(sum(state = 'pending' AND NOT eligible), 0) AS waiting,
                   coalesce(sum(state = 'pending' AND eligible), 0) AS eligible,
                   coalesce(sum(state = 'running'), 0) AS running,
                   min(CASE WHEN state = 'pending' AND eligible THEN created_at END) AS oldest_created_at,
                   coalesce(sum(legal_due_at < \(now)), 0) AS past_due,
                   coalesce(sum(legal_due_at >= \(now) AND legal_due_at < \(now.addingTimeInterval(QueueStatistics.nearDueWindow.seconds))), 0)
                       AS near_due,
                   (SELECT count(*) FROM gdpr_jobs_failed) AS failed
              FROM live
            """)
        var statistics = try QueueStatistics(row: row.required("statistics"))
        statistics.oldestEligibleAge =
            row?.optionalDate("oldest_created_at").map { max(0, now.timeIntervalSince($0)) } ?? 0
        return statistics
    }
}
