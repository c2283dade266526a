import GDPRWorkerErasure
import GDPRWorkerQueue
import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the tenant the API key belongs to.
public struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `APIKeyAuthenticator` on the job routes.
    public var tenant: Tenant?
    /// The id of the key that authenticated the request, to record who cancelled a job.
    public var apiKeyID: String?
    /// The client's address, for limits on failed logins; nil where the channel has none (tests).
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        tenant = nil
        apiKeyID = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// The job endpoints take their input in the query string; a body is refused past this size.
    public var maxUploadSize: Int { 16 * 1024 }
}
