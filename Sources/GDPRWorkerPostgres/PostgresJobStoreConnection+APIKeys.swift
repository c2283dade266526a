import Foundation
import GDPRWorkerCore

extension PostgresJobStoreConnection {
    public func insertAPIKey(_ key: APIKey, tenant: Tenant, name: String?) throws(DatabaseError) {
        try postgres.execute(
            "INSERT INTO gdpr_api_keys (id, tenant, key_hash, name) VALUES ($1, $2, $3, $4)",
            [.text(key.id), .text(tenant.name), .text(key.hash), .optional(name)])
    }

    public func tenant(forAPIKeyHash hash: String) throws(DatabaseError) -> Tenant? {
        try postgres.queryFirst("SELECT tenant FROM gdpr_api_keys WHERE key_hash = $1 AND revoked_at IS NULL", [.text(hash)])?
            .optionalString("tenant").map(Tenant.init(trusted:))
    }

    public func revokeAPIKey(id: String, now: Date?) throws(DatabaseError) -> Bool {
        try postgres.execute(
            "UPDATE gdpr_api_keys SET revoked_at = coalesce($2::timestamptz, now()) WHERE id = $1 AND revoked_at IS NULL",
            [.text(id), .optional(now)]) == 1
    }

    public func apiKeys() throws(DatabaseError) -> [APIKeyRecord] {
        try postgres.query("SELECT id, tenant, name, created_at, revoked_at FROM gdpr_api_keys ORDER BY created_at DESC, id", [])
            .map(APIKeyRecord.init(row:))
    }

    public func statistics(cutoff: ArchiveCutoff, now: Date?) throws(DatabaseError) -> QueueStatistics {
        let row = try postgres.queryFirst("""
            WITH clock AS (
                SELECT coalesce($1::timestamptz, now()) AS now,
                       (SELECT value::timestamptz FROM gdpr_settings WHERE name = 'archive_watermark') AS watermark
            ), live AS (
                SELECT CASE WHEN j.locked_by IS NOT NULL AND j.locked_until > c.now THEN 'running' ELSE 'pending' END AS state,
                       j.created_at, j.legal_due_at, c.now,
                       j.kind = 'export' OR (j.created_at <= c.now - make_interval(secs => $2::float8)
                           AND (NOT $3::boolean OR j.created_at <= coalesce(c.watermark, '-infinity'))) AS eligible
                  FROM gdpr_jobs j, clock c
            )
            SELECT count(*) FILTER (WHERE state = 'pending' AND NOT eligible) AS waiting,
                   count(*) FILTER (WHERE state = 'pending' AND eligible) AS eligible,
                   count(*) FILTER (WHERE state = 'running') AS running,
                   coalesce(extract(epoch FROM max(now) - min(created_at) FILTER (WHERE state = 'pending' AND eligible)), 0)::float8 AS oldest,
                   count(*) FILTER (WHERE legal_due_at < now) AS past_due,
                   count(*) FILTER (WHERE legal_due_at >= now AND legal_due_at < now + make_interval(secs => $4::float8)) AS near_due,
                   (SELECT count(*) FROM gdpr_jobs_failed) AS failed
              FROM live
            """,
            [.optional(now), .double(cutoff.delay.seconds), .bool(cutoff.requiresWatermark), .double(QueueStatistics.nearDueWindow.seconds)])
        return try QueueStatistics(row: row.required("statistics"))
    }
}
