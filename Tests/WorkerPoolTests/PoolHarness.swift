import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Logging
import Testing

/// A pool running in the test process against a test database, with quick retries.
struct PoolHarness {
    let database: TestDatabase
    let pool: WorkerPool
    let task: Task<Void, any Error>

    static func start(
        _ database: TestDatabase, handler: any JobHandler, workers: Int = 2, batchSize: Int = 50,
        archiveDelay: Duration = .zero,
        pollInterval: Duration = .milliseconds(50), lease: Duration = .seconds(30),
        shutdownTimeout: Duration = .seconds(10),
        timeSource: TimeSource = .database
    ) -> PoolHarness {
        var logger = Logger(label: "test.pool")
        logger.logLevel = ProcessInfo.processInfo.environment["POOL_LOG"] != nil ? .trace : .critical
        let configuration = WorkerPool.Configuration(
            workers: workers, batchSize: batchSize, pollInterval: pollInterval, lease: lease,
            shutdownTimeout: shutdownTimeout,
            archiveDelay: archiveDelay,
            retryBackoff: RetryBackoff(base: .milliseconds(20), cap: .milliseconds(100), jitter: 0),
            reconnectBackoff: RetryBackoff(base: .milliseconds(50), cap: .milliseconds(500), jitter: 0))
        let pool = WorkerPool(
            store: database.store, handler: handler, hasher: AuditKeyHasher(secret: Data("test-secret".utf8)),
            configuration: configuration, logger: logger, timeSource: timeSource)
        let task = Task { try await pool.run() }
        return PoolHarness(database: database, pool: pool, task: task)
    }

    /// Stops the pool as SIGTERM would and waits for it to return.
    func stop() async throws {
        pool.stop()
        try await task.value
    }

    /// Enqueues one job per key and returns their jids in order.
    func enqueue(_ keys: [String], maxAttempts: Int? = nil) throws -> [JobID] {
        try database.withConnection { connection in
            try keys.map {
                try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey($0), maxAttempts: maxAttempts)).jid
            }
        }
    }

    func job(_ jid: JobID) throws -> Job? {
        try database.withConnection { try $0.job(jid, tenant: nil) }
    }

    func count(_ sql: String) throws -> Int {
        try database.withConnection { try $0.database.queryFirst(sql)?.int("n") ?? -1 }
    }

    /// Waits until `condition` holds, checking every 20 ms; fails the test after `timeout`.
    func eventually(
        _ what: String, timeout: Duration = .seconds(180), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    }
}
