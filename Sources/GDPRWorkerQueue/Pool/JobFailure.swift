/// Why a job's attempt failed, in words safe to store and show: never a key or a value.
public struct JobFailure: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable reason; the stored reason reads `code: message`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The linked keys exceed `cascade_limit`; nothing was erased.
        public static let cascadeLimit = Code(rawValue: "cascade_limit")
        /// The data map does not fit the database, or a statement built from it failed for good.
        public static let dataMap = Code(rawValue: "data_map")
        /// The job's work failed in a way a retry may fix.
        public static let workFailed = Code(rawValue: "work_failed")
        /// The job is too large to share a batch's transaction and must run alone.
        public static let needsOwnTransaction = Code(rawValue: "needs_own_transaction")
    }

    public let code: Code
    public let message: String
    /// A permanent failure fails the job at once; any other is retried with backoff.
    public let isPermanent: Bool

    public init(_ code: Code, _ message: String, permanent: Bool) {
        self.code = code
        self.message = message
        self.isPermanent = permanent
    }

    public static let needsOwnTransaction = JobFailure(
        .needsOwnTransaction, "the job is too large to share a transaction", permanent: false)

    /// The reason as stored on the job and shown by the status endpoint.
    public var reason: String { "\(code): \(message)" }

    public var description: String { reason }
}

/// An error of a module above the queue that knows how it should be stored on a job: the pool
/// stores its `jobFailure` instead of the type name it stores for errors it cannot vouch for.
public protocol JobFailureConvertible: Error {
    var jobFailure: JobFailure { get }
}

/// Thrown by a handler when some jobs of a batch are too large to share its transaction (a
/// customer with a million rows, say): the pool runs each of them in a transaction of its own,
/// where it may commit by checkpoints, and the rest of the batch together.
public struct NeedsOwnTransaction: Error, Sendable, CustomStringConvertible {
    public let jids: Set<JobID>

    public init(jids: Set<JobID>) {
        self.jids = jids
    }

    public var description: String { JobFailure.needsOwnTransaction.reason }
}
