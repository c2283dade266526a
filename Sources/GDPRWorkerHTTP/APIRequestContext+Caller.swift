import GDPRWorkerQueue

extension APIRequestContext {
    /// The tenant of the key that authenticated the request; a route behind `APIKeyAuthenticator`
    /// always has one.
    func requireTenant() throws -> Tenant {
        guard let tenant else { throw APIError.unauthorized("the Api-Key header is missing") }
        return tenant
    }

    /// Who acts over HTTP, for the records of cancels, extensions and webhooks: the key's id,
    /// never the key.
    var caller: String {
        "api-key:" + (apiKeyID ?? "unknown")
    }
}
