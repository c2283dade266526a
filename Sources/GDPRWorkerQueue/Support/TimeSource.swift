import Foundation
import Synchronization

/// Where "now" comes from for claims, cutoffs and leases.
///
/// Production reads the database's clock, so that workers on hosts with skewed clocks agree on
/// when a job becomes eligible and when a lease expires. Tests inject a `ManualClock` to move time.
public enum TimeSource: Sendable {
    case database
    case manual(ManualClock)

    /// The instant to bind into a query, or nil to let the database use its own clock.
    public var override: Date? {
        switch self {
        case .database: nil
        case .manual(let clock): clock.now
        }
    }

    /// The best local reading of now, for arithmetic that happens outside the database.
    public var localNow: Date {
        override ?? Date()
    }
}

/// A clock that only moves when told to.
public final class ManualClock: Sendable {
    private let instant: Mutex<Date>

    public init(_ start: Date = Date()) {
        instant = Mutex(start)
    }

    public var now: Date {
        instant.withLock { $0 }
    }

    public func advance(by duration: Duration) {
        instant.withLock { $0 = $0.addingTimeInterval(duration.seconds) }
    }

    public func set(_ date: Date) {
        instant.withLock { $0 = date }
    }
}
