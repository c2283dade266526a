import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import HTTPTypes
import Hummingbird
import Synchronization

/// Resolves the `Api-Key` header to a tenant, or answers 401.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = APIRequestContext

    static let header = HTTPField.Name("Api-Key")!
    let keys: APIKeyCache

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let token = request.headers[Self.header], !token.isEmpty else {
            throw APIError.unauthorized("the Api-Key header is missing")
        }
        guard token.utf8.count <= 256, let identity = try await keys.identity(for: token) else {
            throw APIError.unauthorized("the API key is invalid or revoked")
        }
        var context = context
        context.tenant = identity.tenant
        context.apiKeyID = identity.id
        return try await next(request, context)
    }
}

/// Recent answers of the key table, so authentication costs no query on most requests.
///
/// Entries live for `ttl`: a revoked key stops working within that time. Unknown keys are cached
/// too, so a client retrying a bad key cannot load the database.
final class APIKeyCache: Sendable {
    private let database: BlockingConnectionPool
    private let ttl: Duration
    private let capacity: Int
    private let entries = Mutex<[String: (identity: APIKeyIdentity?, expires: ContinuousClock.Instant)]>([:])

    init(database: BlockingConnectionPool, ttl: Duration, capacity: Int = 10_000) {
        self.database = database
        self.ttl = ttl
        self.capacity = capacity
    }

    /// Who a presented key speaks for, or nil for an unknown or revoked key.
    func identity(for token: String) async throws -> APIKeyIdentity? {
        let hash = APIKey.hash(token: token)
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[hash] }), cached.expires > now { return cached.identity }
        let identity = try await database.withConnection { try $0.apiKey(forHash: hash) }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = (identity, now + ttl)
        }
        return identity
    }
}
