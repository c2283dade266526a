import Crypto
import Foundation

/// A tenant's credential for the HTTP API: `gwk_<id>_<secret>`, shown once when created.
///
/// The id is public (it names the key in `keys list` and `keys revoke`); the secret is 256 random
/// bits. Only the SHA-256 of the whole key is stored. A fast hash is right for random secrets:
/// slow password hashing protects guessable passwords, and these cannot be guessed.
public struct APIKey: Sendable, Hashable, CustomStringConvertible {
    public let id: String
    public let secret: String

    /// A new random key.
    public static func generate() -> APIKey {
        func hex(_ bits: SymmetricKeySize) -> String {
            SymmetricKey(size: bits).withUnsafeBytes { Hex.encode($0) }
        }
        return APIKey(id: String(hex(.init(bitCount: 64))), secret: hex(.bits256))
    }

    private init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// The key as the client sends it in the `Api-Key` header.
    public var token: String { "gwk_\(id)_\(secret)" }

    /// The stored form of a presented token.
    public static func hash(token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }

    public var hash: String { Self.hash(token: token) }

    public var description: String { "gwk_\(id)_[redacted]" }
}

/// A stored key as `keys list` shows it: never the secret.
public struct APIKeyRecord: Sendable, Hashable {
    public var id: String
    public var tenant: Tenant
    public var name: String?
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, tenant: Tenant, name: String?, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

extension APIKeyRecord {
    public init(row: SQLRow) throws(DatabaseError) {
        self.init(
            id: try row.string("id"), tenant: Tenant(trusted: try row.string("tenant")),
            name: row.optionalString("name"),
            createdAt: try row.date("created_at"), revokedAt: row.optionalDate("revoked_at"))
    }
}
