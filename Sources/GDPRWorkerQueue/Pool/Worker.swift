import Foundation
import Logging
import Metrics
import Synchronization

/// One worker thread of the pool.
///
/// Each round claims up to `batchSize` eligible jobs in one statement that commits at once: the
/// jobs are marked running under the worker's lease and their attempt is counted, so an attempt
/// that dies with its worker, a crash or a kill -9 included, is charged, and the rescuer returns
/// the job when the lease expires. The claimed jobs are then worked in transactions that each
/// hold their jobs' queue rows, do the erasure, and write the audit records, which are the jobs'
/// done status: erasure, status and proof commit together or not at all.
///
/// **Isolation.** A transaction takes jobs of one kind and mode only, which keeps one lock order
/// (`ErasurePlanner.steps`). A job on its second attempt or later runs alone: a job that killed
/// its worker cannot take a batch down with it again. A transaction that fails is split in two
/// and each half tried on its own, down to the single job whose failure is then recorded, so one
/// bad job never holds back the others.
///
/// The worker owns its connection and touches it only from its own Dispatch queue; the one
/// cross-thread call is `interrupt()`, which libpq and SQLite both allow from another thread.
final class Worker: @unchecked Sendable {
    let id: String
    private unowned let pool: WorkerPool
    private var connection: (any JobStoreConnection)?
    /// Jobs whose attempt the connection's loss cut off: back to the queue on reconnect, counted.
    private var orphans: [ClaimedJob] = []
    /// Claimed jobs whose work has not started: handed back uncounted when the worker stops.
    private var unstarted: [ClaimedJob] = []
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
        while pool.isRunning || !orphans.isEmpty || !unstarted.isEmpty {
            do {
                let connection = try connected()
                try returnOrphans(on: connection)
                try releaseUnstarted(on: connection)
                guard pool.isRunning else { break }
                let seen = pool.wakeSignal.current
                let claimed = try round(on: connection)
                // Only a round that worked resets the backoff: reconnecting alone proves nothing.
                failures = 0
                if claimed == 0 {
                    if pool.configuration.exitWhenIdle { break }
                    pool.wakeSignal.wait(after: seen, timeout: pool.configuration.pollInterval)
                }
            } catch {
                failures += 1
                let lost = connection?.database.isBroken ?? true
                if lost { disconnect() }
                if pool.isAborting { break }
                logger.warning(
                    lost
                        ? "worker lost the database; reconnecting with backoff"
                        : "worker round failed; retrying with backoff",
                    metadata: ["error": "\(error)", "failures": "\(failures)"])
                pool.metrics.reconnects.increment()
                Thread.sleep(forTimeInterval: pool.configuration.reconnectBackoff.delay(afterAttempt: failures).seconds)
                if !pool.isRunning && failures > 3 { break }
            }
        }
        if !orphans.isEmpty || !unstarted.isEmpty { handBackOnExit() }
        disconnect()
    }

    /// Interrupts the statement in flight, from another thread, when the shutdown deadline passes.
    func interrupt() {
        interruptible.withLock { $0?.connection.interrupt() }
    }

    // MARK: Rounds

    /// Claims a batch and works it; returns how many jobs it claimed.
    private func round(on connection: any JobStoreConnection) throws -> Int {
        let claimStarted = ContinuousClock.now
        let jobs = try connection.claim(request)
        pool.metrics.claimDuration.recordNanoseconds(
            Int64((ContinuousClock.now - claimStarted).seconds * 1_000_000_000))
        guard !jobs.isEmpty else { return 0 }
        pool.metrics.claimed.increment(by: jobs.count)
        pool.metrics.batchSize.record(jobs.count)
        unstarted = jobs
        for unit in Self.units(of: jobs) {
            guard pool.isRunning else { break }
            try process(unit, on: connection)
        }
        try releaseUnstarted(on: connection)
        return jobs.count
    }

    /// The claimed jobs in the units that share a transaction: each retried job alone, the rest by
    /// kind and mode (exports first, so an export claimed with a removal of the same customer
    /// still sees the data; then deletes, then anonymisations).
    static func units(of jobs: [ClaimedJob]) -> [[ClaimedJob]] {
        let retried = jobs.filter { $0.attempt > 1 }.map { [$0] }
        let fresh = jobs.filter { $0.attempt <= 1 }
        let groups = [
            fresh.filter { $0.kind == .export }, fresh.filter { $0.kind == .remove && $0.mode == .delete },
            fresh.filter { $0.kind == .remove && $0.mode == .anonymise },
        ]
        return groups.filter { !$0.isEmpty } + retried
    }

    /// Works jobs in one transaction; on failure, splits them and tries each part on its own, down
    /// to single jobs, whose failure is then recorded: in halves, or at once into single jobs when
    /// a lock could not be had in time. Throws only when the connection broke or
    /// the shutdown deadline passed.
    private func process(_ jobs: [ClaimedJob], on connection: any JobStoreConnection) throws {
        let jids = Set(jobs.map(\.jid))
        unstarted.removeAll { jids.contains($0.jid) }
        do {
            try work(jobs, on: connection)
        } catch {
            if connection.database.isBroken {
                orphans += jobs
                throw error
            }
            if pool.isAborting {
                unstarted += jobs
                throw error
            }
            if let large = error as? NeedsOwnTransaction, jobs.count > 1 {
                let rest = jobs.filter { !large.jids.contains($0.jid) }
                logger.debug(
                    "jobs too large for a shared transaction run alone",
                    metadata: ["jobs": "\(jobs.count - rest.count)"])
                if !rest.isEmpty { try process(rest, on: connection) }
                for job in jobs where large.jids.contains(job.jid) { try process([job], on: connection) }
            } else if jobs.count > 1, (error as? DatabaseError)?.code == .busy {
                // A row held locked (by the application, past lock_timeout): halving would wait
                // out the timeout once per level; alone, only the held job's transaction waits.
                logger.debug(
                    "a transaction of jobs waited too long for a lock; running each job alone",
                    metadata: ["jobs": "\(jobs.count)"])
                for job in jobs { try process([job], on: connection) }
            } else if jobs.count > 1 {
                logger.debug(
                    "a transaction of jobs failed; trying each half alone",
                    metadata: ["jobs": "\(jobs.count)", "error": "\(error)"])
                let half = jobs.count / 2
                try process(Array(jobs[..<half]), on: connection)
                try process(Array(jobs[half...]), on: connection)
            } else {
                let (reason, permanent) = Self.classify(error)
                try connection.database.transaction {
                    try recordFailure(of: jobs[0], reason: reason, permanent: permanent, on: connection)
                }
            }
        }
    }

    /// One transaction: runs the handler, records every outcome, commits. The jobs' rows are not
    /// locked meanwhile: the upkeep thread keeps their leases alive, and completion removes a job
    /// only while its lease is still this worker's, or the whole transaction is undone.
    private func work(_ jobs: [ClaimedJob], on connection: any JobStoreConnection) throws {
        let database = connection.database
        let started = Date()
        let hooks = TransactionHooks()
        try database.begin()
        do {
            let completions = try finish(jobs, startedAt: started, hooks: hooks, on: connection)
            try database.commit()
            hooks.committed()
            recordDone(completions, startedAt: started)
        } catch {
            database.rollback()
            hooks.rolledBack()
            throw error
        }
    }

    /// At a checkpoint: locks the jobs' rows and renews their leases; returns the jobs still this
    /// worker's. A checkpoint commits part of the work, so the job must still be ours to go on.
    private func holdLeases(
        _ jobs: [ClaimedJob], on connection: any JobStoreConnection
    ) throws(DatabaseError) -> [ClaimedJob] {
        let held = try connection.holdLeases(
            jobs.map(\.jid), worker: id, lease: pool.configuration.lease, now: pool.timeSource.override)
        return jobs.filter { held.contains($0.jid) }
    }

    /// Runs the handler on jobs this transaction holds and records every outcome; the caller commits.
    private func finish(
        _ jobs: [ClaimedJob], startedAt: Date, hooks: TransactionHooks, on connection: any JobStoreConnection
    ) throws -> [JobCompletion] {
        let database = connection.database
        let context = JobContext(
            connection: database, logger: logger, worker: id, now: pool.timeSource.override, isAlone: jobs.count == 1,
            transaction: hooks,
            commitAndReopen: { [self] erased in
                let job = jobs[0]
                let erasedSoFar = JobResult(tables: erased).adding(job.erasedSoFar).tablesJSON
                guard try connection.recordProgress(job.jid, worker: id, erasedSoFar: erasedSoFar) else {
                    throw DatabaseError(.conflict, "the job's lease was lost before a checkpoint")
                }
                try database.commit()
                database.yieldWriteLock()
                try database.begin()
                guard try holdLeases(jobs, on: connection).count == jobs.count else {
                    throw DatabaseError(.conflict, "the job's lease was lost between checkpoints")
                }
            })
        let outcomes = try pool.handler.process(jobs, in: context)
        var completions: [JobCompletion] = []
        for job in jobs {
            switch outcomes[job.jid] {
            case .done(let result):
                completions.append(
                    JobCompletion(
                        job: job, keyHash: pool.hasher.hash(job.customerKey, tenant: job.tenant),
                        result: result.adding(job.erasedSoFar),
                        startedAt: startedAt))
            case .failed(let failure):
                try recordFailure(of: job, reason: failure.reason, permanent: failure.isPermanent, on: connection)
            case nil:
                throw JobFailure(.workFailed, "the handler reported no outcome for a job", permanent: false)
            }
        }
        let finished = try connection.complete(completions, worker: id, now: pool.timeSource.override)
        guard finished == completions.count else {
            throw DatabaseError(
                .conflict, "\(completions.count - finished) jobs were taken by another worker before completion")
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
            logger.debug(
                "job done",
                metadata: jobMetadata(completion.job).merging(["rows": "\(completion.result.rowsAffected)"]) { $1 })
        }
    }

    /// Records a failed attempt: a retry with backoff, or failed for good.
    private func recordFailure(
        of job: ClaimedJob, reason: String, permanent: Bool, on connection: any JobStoreConnection
    ) throws(DatabaseError) {
        let now = pool.timeSource.override
        if permanent || job.attempt >= job.maxAttempts {
            let finalReason = permanent ? reason : "\(reason) (attempt \(job.attempt) of \(job.maxAttempts))"
            if try connection.fail(job, worker: id, reason: finalReason, now: now) {
                pool.metrics.failed(job).increment()
                logger.error("job failed", metadata: jobMetadata(job).merging(["reason": "\(finalReason)"]) { $1 })
            }
        } else {
            let delay = pool.configuration.retryBackoff.delay(afterAttempt: job.attempt)
            if try connection.retry(job, worker: id, after: delay, reason: reason, now: now) {
                pool.metrics.retried(job).increment()
                logger.warning(
                    "job attempt failed; retrying",
                    metadata: jobMetadata(job).merging(["reason": "\(reason)", "retry_in": "\(delay.humanReadable)"]) {
                        $1
                    })
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
        case let error as any JobFailureConvertible:
            return (error.jobFailure.reason, error.jobFailure.isPermanent)
        default:
            // An unknown error's description might carry data; store only its type.
            return ("work_failed: unexpected \(type(of: error))", false)
        }
    }

    private var request: ClaimRequest {
        ClaimRequest(
            worker: id, limit: pool.configuration.batchSize, lease: pool.configuration.lease, cutoff: pool.cutoff,
            now: pool.timeSource.override)
    }

    // MARK: Jobs cut off

    /// After a lost connection: returns the jobs whose attempt it cut off to the queue at once,
    /// their attempt counted (failed if it was their last). A job that committed before the
    /// connection broke is gone from the queue and is not touched.
    private func returnOrphans(on connection: any JobStoreConnection) throws(DatabaseError) {
        guard !orphans.isEmpty else { return }
        for job in orphans {
            let reason = "connection_lost: the worker's database connection broke"
            if job.attempt >= job.maxAttempts {
                try recordFailure(of: job, reason: reason, permanent: false, on: connection)
            } else {
                _ = try connection.retry(job, worker: id, after: .zero, reason: reason, now: pool.timeSource.override)
            }
        }
        logger.info("returned in-flight jobs to the queue after reconnecting", metadata: ["jobs": "\(orphans.count)"])
        orphans = []
    }

    /// Hands claimed jobs whose work never started back to the queue, their attempt uncounted.
    private func releaseUnstarted(on connection: any JobStoreConnection) throws(DatabaseError) {
        guard !unstarted.isEmpty else { return }
        _ = try connection.release(unstarted.map(\.jid), worker: id)
        unstarted = []
    }

    /// On shutdown with jobs still held: hands them back on a fresh connection.
    private func handBackOnExit() {
        do {
            let connection = try pool.store.connect()
            defer { connection.database.close() }
            try returnOrphans(on: connection)
            let count = unstarted.count
            try releaseUnstarted(on: connection)
            logger.info("released unfinished jobs on shutdown", metadata: ["jobs": "\(count)"])
        } catch {
            logger.warning(
                "could not hand back unfinished jobs; their leases will expire and they will be rescued",
                metadata: ["error": "\(error)"])
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
