import Crypto
import Foundation

/// Seals a confirmation address for the time it waits in `gdpr_confirmations`: AES-256-GCM under
/// a key derived from the deployment's audit secret, with the tenant as authenticated data, so
/// that a database dump alone reveals no address and a sealed address moved to another tenant's
/// row does not open.
public struct ContactSealer: Sendable {
    /// Never mutated after init, so threads may share it though swift-crypto does not mark it Sendable.
    nonisolated(unsafe) private let key: SymmetricKey

    public init(hasher: AuditKeyHasher) {
        key = hasher.derivedKey(purpose: "contact-address")
    }

    /// The sealed address, as base64 of nonce, ciphertext and tag.
    public func seal(_ address: ContactAddress, tenant: Tenant) throws -> String {
        let box = try AES.GCM.seal(Data(address.rawValue.utf8), using: key, authenticating: Data(tenant.name.utf8))
        guard let combined = box.combined else { throw ContactSealError() }
        return combined.base64EncodedString()
    }

    /// The address sealed for `tenant`; throws if it was sealed under another secret or tenant.
    public func open(_ sealed: String, tenant: Tenant) throws -> ContactAddress {
        guard let data = Data(base64Encoded: sealed) else { throw ContactSealError() }
        let plain = try AES.GCM.open(
            AES.GCM.SealedBox(combined: data), using: key, authenticating: Data(tenant.name.utf8))
        return try ContactAddress(String(decoding: plain, as: UTF8.self))
    }
}

/// A sealed address that does not open: another secret, another tenant, or damaged.
public struct ContactSealError: Error, CustomStringConvertible {
    public var description: String { "a sealed confirmation address does not open under this deployment's secret" }
}
