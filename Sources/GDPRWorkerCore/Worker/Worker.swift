import Foundation
import Logging
import Metrics
import Synchronization

/// One worker thread of the pool: claims a batch, processes it in one transaction, repeats.
///
/// The worker owns its connection and touches it only from its own Dispatch queue; the one
/// cross-thread call is `interrupt()`, which libpq and SQLite both allow from another thread.
final class Worker: @unchecked Sendable {
    let id: String
    private unowned let pool: WorkerPool
    private var connection: (any JobStoreConnection)?
    /// The connection `interrupt()` may reach from another thread.
    private let interruptible = Mutex<InterruptTarget?>(nil)
    private var logger: Logger

    init(pool: WorkerPool, id: String) {
        self.pool = pool
        self.id = id
        var logger = pool.logger
        logger[metadataKey: "worker"] = "\(id)"
        self.logger = logger
    }

    /// The claim loop, run on the worker's own Dispatch queue until the pool stops.
    func run() {
        var orphans: [ClaimedJob] = []
        var failures = 0
        while pool.isRunning || !orphans.isEmpty {
            do {
                let connection = try connected()
                if !orphans.isEmpty {
                    try reschedule(orphans, on: connection)
                    orphans = []
                }
                guard pool.isRunning else { break }
                failures = 0
                let seen = pool.wakeSignal.current
                let jobs = try claim(on: connection)
                if jobs.isEmpty {
                    pool.wakeSignal.wait(after: seen, timeout: pool.configuration.pollInterval)
                    continue
                }
                orphans = jobs
                try process(jobs, on: connection)
                orphans = []
            } catch {
                failures += 1
                disconnect()
                if pool.isAborting { break }
                logger.warning("worker lost the database; reconnecting with backoff", metadata: ["error": "\(error)", "failures": "\(failures)"])
                pool.metrics.reconnects.increment()
                Thread.sleep(forTimeInterval: pool.configuration.reconnectBackoff.delay(afterAttempt: failures).seconds)
                if !pool.isRunning && failures > 3 { break }
            }
        }
        if !orphans.isEmpty { releaseOnExit(orphans) }
        disconnect()
    }

    /// Interrupts the statement in flight, from another thread, when the shutdown deadline passes.
    func interrupt() {
        interruptible.withLock { $0?.connection.interrupt() }
    }

    // MARK: Claiming

    private func claim(on connection: any JobStoreConnection) throws(DatabaseError) -> [ClaimedJob] {
        let started = ContinuousClock.now
        let jobs = try connection.claim(
            ClaimRequest(
                worker: id, limit: pool.configuration.batchSize, lease: pool.configuration.lease, cutoff: pool.cutoff,
                now: pool.timeSource.override))
        pool.metrics.claimDuration.recordNanoseconds(Int64((ContinuousClock.now - started).seconds * 1_000_000_000))
        if !jobs.isEmpty {
            pool.metrics.claimed.increment(by: jobs.count)
            pool.metrics.batchSize.record(jobs.count)
        }
        return jobs
    }

    // MARK: Processing

    /// Processes a batch in one transaction; if it fails, processes each job alone.
    /// Throws only when the connection broke, leaving the batch for `reschedule`.
    private func process(_ jobs: [ClaimedJob], on connection: any JobStoreConnection) throws(DatabaseError) {
        do {
            try processTogether(jobs, on: connection)
            return
        } catch {
            connection.database.rollback()
            if let broken = error as? DatabaseError, broken.isConnectionBroken || connection.database.isBroken { throw broken }
            if pool.isAborting { throw DatabaseError(.cancelled, "interrupted by shutdown") }
            guard jobs.count > 1 else {
                try recordFailure(of: jobs[0], error, on: connection)
                return
            }
            logger.debug("batch failed; processing its jobs one at a time", metadata: ["jobs": "\(jobs.count)", "error": "\(error)"])
        }
        for (index, job) in jobs.enumerated() {
            if pool.isAborting {
                _ = try connection.release(jobs[index...].map(\.jid), worker: id)
                return
            }
            try process([job], on: connection)
        }
    }

