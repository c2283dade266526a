extension OutboxDispatcher {
    public struct Configuration: Sendable {
        /// Between looks at an outbox that had nothing due.
        public static let defaultPollInterval: Duration = .seconds(1)
        /// Events claimed and delivered at once.
        public static let defaultBatchSize = 16
        /// How long a claimed event is this process's; an attempt that takes longer may be repeated.
        public static let defaultLease: Duration = .seconds(60)
        /// The most a receiver may take to answer.
        public static let defaultRequestTimeout: Duration = .seconds(10)
        /// The wait before each retry, much as Standard Webhooks' reference service retries:
        /// quickly at first, then for about three days. After the last, the event is given up.
        public static let defaultRetrySchedule: [Duration] = [
            .seconds(5), .seconds(30), .seconds(120), .seconds(600), .seconds(1800), .seconds(3600), .seconds(7200),
            .seconds(14400), .seconds(28800), .seconds(43200), .seconds(86400), .seconds(86400),
        ]
        /// How long delivered and abandoned events, and their attempts, are kept for inspection.
        public static let defaultKeepSettled: Duration = .seconds(30 * 86400)

        public var pollInterval: Duration
        public var batchSize: Int
        public var lease: Duration
        public var requestTimeout: Duration
        public var retrySchedule: [Duration]
        /// Each retry's wait is moved by up to this fraction either way, so that the events of one
        /// outage do not all come back in the same second.
        public var jitter: Double
        public var keepSettled: Duration

        public init(
            pollInterval: Duration = defaultPollInterval, batchSize: Int = defaultBatchSize,
            lease: Duration = defaultLease,
            requestTimeout: Duration = defaultRequestTimeout, retrySchedule: [Duration] = defaultRetrySchedule,
            jitter: Double = 0.1, keepSettled: Duration = defaultKeepSettled
        ) {
            self.pollInterval = pollInterval
            self.batchSize = batchSize
            self.lease = lease
            self.requestTimeout = requestTimeout
            self.retrySchedule = retrySchedule
            self.jitter = jitter
            self.keepSettled = keepSettled
        }

        /// How long an event is tried for, at most: the whole retry schedule. A confirmation no
        /// process has tried by then is given up and its address erased.
        public var retryWindow: Duration {
            retrySchedule.reduce(.zero, +) * (1 + jitter)
        }

        /// The wait after failed attempt `attempt` (from 1), or nil once the schedule is spent.
        public func retryDelay(afterAttempt attempt: Int) -> Duration? {
            guard attempt >= 1, attempt <= retrySchedule.count else { return nil }
            let base = retrySchedule[attempt - 1]
            guard jitter > 0 else { return base }
            return base * Double.random(in: (1 - jitter)...(1 + jitter))
        }
    }
}
