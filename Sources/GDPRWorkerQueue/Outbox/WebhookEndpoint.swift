import Crypto
import Foundation

/// A tenant's webhook endpoint: where the tenant's job events are POSTed, signed with its secret.
public struct WebhookEndpoint: Sendable, Hashable, Encodable {
    public var id: String
    public var tenant: String
    public var url: String
    /// The Standard Webhooks signing secret, `whsec_` and base64. Shown once, when it is made.
    public var secret: String?
    public var createdAt: Date
    public var createdBy: String

    public init(id: String, tenant: String, url: String, secret: String?, createdAt: Date, createdBy: String) {
        self.id = id
        self.tenant = tenant
        self.url = url
        self.secret = secret
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    enum CodingKeys: String, CodingKey {
        case id, tenant, url, secret
        case createdAt = "created_at"
        case createdBy = "created_by"
    }

    /// Times in the API's one format; the secret only when it is being shown.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(tenant, forKey: .tenant)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(secret, forKey: .secret)
        try container.encode(Timestamp.format(createdAt), forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
    }

    /// A new endpoint id, `wh_` and 16 random bytes as hex.
    public static func newID() -> String {
        "wh_" + SymmetricKey(size: .bits128).withUnsafeBytes { Hex.encode($0) }
    }

    /// A new signing secret: `whsec_` and 32 random bytes in base64, as the specification suggests.
    public static func newSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Checks a URL a tenant registers: absolute http or https with a host, no credentials in it,
    /// at most 2,048 bytes. Errors never repeat the URL, which may hold a token.
    public static func validate(url: String) throws(InputError) {
        guard url.utf8.count <= 2048, let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil
        else {
            throw InputError(
                .invalidWebhook, "the webhook URL must be an absolute http or https URL with a host and no credentials")
        }
    }
}

extension InputError.Code {
    public static let invalidWebhook = InputError.Code(rawValue: "invalid_webhook")
}
