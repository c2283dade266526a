import Crypto
import Foundation

/// A tenant's credential for the HTTP API: `gwk_<id>_<secret>`, shown once when created.
///
/// The id is public (it names the key in `keys list` and `keys revoke`); the secret is 256 random
/// bits. Only the SHA-256 of the whole key is stored. A fast hash is right for random secrets:
/// slow password hashing protects guessable passwords, and these cannot be guessed.
public struct APIKey: Sendable, Hashable, CustomStringConvertible {
    public let id: String
    /// The key as the client sends it: in `Api-Key`, or a front door's own header or field.
    public let token: String

    /// A new random key.
    public static func generate() -> APIKey {
        func hex(_ bits: SymmetricKeySize) -> String {
            SymmetricKey(size: bits).withUnsafeBytes { Hex.encode($0) }
        }
        let id = String(hex(.init(bitCount: 64)))
        return APIKey(id: id, token: "gwk_\(id)_\(hex(.bits256))")
    }

    /// A key a client already holds, issued by the system it moves off (Azotte's `x-api-key`, the
    /// loyalty platform's `api_access_key`), so that the client works unchanged. Printable ASCII
    /// without spaces, 1 to 256 bytes; its id is derived from its hash.
    public static func importing(_ token: String) throws(InputError) -> APIKey {
        guard (1...256).contains(token.utf8.count),
            token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            throw InputError(
                .invalidArgument, "an imported key must be 1 to 256 printable ASCII characters without spaces")
        }
        return APIKey(id: "imp" + hash(token: token).prefix(13), token: token)
    }

    private init(id: String, token: String) {
        self.id = id
        self.token = token
    }

    /// The stored form of a presented token.
    public static func hash(token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }

    public var hash: String { Self.hash(token: token) }

    public var description: String { "key \(id) [redacted]" }
}

/// Who an unrevoked key speaks for: its tenant, and for front doors that also take a user name and
/// password, the key's name and the bcrypt hash of its operator's password.
public struct APIKeyIdentity: Sendable, Hashable {
    /// The key's public id, as `keys list` shows it.
    public var id: String
    public var tenant: Tenant
    public var name: String?
    public var passwordHash: String?

    public init(id: String, tenant: Tenant, name: String?, passwordHash: String?) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.passwordHash = passwordHash
    }
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
