import Crypto
import Foundation

/// Signatures as the Standard Webhooks specification defines them: `v1,` and the base64 HMAC-SHA256,
/// under the secret's bytes (the base64 after `whsec_`), of `{webhook-id}.{webhook-timestamp}.{body}`.
///
/// A receiver checks the signature with the secret it was given when the endpoint was added, and
/// refuses a timestamp far from its own clock, so that a captured request cannot be replayed.
public enum WebhookSignature {
    /// The signature header's value for one message.
    public static func sign(secret: String, id: String, timestamp: Int, body: some DataProtocol) throws -> String {
        let key = try key(of: secret)
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Array("\(id).\(timestamp).".utf8))
        mac.update(data: Array(body))
        return "v1," + Data(mac.finalize()).base64EncodedString()
    }

    /// Whether any of the space-separated signatures in `header` is this message's, compared in
    /// constant time, and the timestamp is within `tolerance` of `now`.
    public static func verify(
        header: String, secret: String, id: String, timestamp: String, body: some DataProtocol,
        now: Date = Date(), tolerance: TimeInterval = 300
    ) -> Bool {
        guard let seconds = Int(timestamp), abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance,
            let key = try? key(of: secret)
        else { return false }
        var signed = Array("\(id).\(seconds).".utf8)
        signed += Array(body)
        return header.split(separator: " ").contains { candidate in
            guard candidate.hasPrefix("v1,"), let mac = Data(base64Encoded: String(candidate.dropFirst(3))) else {
                return false
            }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key)
        }
    }

    static func key(of secret: String) throws -> SymmetricKey {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { throw WebhookSecretError() }
        return SymmetricKey(data: bytes)
    }
}

/// A stored secret that is not `whsec_` and base64.
public struct WebhookSecretError: Error, CustomStringConvertible {
    public var description: String { "a webhook secret is not in the whsec_ base64 form" }
}
