import GDPRWorkerErasure
import GDPRWorkerQueue
import Hummingbird

/// The per-request context: Hummingbird's core storage plus the tenant the API key belongs to.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `APIKeyAuthenticator` on the job routes.
    public var tenant: Tenant?

    public init(source: Source) {
        coreContext = .init(source: source)
        tenant = nil
    }

    /// The job endpoints take their input in the query string; a body is refused past this size.
    public var maxUploadSize: Int { 16 * 1024 }
}
