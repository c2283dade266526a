import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import HTTPTypes
import Hummingbird
import Logging

/// The loyalty platform's `customer_delete` (seed 001): `POST /api/loyalty`, form-encoded, with
/// `type=customer_delete`, the account in `account_id`, the customer's `code`, and the caller's
/// `user_id` with its key in the `api_access_key` header or the `user_password` field (the header
/// wins). It permanently deletes the one customer with that code in that account, with every
/// transaction in every campaign, and refuses, changing nothing, when the code is ambiguous.
struct LoyaltyRoutes: Sendable {
    static let path = "/api/loyalty"
    static let paths: [String: [HTTPRequest.Method]] = [path: [.post]]
    static let apiKeyHeader = HTTPField.Name("api_access_key")!

    /// The documented form fields; every one optional here, so a missing one gets its own message.
    struct Form: Decodable {
        var user_id: String?
        var user_password: String?
        var type: String?
        var account_id: String?
        var code: String?
        var output: String?
        var callback: String?
        var condensed: String?
    }

    let keys: APIKeyCache
    let subjects: SubjectLookup?
    let erasure: SynchronousErasure

    func register(on router: Router<APIRequestContext>) {
        router.post(RouterPath(Self.path)) { request, context in
            await call(request, context)
        }
    }

    private func call(_ request: Request, _ context: APIRequestContext) async -> Response {
        var request = request
        let form: Form
        do {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            form = try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
        } catch {
            return LoyaltyResponse.error("the request must be form-encoded fields (application/x-www-form-urlencoded)")
                .response(.xml, status: .badRequest)
        }
        let format: LoyaltyResponse.Format
        switch Self.format(of: form) {
        case .success(let found): format = found
        case .failure(let refusal):
            return LoyaltyResponse.error(refusal.message).response(.json(condensed: false), status: .badRequest)
        }
        do {
            return try await delete(form, request: request, format: format, context: context)
        } catch let error as DatabaseError {
            context.logger.error("loyalty customer_delete: database failure", metadata: ["code": "\(error.code)"])
            return LoyaltyResponse.error("the database failed; nothing was deleted, try again later")
                .response(format, status: .serviceUnavailable)
        } catch {
            context.logger.error("loyalty customer_delete failed", metadata: ["error_type": "\(type(of: error))"])
            return LoyaltyResponse.error("internal error").response(format, status: .internalServerError)
        }
    }

    private func delete(
        _ form: Form, request: Request, format: LoyaltyResponse.Format, context: APIRequestContext
    ) async throws -> Response {
        func refuse(_ message: String, _ status: HTTPResponse.Status) -> Response {
            LoyaltyResponse.error(message).response(format, status: status)
        }
        guard let token = request.headers[Self.apiKeyHeader] ?? form.user_password, !token.isEmpty,
            let userID = form.user_id, !userID.isEmpty
        else { return refuse("user_id and user_password (or the api_access_key header) are required", .unauthorized) }
        guard token.utf8.count <= 256, let identity = try await keys.identity(for: token), identity.name == userID
        else { return refuse("invalid user_id or api key", .unauthorized) }
        guard form.type == "customer_delete" else {
            return refuse("unsupported type; this endpoint serves type=customer_delete", .badRequest)
        }
        guard let account = form.account_id, !account.isEmpty else {
            return refuse("account_id is required", .badRequest)
        }
        guard account == identity.tenant.name else {
            return refuse("the account does not exist or the credentials do not give access to it", .forbidden)
        }
        guard let code = form.code, let key = try? CustomerKey(code) else {
            return refuse("code is required: the customer's code, at most 256 bytes", .badRequest)
        }
        guard let subjects, subjects.hasSubjectTable else {
            context.logger.warning("the loyalty door needs a data map with a subject table")
            return refuse(
                "customer_delete is not set up on this server: its data map names no subject table", .notFound)
        }
        let tenant = identity.tenant
        let matching = try await erasure.database.withConnection {
            try subjects.count(key: key, tenant: tenant, on: $0.database)
        }
        guard matching > 0 else { return refuse("no customer has this code in this account", .notFound) }
        guard matching == 1 else {
            return refuse("more than one customer has this code; nothing was deleted", .conflict)
        }
        switch try await erasure.erase(key, tenant: tenant, mode: .delete) {
        case .done(let job):
            context.logger.info("loyalty customer_delete done", metadata: ["jid": "\(job.jid)"])
            return LoyaltyResponse.deleted(code: code).response(format, status: .ok)
        case .failed(let job):
            context.logger.error("loyalty customer_delete failed", metadata: ["jid": "\(job.jid)"])
            return refuse("the deletion failed; job \(job.jid) holds the reason", .internalServerError)
        case .pending(let jid):
            return LoyaltyResponse.pending(code: code, jid: jid.description).response(format, status: .accepted)
        }
    }

    struct Refusal: Error {
        let message: String
    }

    /// `output=json|xml` (XML by default), `condensed=yes`, and `callback`, which answers JSONP
    /// only with a name `LoyaltyResponse.isSafeCallback` accepts.
    static func format(of form: Form) -> Result<LoyaltyResponse.Format, Refusal> {
        let condensed = form.condensed?.lowercased() == "yes"
        if let callback = form.callback {
            guard LoyaltyResponse.isSafeCallback(callback) else {
                return .failure(
                    Refusal(message: "callback must be a JavaScript function name: letters, digits, _, $ and dots"))
            }
            return .success(.jsonp(callback: callback, condensed: condensed))
        }
        switch form.output?.lowercased() {
        case nil, "xml": return .success(.xml)
        case "json": return .success(.json(condensed: condensed))
        default: return .failure(Refusal(message: "output must be json or xml"))
        }
    }
}
