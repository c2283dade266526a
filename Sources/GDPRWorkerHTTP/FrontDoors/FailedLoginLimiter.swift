import Crypto
import Foundation
import Synchronization

/// Counts failed logins per login (a customer's email, an operator's name) and per client address, and refuses further attempts
/// once either reaches the limit within the window, so a password cannot be guessed by trying.
///
/// Logins are kept as SHA-256 digests, never in clear. The counts live in this process's memory:
/// each `serve` process limits on its own, and a restart forgets them.
final class FailedLoginLimiter: Sendable {
    private let limit: Int
    private let window: Duration
    private let failures = Mutex<[String: [ContinuousClock.Instant]]>([:])
    private static let capacity = 100_000

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Whether either the login or the client has used up its failures.
    func isBlocked(login: String, client: String) -> Bool {
        let now = ContinuousClock.now
        return failures.withLock { failures in
            Self.keys(login: login, client: client).contains { key in
                (failures[key]?.filter { now - $0 < window }.count ?? 0) >= limit
            }
        }
    }

    func recordFailure(login: String, client: String) {
        let now = ContinuousClock.now
        failures.withLock { failures in
            if failures.count >= Self.capacity {
                failures = failures.filter { $0.value.contains { now - $0 < window } }
            }
            for key in Self.keys(login: login, client: client) {
                failures[key, default: []] = (failures[key, default: []] + [now]).filter { now - $0 < window }
            }
        }
    }

    private static func keys(login: String, client: String) -> [String] {
        let digest = SHA256.hash(data: Data(login.lowercased().utf8)).map { String(format: "%02x", $0) }.joined()
        return ["login:" + digest, "client:" + client]
    }
}
