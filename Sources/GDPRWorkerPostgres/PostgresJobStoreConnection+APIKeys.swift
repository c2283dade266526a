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
}
