import Foundation
import Logging
import Metrics
import Synchronization

/// One worker thread of the pool.
///
/// **Fast path**, for every batch: one transaction takes up to `batchSize` eligible jobs out of the
/// queue in one statement (`DELETE … FOR UPDATE SKIP LOCKED … RETURNING`), runs the handler,
/// writes the audit records and commits. Each job costs one delete and one audit insert. If the
/// worker dies, its transaction aborts and the jobs are back in the queue, claimable at once.
///
/// A batch whose handler fails is rolled back to a savepoint and redone job by job in the same
/// transaction, still holding every row lock: good jobs complete, and the failing one gets its
/// attempt counted and a retry with backoff, or fails for good.
///
/// **Durable path**, for a job too large for a shared transaction: it is claimed under a lease
/// with its attempt committed, then processed in transactions of its own with checkpoints.
///
/// The worker owns its connection and touches it only from its own Dispatch queue; the one
/// cross-thread call is `interrupt()`, which libpq and SQLite both allow from another thread.
final class Worker: @unchecked Sendable {
    let id: String
    private unowned let pool: WorkerPool
    private var connection: (any JobStoreConnection)?
    /// Durably claimed jobs whose transaction died with the connection, to return to the queue.
    private var orphans: [ClaimedJob] = []
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
        var failures = 0
        while pool.isRunning || !orphans.isEmpty {
            do {
                let connection = try connected()
                try rescheduleOrphans(on: connection)
                guard pool.isRunning else { break }
                failures = 0
                let seen = pool.wakeSignal.current
                if try processBatch(on: connection) == 0 {
                    if pool.configuration.exitWhenIdle { break }
                    pool.wakeSignal.wait(after: seen, timeout: pool.configuration.pollInterval)
                }
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

    // MARK: Fast path

    /// Claims and finishes one batch in one transaction; returns how many jobs it took.
    /// Throws only when the connection broke or the shutdown deadline passed.
    private func processBatch(on connection: any JobStoreConnection) throws -> Int {
        let database = connection.database
        let started = Date()
        var alone: [ClaimedJob] = []
        do {
            try database.begin()
            let claimStarted = ContinuousClock.now
            let jobs = try connection.claimBatch(request)
            pool.metrics.claimDuration.recordNanoseconds(Int64((ContinuousClock.now - claimStarted).seconds * 1_000_000_000))
            guard !jobs.isEmpty else {
                database.rollback()
                return 0
            }
            pool.metrics.claimed.increment(by: jobs.count)
            pool.metrics.batchSize.record(jobs.count)
            let ownership = JobOwnership.taken(by: id)
            var completions: [JobCompletion] = []
            do {
                completions = try database.savepoint("gdpr_batch") {
                    try finish(jobs, ownership: ownership, startedAt: started, mayCheckpoint: false, on: connection)
                }
            } catch {
                // The savepoint undid the batch's work, but the transaction still holds every job it
                // took, so each job can be redone and its failure counted with no other worker able
                // to take it in between.
                if Self.isFatal(error, connection) || pool.isAborting { throw error }
                logger.debug("batch failed; redoing its jobs one at a time", metadata: ["jobs": "\(jobs.count)", "error": "\(error)"])
                for job in jobs {
                    do {
                        if jobs.count == 1 { throw error }
                        completions += try database.savepoint("gdpr_job") {
                            try finish([job], ownership: ownership, startedAt: started, mayCheckpoint: false, on: connection)
                        }
                    } catch let failure as JobFailure where failure.code == .needsOwnTransaction {
                        // The claim deleted the job's row in this transaction: put it back, attempt
                        // uncounted, so that committing the batch does not commit the job away
                        // before it is claimed again, durably, below.
                        var uncounted = job
                        uncounted.attempt -= 1
                        guard try connection.retry(uncounted, ownership: ownership, after: .zero, reason: failure.description, now: pool.timeSource.override)
                        else { throw DatabaseError(.conflict, "a job that must run alone could not be returned to the queue") }
                        alone.append(job)
                    } catch {
                        if Self.isFatal(error, connection) || pool.isAborting { throw error }
                        let (reason, permanent) = Self.classify(error)
                        try recordFailure(of: job, reason: reason, permanent: permanent, ownership: ownership, on: connection)
                    }
                }
            }
            try database.commit()
            recordDone(completions, startedAt: started)
            // Jobs too large for a shared transaction go alone, durably, once the batch has let them go.
            for job in alone where !pool.isAborting {
                try processDurably(job.jid, on: connection)
            }
            return jobs.count
        } catch {
            // An aborted transaction leaves its jobs pending and unlocked, their attempts uncounted.
            database.rollback()
            throw error
        }
    }

    // MARK: Durable path

    /// Claims one job under a lease, processes it alone, and records a failure with backoff.
    private func processDurably(_ jid: JobID, on connection: any JobStoreConnection) throws {
        let database = connection.database
        guard let job = try connection.claim(jid, worker: id, lease: pool.configuration.lease, now: pool.timeSource.override) else {
            return  // another worker took it meanwhile
        }
        do {
            try database.begin()
            guard try connection.lockOwned([job.jid], worker: id).contains(job.jid) else {
                database.rollback()
                logger.warning("job was rescued from this worker before it started; skipping it", metadata: jobMetadata(job))
                return
            }
            let started = Date()
            let completions = try finish([job], ownership: .leased(by: id), startedAt: started, mayCheckpoint: true, on: connection)
            try database.commit()
            recordDone(completions, startedAt: started)
        } catch {
            database.rollback()
            if Self.isFatal(error, connection) {
                orphans.append(job)
                throw error
            }
            if pool.isAborting {
                _ = try? connection.release([job.jid], worker: id)
                throw error
            }
            let (reason, permanent) = Self.classify(error)
            try recordFailure(of: job, reason: reason, permanent: permanent, ownership: .leased(by: id), on: connection)
        }
    }

    // MARK: Shared

    /// Runs the handler on jobs whose rows this transaction holds and records every outcome; the
    /// caller commits.
    @discardableResult
    private func finish(
        _ jobs: [ClaimedJob], ownership: JobOwnership, startedAt: Date, mayCheckpoint: Bool, on connection: any JobStoreConnection
    ) throws -> [JobCompletion] {
        let database = connection.database
        let context = JobContext(
            connection: database, logger: logger, worker: id, now: pool.timeSource.override, isAlone: mayCheckpoint,
            commitAndReopen: { [id] in
                try database.commit()
                try database.begin()
                guard try connection.lockOwned(jobs.map(\.jid), worker: id).count == jobs.count else {
                    throw DatabaseError(.conflict, "the job's lease was lost between checkpoints")
                }
            })
        let outcomes = try pool.handler.process(jobs, in: context)
        var completions: [JobCompletion] = []
        for job in jobs {
            switch outcomes[job.jid] {
            case .done(let result):
                completions.append(
                    JobCompletion(job: job, keyHash: pool.hasher.hash(job.customerKey, tenant: job.tenant), result: result, startedAt: startedAt))
            case .failed(let failure):
                try recordFailure(of: job, reason: failure.reason, permanent: failure.isPermanent, ownership: ownership, on: connection)
            case nil:
                throw JobFailure(.workFailed, "the handler reported no outcome for a job", permanent: false)
            }
        }
        let finished = try connection.complete(completions, ownership: ownership, now: pool.timeSource.override)
        guard finished == completions.count else {
            throw DatabaseError(.conflict, "\(completions.count - finished) jobs were taken by another worker before completion")
        }
        return completions
    }

    /// Counts committed completions in the metrics and the log.
    private func recordDone(_ completions: [JobCompletion], startedAt: Date) {
        pool.recordCompletions(completions.count)
        let elapsed = Int64(Date().timeIntervalSince(startedAt) * 1_000_000_000)
        for completion in completions {
            pool.metrics.done(completion.job).increment()
            pool.metrics.duration(completion.job).recordNanoseconds(elapsed)
            logger.debug("job done", metadata: jobMetadata(completion.job).merging(["rows": "\(completion.result.rowsAffected)"]) { $1 })
        }
    }

    /// Records a failed attempt: a retry with backoff, or failed for good.
    private func recordFailure(
        of job: ClaimedJob, reason: String, permanent: Bool, ownership: JobOwnership, on connection: any JobStoreConnection
    ) throws(DatabaseError) {
        let now = pool.timeSource.override
        if permanent || job.attempt >= job.maxAttempts {
            let finalReason = permanent ? reason : "\(reason) (attempt \(job.attempt) of \(job.maxAttempts))"
            if try connection.fail(job, ownership: ownership, reason: finalReason, now: now) {
                pool.metrics.failed(job).increment()
                logger.error("job failed", metadata: jobMetadata(job).merging(["reason": "\(finalReason)"]) { $1 })
            }
        } else {
            let delay = pool.configuration.retryBackoff.delay(afterAttempt: job.attempt)
            if try connection.retry(job, ownership: ownership, after: delay, reason: reason, now: now) {
                pool.metrics.retried(job).increment()
                logger.warning(
                    "job attempt failed; retrying",
                    metadata: jobMetadata(job).merging(["reason": "\(reason)", "retry_in": "\(delay.humanReadable)"]) { $1 })
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

    /// Whether an error ends this connection's usefulness, so the worker must reconnect.
    private static func isFatal(_ error: any Error, _ connection: any JobStoreConnection) -> Bool {
        (error as? DatabaseError)?.isConnectionBroken == true || connection.database.isBroken
    }

    private var request: ClaimRequest {
        ClaimRequest(
            worker: id, limit: pool.configuration.batchSize, lease: pool.configuration.lease, cutoff: pool.cutoff, now: pool.timeSource.override)
    }

    /// After a lost connection: returns durably claimed jobs that were in flight to the queue at once.
    /// A job that committed before the connection broke is gone from the queue and is not touched.
    private func rescheduleOrphans(on connection: any JobStoreConnection) throws(DatabaseError) {
        guard !orphans.isEmpty else { return }
        for job in orphans {
            _ = try connection.retry(
                job, ownership: .leased(by: id), after: .zero, reason: "connection_lost: the worker's database connection broke",
                now: pool.timeSource.override)
        }
        logger.info("returned in-flight jobs to the queue after reconnecting", metadata: ["jobs": "\(orphans.count)"])
        orphans = []
    }

    /// On an interrupted shutdown: hands durably claimed jobs back without counting the attempt.
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
