import Foundation
import GDPRWorkerCore

extension SQLiteJobStoreConnection {
    public func insertAPIKey(_ key: APIKey, tenant: Tenant, name: String?) throws(DatabaseError) {
        try sqlite.execute(
            "INSERT INTO gdpr_api_keys (id, tenant, key_hash, name) VALUES (?1, ?2, ?3, ?4)",
            [.text(key.id), .text(tenant.name), .text(key.hash), .optional(name)])
    }

    public func tenant(forAPIKeyHash hash: String) throws(DatabaseError) -> Tenant? {
        try sqlite.queryFirst("SELECT tenant FROM gdpr_api_keys WHERE key_hash = ?1 AND revoked_at IS NULL", [.text(hash)])?
            .optionalString("tenant").map(Tenant.init(trusted:))
    }

    public func revokeAPIKey(id: String, now: Date?) throws(DatabaseError) -> Bool {
        try sqlite.execute(
            "UPDATE gdpr_api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", [.text(id), .timestamp(now ?? Date())]) == 1
    }

    public func apiKeys() throws(DatabaseError) -> [APIKeyRecord] {
        try sqlite.query("SELECT id, tenant, name, created_at, revoked_at FROM gdpr_api_keys ORDER BY created_at DESC, id", [])
            .map(APIKeyRecord.init(row:))
    }

    public func statistics(cutoff: ArchiveCutoff, now: Date?) throws(DatabaseError) -> QueueStatistics {
        let now = now ?? Date()
        let row = try sqlite.queryFirst("""
            WITH live AS (
                SELECT CASE WHEN locked_by IS NOT NULL AND locked_until > ?1 THEN 'running' ELSE 'pending' END AS state, created_at, legal_due_at,
                       kind = 'export' OR (created_at <= ?2
                           AND (NOT ?3 OR created_at <= coalesce((SELECT value FROM gdpr_settings WHERE name = 'archive_watermark'), ''))) AS eligible
                  FROM gdpr_jobs
            )
            SELECT coalesce(sum(state = 'pending' AND NOT eligible), 0) AS waiting,
                   coalesce(sum(state = 'pending' AND eligible), 0) AS eligible,
                   coalesce(sum(state = 'running'), 0) AS running,
                   min(CASE WHEN state = 'pending' AND eligible THEN created_at END) AS oldest_created_at,
                   coalesce(sum(legal_due_at < ?1), 0) AS past_due,
                   coalesce(sum(legal_due_at >= ?1 AND legal_due_at < ?4), 0) AS near_due,
                   (SELECT count(*) FROM gdpr_jobs_failed) AS failed
              FROM live
            """,
            [
                .timestamp(now), .timestamp(now.addingTimeInterval(-cutoff.delay.seconds)), .bool(cutoff.requiresWatermark),
                .timestamp(now.addingTimeInterval(QueueStatistics.nearDueWindow.seconds)),
            ])
        var statistics = try QueueStatistics(row: row.required("statistics"))
        statistics.oldestEligibleAge = row?.optionalDate("oldest_created_at").map { max(0, now.timeIntervalSince($0)) } ?? 0
        return statistics
    }
}