    /// Runs the handler and records every outcome in one transaction.
    private func processTogether(_ jobs: [ClaimedJob], on connection: any JobStoreConnection) throws {
        let database = connection.database
        let started = Date()
        try database.begin()
        let owned = try connection.lockOwned(jobs.map(\.jid), worker: id)
        let live = jobs.filter { owned.contains($0.jid) }
        if live.count < jobs.count {
            logger.warning("jobs were rescued from this worker before it started them; skipping them", metadata: ["jobs": "\(jobs.count - live.count)"])
        }
        guard !live.isEmpty else {
            database.rollback()
            return
        }
        let context = JobContext(
            connection: database, logger: logger, worker: id, now: pool.timeSource.override, isAlone: live.count == 1,
            commitAndReopen: { [id] in
                try database.commit()
                try database.begin()
                guard try connection.lockOwned(live.map(\.jid), worker: id).count == live.count else {
                    throw DatabaseError(.conflict, "the job's lease was lost between checkpoints")
                }
            })
        let outcomes = try pool.handler.process(live, in: context)
        var completions: [JobCompletion] = []
        var failures: [(ClaimedJob, JobFailure)] = []
        for job in live {
            switch outcomes[job.jid] {
            case .done(let result):
                completions.append(JobCompletion(job: job, keyHash: pool.hasher.hash(job.customerKey, tenant: job.tenant), result: result, startedAt: started))
            case .failed(let failure):
                try recordFailure(of: job, reason: failure.reason, permanent: failure.isPermanent, on: connection)
                failures.append((job, failure))
            case nil:
                throw JobFailure(.workFailed, "the handler reported no outcome for a job", permanent: false)
            }
        }
        let finished = try connection.complete(completions, worker: id, now: pool.timeSource.override)
        guard finished == completions.count else {
            throw DatabaseError(.conflict, "\(completions.count - finished) jobs lost their lease before completion")
        }
        try database.commit()
        let elapsed = Date().timeIntervalSince(started)
        for completion in completions {
            pool.metrics.done(completion.job).increment()
            pool.metrics.duration(completion.job).recordNanoseconds(Int64(elapsed * 1_000_000_000))
            logger.debug("job done", metadata: jobMetadata(completion.job).merging(["rows": "\(completion.result.rowsAffected)"]) { $1 })
        }
    }

    /// Records a failed attempt outside any transaction: a retry with backoff, or failed for good.
    private func recordFailure(of job: ClaimedJob, _ error: any Error, on connection: any JobStoreConnection) throws(DatabaseError) {
        let (reason, permanent) = Self.classify(error)
        try recordFailure(of: job, reason: reason, permanent: permanent, on: connection)
    }

    private func recordFailure(of job: ClaimedJob, reason: String, permanent: Bool, on connection: any JobStoreConnection) throws(DatabaseError) {
        let now = pool.timeSource.override
        if permanent || job.attempt >= job.maxAttempts {
            let finalReason = permanent ? reason : "\(reason) (attempt \(job.attempt) of \(job.maxAttempts))"
            if try connection.fail(job.jid, worker: id, reason: finalReason, now: now) {
                pool.metrics.failed(job).increment()
                logger.error("job failed", metadata: jobMetadata(job).merging(["reason": "\(finalReason)"]) { $1 })
            }
        } else {
            let delay = pool.configuration.retryBackoff.delay(afterAttempt: job.attempt)
            if try connection.retry(job.jid, worker: id, after: delay, reason: reason, now: now) {
                pool.metrics.retried(job).increment()
                logger.warning("job attempt failed; retrying", metadata: jobMetadata(job).merging(["reason": "\(reason)", "retry_in": "\(delay.humanReadable)"]) { $1 })
            }
        }
    }

    /// The stored reason of an error, and whether retrying cannot help.
    static func classify(_ error: any Error) -> (reason: String, permanent: Bool) {
        switch error {
        case let failure as JobFailure:
            return (failure.reason, failure.isPermanent)
        case let error as DatabaseError:
            return ("\(error.code): \(error.message)", !error.isTransient)
        default:
            // An unknown error's description might carry data; store only its type.
            return ("work_failed: unexpected \(type(of: error))", false)
        }
    }

    /// After a lost connection: returns the batch that was in flight to the queue at once.
    /// A job that committed before the connection broke is gone from the queue and is not touched.
    private func reschedule(_ jobs: [ClaimedJob], on connection: any JobStoreConnection) throws(DatabaseError) {
        for job in jobs {
            _ = try connection.retry(job.jid, worker: id, after: .zero, reason: "connection_lost: the worker's database connection broke", now: pool.timeSource.override)
        }
        logger.info("returned in-flight jobs to the queue after reconnecting", metadata: ["jobs": "\(jobs.count)"])
    }

    /// On an interrupted shutdown: hands unfinished jobs back without counting the attempt.
    private func releaseOnExit(_ jobs: [ClaimedJob]) {
        do {
            let connection = try pool.store.connect()
            defer { connection.database.close() }
            let released = try connection.release(jobs.map(\.jid), worker: id)
            logger.info("released unfinished jobs on shutdown", metadata: ["jobs": "\(released)"])
        } catch {
            logger.warning("could not release unfinished jobs; their leases will expire and they will be rescued", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Connection

    private func connected() throws(DatabaseError) -> any JobStoreConnection {
        if let connection, !connection.database.isBroken { return connection }
        disconnect()
        let fresh = try pool.store.connect()
        connection = fresh
        interruptible.withLock { $0 = InterruptTarget(connection: fresh.database) }
        return fresh
    }

    private func disconnect() {
        interruptible.withLock { $0 = nil }
        connection?.database.close()
        connection = nil
    }

    private func jobMetadata(_ job: ClaimedJob) -> Logger.Metadata {
        ["jid": "\(job.jid)", "kind": "\(job.kind.rawValue)", "attempt": "\(job.attempt)"]
    }
}

/// A connection another thread may interrupt; its owner worker keeps every other use to itself.
private struct InterruptTarget: @unchecked Sendable {
    let connection: any DatabaseConnection
}
