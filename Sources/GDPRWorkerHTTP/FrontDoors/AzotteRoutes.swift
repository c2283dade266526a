import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import HTTPTypes
import Hummingbird
import Logging

/// Azotte's C2A customer delete (seeds 000 and 003): `POST /api/c2a/customer/delete` with
/// `{"customerUuid": …}`, the tenant in `x-tn` and the key in `x-api-key`. It anonymises the
/// customer, as Azotte's projection is anonymised, and answers with Azotte's status envelope.
struct AzotteRoutes: Sendable {
    static let paths: [String: [HTTPRequest.Method]] = [
        "/api/c2a/customer/delete": [.post],
        "/api/v1/c2a/customer/delete": [.post],
    ]
    static let apiKeyHeader = HTTPField.Name("x-api-key")!
    static let tenantHeader = HTTPField.Name("x-tn")!

    let keys: APIKeyCache
    let subjects: SubjectLookup?
    let erasure: SynchronousErasure

    func register(on router: Router<APIRequestContext>) {
        for path in Self.paths.keys {
            router.post(RouterPath(path)) { request, context in
                await delete(request, context)
            }
        }
    }

    /// The answers of the C2A contract; every one but 401 carries the `status` envelope.
    private func delete(_ request: Request, _ context: APIRequestContext) async -> Response {
        do {
            guard let tenant = try await authenticate(request) else { return Response(status: .unauthorized) }
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let key: CustomerKey
            switch Self.customerUuid(in: Data(body.readableBytesView)) {
            case .success(let found): key = found
            case .failure(let refusal): return Self.envelope(refusal.messageCode, status: .badRequest)
            }
            guard let subjects else {
                // Without a data map nothing can be found: the door is not set up on this server.
                context.logger.warning("the Azotte door needs a data map; serve was started without one")
                return Self.envelope("CUSTOMER_NOT_FOUND", status: .notFound)
            }
            let found = try await erasure.database.withConnection {
                try subjects.count(key: key, tenant: tenant, on: $0.database)
            }
            guard found > 0 else { return Self.envelope("CUSTOMER_NOT_FOUND", status: .notFound) }
            switch try await erasure.erase(key, tenant: tenant, mode: .anonymise) {
            case .done(let job):
                context.logger.info("azotte customer delete done", metadata: ["jid": "\(job.jid)"])
                return Self.envelope("SUCCESS", status: .ok)
            case .failed(let job):
                context.logger.error("azotte customer delete failed", metadata: ["jid": "\(job.jid)"])
                return Self.envelope("INTERNAL_SERVER_ERROR", status: .internalServerError, jid: job.jid)
            case .pending(let jid):
                return Self.envelope(Self.inProgress, status: .accepted, jid: jid)
            }
        } catch let error as DatabaseError {
            context.logger.error("azotte customer delete: database failure", metadata: ["code": "\(error.code)"])
            return Self.envelope("SQL_DATABASE_FAILURE", status: .internalServerError)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return Self.envelope("INVALID_REQUEST", status: .contentTooLarge)
        } catch {
            context.logger.error("azotte customer delete failed", metadata: ["error_type": "\(type(of: error))"])
            return Self.envelope("INTERNAL_SERVER_ERROR", status: .internalServerError)
        }
    }

    /// The `messageCode` of a call answered before its job finished: the job runs on, and its
    /// status is at `GET /api/v2/event-data/job-status?jid=…` with the same key in `Api-Key`.
    static let inProgress = "IN_PROGRESS"

    /// The key's tenant when `x-api-key` is a live key and `x-tn` names that key's tenant.
    private func authenticate(_ request: Request) async throws -> Tenant? {
        guard let token = request.headers[Self.apiKeyHeader], !token.isEmpty, token.utf8.count <= 256,
            let claimed = request.headers[Self.tenantHeader],
            let identity = try await keys.identity(for: token), identity.tenant.name == claimed
        else { return nil }
        return identity.tenant
    }

    /// The key in a `DeleteCustomerRequest`, or the code that refuses it: a null or missing body
    /// is `BAD_REQUEST`, a body that fails validation `INVALID_REQUEST`.
    static func customerUuid(in body: Data) -> Result<CustomerKey, Refusal> {
        let trimmed = body.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if trimmed.isEmpty || trimmed == Data("null".utf8) { return .failure(Refusal(messageCode: "BAD_REQUEST")) }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let text = object["customerUuid"] as? String, let key = try? CustomerKey(text)
        else { return .failure(Refusal(messageCode: "INVALID_REQUEST")) }
        return .success(key)
    }

    /// Why a request body was refused, as the C2A contract's `messageCode`.
    struct Refusal: Error {
        let messageCode: String
    }

    private struct Envelope: Encodable {
        struct Status: Encodable {
            let messageCode: String
        }

        let status: Status
        /// Only on answers about a job that exists: to poll it, or to find it in the logs.
        let jid: String?
    }

    static func envelope(_ code: String, status: HTTPResponse.Status, jid: JobID? = nil) -> Response {
        .json(Envelope(status: .init(messageCode: code), jid: jid?.description), status: status)
    }
}
