import Logging
import Metrics
import ServiceLifecycle

/// Periodic queue upkeep that any number of processes may run at once: rescuing jobs whose
/// worker died, so that a crashed or killed process never loses a job, and sealing new audit
/// records into the audit chain.
///
/// Rescue is one statement that skips rows locked by live workers and only touches expired
/// leases, so concurrent rescuers cannot collide and a job that completes meanwhile is never
/// overwritten.
public struct QueueMaintenance: Service {
    public struct Configuration: Sendable {
        /// How often expired leases are looked for.
        public var rescueInterval: Duration
        /// How long a rescued job waits before it may be claimed again.
        public var rescueRetryDelay: Duration

        public init(rescueInterval: Duration = .seconds(15), rescueRetryDelay: Duration = .zero) {
            self.rescueInterval = rescueInterval
            self.rescueRetryDelay = rescueRetryDelay
        }
    }

    public let configuration: Configuration
    /// The most audit batches one maintenance pass seals.
    public static let sealBatchesPerPass = 20
    private let database: BlockingConnectionPool
    private let logger: Logger
    private let timeSource: TimeSource
    private let auditChain: AuditChain?
    private let rescued = WorkerMetrics().rescued

    public init(
        database: BlockingConnectionPool, configuration: Configuration = .init(), logger: Logger,
        timeSource: TimeSource = .database, auditChain: AuditChain? = nil
    ) {
        self.auditChain = auditChain
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.timeSource = timeSource
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await rescueOnce()
            await sealOnce()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.rescueInterval) }
        }
    }

    /// Seals the audit records written since the last pass, a batch at a time, at most
    /// `sealBatchesPerPass` batches with a pause between them, so that on SQLite, where a seal
    /// holds the only write lock, the workers always get their turn; a backlog is sealed over
    /// the next passes.
    @discardableResult
    public func sealOnce() async -> Int {
        guard let auditChain else { return 0 }
        var sealed = 0
        do {
            for _ in 0..<Self.sealBatchesPerPass {
                let batch = try await database.withConnection { try auditChain.seal(on: $0) }
                sealed += batch
                if batch < AuditChain.defaultBatch || Task.isShuttingDownGracefully { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        } catch {
            // Another process sealing the same records wins the race; this one tries again next pass.
            logger.debug("audit records not sealed this pass", metadata: ["error": "\(error)"])
        }
        return sealed
    }

    /// One pass, also used by tests.
    @discardableResult
    public func rescueOnce() async -> RescueReport {
        let now = timeSource.override
        let delay = configuration.rescueRetryDelay
        do {
            let report = try await database.withConnection { try $0.rescueExpired(now: now, retryDelay: delay) }
            if report.requeued + report.failed > 0 {
                rescued.increment(by: report.requeued + report.failed)
                logger.warning(
                    "rescued jobs whose worker stopped responding",
                    metadata: ["requeued": "\(report.requeued)", "failed": "\(report.failed)"])
            }
            return report
        } catch {
            logger.warning("queue maintenance could not reach the database", metadata: ["error": "\(error)"])
            return RescueReport()
        }
    }
}
