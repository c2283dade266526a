import Foundation

/// A tenant's webhook endpoints, the same SQL on every engine.
extension JobStoreConnection {
    /// The most endpoints one tenant may register: each event is sent to every one of them.
    public static var webhooksPerTenant: Int { 10 }

    /// Registers an endpoint for the tenant's job events; the answer carries its new secret, the
    /// only time the secret is shown.
    public func addWebhook(tenant: Tenant, url: String, by who: String) throws -> WebhookEndpoint {
        try WebhookEndpoint.validate(url: url)
        let id = WebhookEndpoint.newID()
        let secret = WebhookEndpoint.newSecret()
        return try database.transaction {
            let count =
                try database.firstRow("SELECT count(*) AS n FROM gdpr_webhooks WHERE tenant = \(tenant.name)")?.int("n")
                ?? 0
            guard count < Self.webhooksPerTenant else {
                throw InputError(
                    .invalidWebhook,
                    "a tenant may have at most \(Self.webhooksPerTenant) webhook endpoints; remove one first")
            }
            let row = try database.firstRow(
                """
                INSERT INTO gdpr_webhooks (id, tenant, url, secret, created_by)
                VALUES (\(id), \(tenant.name), \(url), \(secret), \(who))
                RETURNING created_at
                """)
            return WebhookEndpoint(
                id: id, tenant: tenant.name, url: url, secret: secret, createdAt: try row?.date("created_at") ?? Date(),
                createdBy: who)
        }
    }

    /// The endpoints of one tenant, or of every tenant, oldest first, without their secrets.
    public func webhooks(tenant: Tenant?) throws(DatabaseError) -> [WebhookEndpoint] {
        try database.rows(
            """
            SELECT id, tenant, url, created_at, created_by FROM gdpr_webhooks
             WHERE tenant = coalesce(\(tenant?.name), tenant) ORDER BY created_at, id
            """
        ).map { row throws(DatabaseError) in
            WebhookEndpoint(
                id: try row.string("id"), tenant: try row.string("tenant"), url: try row.string("url"), secret: nil,
                createdAt: try row.date("created_at"), createdBy: try row.string("created_by"))
        }
    }

    /// Removes an endpoint, and with it the events not yet delivered to it; false when the tenant
    /// (or, with no tenant, any tenant) has none with that id.
    public func removeWebhook(id: String, tenant: Tenant?) throws(DatabaseError) -> Bool {
        try database.run(
            "DELETE FROM gdpr_webhooks WHERE id = \(id) AND tenant = coalesce(\(tenant?.name), tenant)") == 1
    }
}
