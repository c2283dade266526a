import Foundation

/// How long a failed job waits before its next attempt: exponential, capped, with jitter.
///
/// The defaults (15 s doubling to a 6 h cap, 20 attempts) spread retries over about two and a half
/// days, long enough to ride out an outage and short enough to leave most of the one-month legal
/// deadline for a human to act on a job that still fails.
public struct RetryBackoff: Sendable, Hashable {
    public var base: Duration
    public var cap: Duration
    /// The fraction by which each delay is randomly lengthened or shortened, so that jobs failed by
    /// one outage do not all come back at the same instant.
    public var jitter: Double

    public static let jobs = RetryBackoff(base: .seconds(15), cap: .seconds(6 * 3600), jitter: 0.1)
    public static let reconnect = RetryBackoff(base: .milliseconds(100), cap: .seconds(5), jitter: 0.2)

    public init(base: Duration, cap: Duration, jitter: Double) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The delay after failed attempt number `attempt` (1 for the first).
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: -1...1)) -> Duration {
        let exponent = Double(min(max(attempt - 1, 0), 40))
        let raw = min(base.seconds * pow(2, exponent), cap.seconds)
        let jittered = raw * (1 + jitter * max(-1, min(1, random)))
        return .milliseconds(Int64(max(0, jittered) * 1000))
    }
}
