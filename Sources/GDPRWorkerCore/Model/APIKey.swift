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

/// The live queue in numbers, for metrics and capacity planning.
public struct QueueStatistics: Sendable, Hashable {
    /// Pending jobs still inside their archive cutoff.
    public var waitingForArchive: Int
    /// Pending jobs past their cutoff: the backlog the workers have to clear.
    public var eligible: Int
    public var running: Int
    /// Age of the oldest eligible job, in seconds; 0 when there is none.
    public var oldestEligibleAge: Double
    /// Unfinished jobs whose legal due date has passed.
    public var pastLegalDue: Int
    /// Unfinished jobs due within `QueueStatistics.nearDueWindow`.
    public var nearLegalDue: Int
    /// Failed jobs: erasures that did not happen and need a human.
    public var failed: Int

    /// How close to its legal due date a job counts as at risk.
    public static let nearDueWindow: Duration = .seconds(7 * 86_400)

    public init(waitingForArchive: Int = 0, eligible: Int = 0, running: Int = 0, oldestEligibleAge: Double = 0, pastLegalDue: Int = 0, nearLegalDue: Int = 0, failed: Int = 0) {
        self.waitingForArchive = waitingForArchive
        self.eligible = eligible
        self.running = running
        self.oldestEligibleAge = oldestEligibleAge
        self.pastLegalDue = pastLegalDue
        self.nearLegalDue = nearLegalDue
        self.failed = failed
    }
}

extension APIKeyRecord {
    public init(row: SQLRow) throws(DatabaseError) {
        self.init(
            id: try row.string("id"), tenant: Tenant(trusted: try row.string("tenant")), name: row.optionalString("name"),
            createdAt: try row.date("created_at"), revokedAt: row.optionalDate("revoked_at"))
    }
}

extension QueueStatistics {
    /// Decodes the statistics row both drivers return; the SQLite driver fills in the age itself.
    public init(row: SQLRow) throws(DatabaseError) {
        self.init(
            waitingForArchive: try row.int("waiting"), eligible: try row.int("eligible"), running: try row.int("running"),
            oldestEligibleAge: row.optionalDouble("oldest") ?? 0, pastLegalDue: try row.int("past_due"),
            nearLegalDue: try row.int("near_due"), failed: try row.int("failed"))
    }
}
