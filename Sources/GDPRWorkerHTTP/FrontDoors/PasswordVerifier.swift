import Crypto
import Foundation
import HummingbirdBcrypt
import _CryptoExtras

/// Checks a password against the hash an application stored for it, with maintained
/// implementations only: bcrypt (`$2a$`, `$2b$`, `$2y$`) through hummingbird-auth, and Django's
/// `pbkdf2_sha256$ROUNDS$SALT$HASH` through swift-crypto's PBKDF2. Both compare in constant time
/// (bcrypt's own check; `SymmetricKey`'s equality). Any other format is refused, never guessed at.
enum PasswordVerifier {
    /// More rounds than any sane hash uses: a stored hash beyond it is refused, not computed.
    static let maximumPBKDF2Rounds = 10_000_000

    /// A bcrypt hash of no password anyone has, checked when no account matched, so that a
    /// failed login takes as long whether or not the email exists.
    static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: 12)

    static func verify(_ password: String, against stored: String) -> Bool {
        if stored.hasPrefix("$2a$") || stored.hasPrefix("$2b$") || stored.hasPrefix("$2y$") {
            // OpenBSD's bcrypt, which hummingbird-auth wraps, reads $2y$ as $2b$.
            let normalised = stored.hasPrefix("$2y$") ? "$2b$" + stored.dropFirst(4) : stored
            return Bcrypt.verify(password, hash: normalised)
        }
        if stored.hasPrefix("pbkdf2_sha256$") { return verifyDjango(password, stored) }
        return false
    }

    /// Runs `verify` off the event loops and the cooperative pool: both hashes are slow on purpose.
    static func verifyInBackground(_ password: String, against stored: String?) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: verify(password, against: stored ?? decoyHash) && stored != nil)
            }
        }
    }

    private static func verifyDjango(_ password: String, _ stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, let rounds = Int(parts[1]), rounds >= 1, rounds <= maximumPBKDF2Rounds,
            let expected = Data(base64Encoded: String(parts[3])), !expected.isEmpty
        else { return false }
        guard
            let derived = try? KDF.Insecure.PBKDF2.deriveKey(
                from: Data(password.utf8), salt: Data(parts[2].utf8), using: .sha256,
                outputByteCount: expected.count, unsafeUncheckedRounds: rounds)
        else { return false }
        return derived == SymmetricKey(data: expected)
    }
}
