import Crypto
import Foundation

/// Turns a customer key into the only form the audit trail keeps: HMAC-SHA-256 under a secret.
///
/// A plain hash of an email address can be reversed by hashing candidate addresses; a keyed hash
/// cannot without the secret. The same key under the same secret always gives the same hash, so an
/// auditor holding the secret can answer "was this person's data erased, and when?".
public struct AuditKeyHasher: Sendable {
    /// The name under which a generated secret is stored in `gdpr_settings`.
    public static let settingName = "audit_secret"

    /// An HMAC already keyed with the secret, copied for every hash: keying it per hash was 7% of
    /// a batch's time. Its state is copy-on-write and this copy is never mutated, so worker threads
    /// can share it although swift-crypto does not mark it Sendable.
    nonisolated(unsafe) private let keyed: HMAC<SHA256>

    public init(secret: some DataProtocol) {
        keyed = HMAC<SHA256>(key: SymmetricKey(data: Array(secret)))
    }

    /// The hash of a tenant's customer key, as lowercase hex.
    public func hash(_ customerKey: CustomerKey, tenant: Tenant) -> String {
        var mac = keyed
        mac.update(data: Array(tenant.name.utf8))
        mac.update(data: [0x2F])  // "/": tenants cannot contain it, so tenant and key cannot run together.
        mac.update(data: Array(customerKey.rawValue.utf8))
        return Hex.encode(mac.finalize())
    }

    /// The chain hash of an audit record: HMAC under the same secret of the previous record's
    /// chain hash and this record's canonical text. `chain` and a NUL first, which no tenant
    /// name holds, so a chain input can never be a key hash's input.
    public func chainHash(previous: String, record: String) -> String {
        var mac = keyed
        mac.update(data: Array("chain\u{0}".utf8))
        mac.update(data: Array(previous.utf8))
        mac.update(data: [0x0A])
        mac.update(data: Array(record.utf8))
        return Hex.encode(mac.finalize())
    }

    /// A key of its own for another use of the same secret (HKDF-Expand's single block: HMAC of
    /// the purpose under the secret), so that one configured secret serves every purpose and no
    /// purpose's key reveals another's.
    public func derivedKey(purpose: String) -> SymmetricKey {
        var mac = keyed
        mac.update(data: Array("derive\u{0}".utf8))
        mac.update(data: Array(purpose.utf8))
        mac.update(data: [0x01])
        return SymmetricKey(data: Array(mac.finalize()))
    }

    /// A fresh random secret, as hex, for deployments that do not configure one.
    public static func generateSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Hex.encode($0) }
    }

    /// The deployment's hasher: the configured secret, or one generated once and stored in the
    /// database so that every process of the deployment agrees.
    public static func resolve(configured: String?, store connection: any JobStoreConnection) throws -> AuditKeyHasher {
        if let configured, !configured.isEmpty { return AuditKeyHasher(secret: Data(configured.utf8)) }
        let secret = try connection.insertSettingIfAbsent(settingName, value: generateSecret())
        return AuditKeyHasher(secret: Data(secret.utf8))
    }
}
