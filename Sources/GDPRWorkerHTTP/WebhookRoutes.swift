import Foundation
import GDPRWorkerQueue
import Hummingbird
import Logging

/// A tenant's webhook endpoints, managed with the tenant's own API key: each key sees and changes
/// only its tenant's endpoints.
struct WebhookRoutes: Sendable {
    let database: BlockingConnectionPool

    static let path = "/api/v2/event-data/webhooks"
    static let paths: [String: [HTTPRequest.Method]] = [path: [.get, .post], path + "/{id}": [.delete]]

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("webhooks") { _, context in
            let tenant = try context.requireTenant()
            let endpoints = try await database.withConnection { try $0.webhooks(tenant: tenant) }
            return Response.json(endpoints)
        }
        // The URL comes in the query string, as every job endpoint's input does; the answer is the
        // only one that shows the endpoint's secret.
        group.post("webhooks") { request, context in
            var request = request
            _ = try await request.collectBody(upTo: context.maxUploadSize)
            let query = try QueryParameters(request.uri)
            let url = try query.required("url", code: .invalidWebhook)
            let tenant = try context.requireTenant()
            let who = context.caller
            let endpoint = try await database.withConnection { try $0.addWebhook(tenant: tenant, url: url, by: who) }
            context.logger.notice("webhook added", metadata: ["webhook": "\(endpoint.id)"])
            return Response.json(endpoint, status: .created)
        }
        group.delete("webhooks/{id}") { _, context in
            let id = try context.parameters.require("id")
            let tenant = try context.requireTenant()
            guard try await database.withConnection({ try $0.removeWebhook(id: id, tenant: tenant) }) else {
                throw APIError(.notFound, code: "webhook_not_found", message: "this tenant has no webhook with that id")
            }
            context.logger.notice("webhook removed", metadata: ["webhook": "\(id)"])
            return Response(status: .noContent)
        }
    }
}
