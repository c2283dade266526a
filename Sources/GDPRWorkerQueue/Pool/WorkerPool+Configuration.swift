extension WorkerPool {
    /// How the pool claims, retries and stops. The defaults suit PostgreSQL; `forEngine` adjusts them.
    public struct Configuration: Sendable {
        /// Worker threads, each with its own connection.
        public var workers: Int
        /// Jobs claimed by one statement and processed in one transaction.
        public var batchSize: Int
        /// How often an idle worker checks for work when no wake-up arrives.
        public var pollInterval: Duration
        /// How long a claimed job stays reserved without a heartbeat; a third of it is the heartbeat.
        public var lease: Duration
        /// How long in-flight jobs get to finish after SIGTERM.
        public var shutdownTimeout: Duration
        /// Data reaches the archive this long after it is written; remove jobs wait for it.
        public var archiveDelay: Duration
        public var retryBackoff: RetryBackoff
        public var reconnectBackoff: RetryBackoff
        /// Finished jobs after which the pool VACUUMs the queue table; 0 leaves it to autovacuum.
        public var vacuumThreshold: Int
        /// Stop once no job is eligible, rather than wait for more: `gdpr-worker work --drain`.
        public var exitWhenIdle: Bool

        public static let defaultWorkers = 4
        public static let defaultBatchSize = 500
        public static let defaultLease: Duration = .seconds(60)
        public static let defaultShutdownTimeout: Duration = .seconds(30)
        public static let defaultPollInterval: Duration = .seconds(1)
        public static let defaultVacuumThreshold = 20_000

        public init(
            workers: Int = Configuration.defaultWorkers, batchSize: Int = Configuration.defaultBatchSize,
            pollInterval: Duration = Configuration.defaultPollInterval,
            lease: Duration = Configuration.defaultLease,
            shutdownTimeout: Duration = Configuration.defaultShutdownTimeout,
            archiveDelay: Duration = ArchiveCutoff.defaultDelay, retryBackoff: RetryBackoff = .jobs,
            reconnectBackoff: RetryBackoff = .reconnect, vacuumThreshold: Int = Configuration.defaultVacuumThreshold,
            exitWhenIdle: Bool = false
        ) {
            self.workers = max(1, workers)
            self.batchSize = max(1, batchSize)
            self.pollInterval = pollInterval
            self.lease = lease
            self.shutdownTimeout = shutdownTimeout
            self.archiveDelay = archiveDelay
            self.retryBackoff = retryBackoff
            self.reconnectBackoff = reconnectBackoff
            self.vacuumThreshold = max(0, vacuumThreshold)
            self.exitWhenIdle = exitWhenIdle
        }

        /// Defaults for an engine: where writers exclude one another, more than one worker only adds lock waits.
        public static func forEngine(_ engine: DatabaseEngine) -> Configuration {
            Configuration(workers: engine.hasSingleWriter ? 1 : defaultWorkers)
        }
    }
}
