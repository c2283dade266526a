import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A pool of Dispatch worker threads that claim jobs in batches and run them through a handler.
///
/// libpq and libsqlite3 block, so every worker is a Dispatch queue of its own holding its own
/// connection; no blocking call ever runs on Swift's cooperative pool. Beside the workers, one
/// thread listens for new jobs (NOTIFY, or data_version on SQLite) and one keeps the leases of
/// in-flight jobs alive. On graceful shutdown the pool stops claiming, lets in-flight batches
/// finish within `shutdownTimeout`, then interrupts what is left and returns those jobs to the queue.
public final class WorkerPool: Service, @unchecked Sendable {
    public let configuration: Configuration
    /// The prefix of every worker id of this process: `host/pid/instance`.
    public let processID: String

    let store: any JobStore
    let handler: any JobHandler
    let hasher: AuditKeyHasher
    let logger: Logger
    let timeSource: TimeSource
    let metrics = WorkerMetrics()
    let wakeSignal = WakeSignal()

    private let phase = Mutex(Phase.idle)
    private let threads = DispatchGroup()
    private let workerThreads = DispatchGroup()
    /// Signalled once every worker has returned, which ends the upkeep thread.
    private let workersReturned = DispatchSemaphore(value: 0)
    /// Jobs completed since the queue table was last vacuumed.
    private let completedSinceVacuum = Atomic<Int>(0)
    private var workers: [Worker] = []
    /// The listener's current wake-up source, for `stop()` to interrupt its wait.
    private let wakeupSource = Mutex<(any JobWakeupSource)?>(nil)
    /// Opened once the process's presence is announced (or could not be): workers claim nothing
    /// before, so no rescuer takes a fresh claim for a dead process's.
    private let presenceAnnounced = DispatchSemaphore(value: 0)

    enum Phase: Equatable {
        case idle, running, stopping, aborting
    }

    public init(
        store: any JobStore, handler: any JobHandler, hasher: AuditKeyHasher, configuration: Configuration,
        logger: Logger, timeSource: TimeSource = .database
    ) {
        self.store = store
        self.handler = handler
        self.hasher = hasher
        self.configuration = configuration
        self.logger = logger
        self.timeSource = timeSource
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        processID = "\(host)/\(getpid())/\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// The cutoff claims use: the archive delay, plus the watermark when the data map archives.
    var cutoff: ArchiveCutoff {
        ArchiveCutoff(delay: configuration.archiveDelay, requiresWatermark: handler.requiresArchiveWatermark)
    }

    /// Whether workers should keep claiming.
    var isRunning: Bool { phase.withLock { $0 == .running } }
    /// Whether the shutdown deadline passed and in-flight work is being interrupted.
    var isAborting: Bool { phase.withLock { $0 == .aborting } }

    public func run() async throws {
        start()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await finished()
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
        logger.info("worker pool stopped")
    }

    /// Wakes idle workers at once, for jobs enqueued in this process (the HTTP API).
    public func wake() {
        wakeSignal.wakeAll()
    }

    /// Starts the threads. `run()` calls it; tests may call it and `stop()` directly.
    func start() {
        let started = phase.withLock { phase in
            guard phase == .idle else { return false }
            phase = .running
            return true
        }
        guard started else { return }
        workers = (0..<configuration.workers).map { Worker(pool: self, id: "\(processID)/w\($0)") }
        logger.info(
            "worker pool started",
            metadata: [
                "workers": "\(configuration.workers)", "batch_size": "\(configuration.batchSize)",
                "archive_delay": "\(configuration.archiveDelay.humanReadable)", "engine": "\(store.engine)",
            ])
        for worker in workers {
            workerThreads.enter()
            launch("worker \(worker.id)") { [workerThreads, presenceAnnounced] in
                presenceAnnounced.wait()
                presenceAnnounced.signal()
                worker.run()
                workerThreads.leave()
            }
        }
        workerThreads.notify(queue: .global()) { [workersReturned] in
            workersReturned.signal()
            // Workers that drained the queue end the pool, listener and upkeep included.
            self.stop()
        }
        launch("listener") { self.listen() }
        launch("upkeep") { self.upkeep() }
    }

    /// Stops claiming; in-flight batches get `shutdownTimeout` to finish before they are interrupted.
    /// Graceful shutdown of the service group calls it; `run()` returns once every thread is done.
    public func stop() {
        let changed = phase.withLock { phase in
            guard phase == .running else { return false }
            phase = .stopping
            return true
        }
        guard changed else { return }
        wakeupSource.withLock { $0?.interrupt() }
        logger.info(
            "worker pool stopping: no new claims; waiting for in-flight jobs",
            metadata: ["timeout": "\(configuration.shutdownTimeout.humanReadable)"])
        wakeSignal.wakeAll()
        DispatchQueue.global().asyncAfter(deadline: .now() + configuration.shutdownTimeout.seconds) { [self] in
            let aborting = phase.withLock { phase in
                guard phase == .stopping else { return false }
                phase = .aborting
                return true
            }
            guard aborting else { return }
            logger.warning("shutdown timeout passed: interrupting in-flight jobs and returning them to the queue")
            workers.forEach { $0.interrupt() }
        }
    }

    /// Counts finished jobs towards the next VACUUM of the queue table.
    func recordCompletions(_ count: Int) {
        completedSinceVacuum.add(count, ordering: .relaxed)
    }

    /// Resumes once every thread has returned.
    private func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            threads.notify(queue: .global()) { continuation.resume() }
        }
        phase.withLock { $0 = .idle }
    }

    private func launch(_ name: String, _ body: @escaping @Sendable () -> Void) {
        threads.enter()
        DispatchQueue(label: "gdpr-worker.\(name)").async { [threads] in
            body()
            threads.leave()
        }
    }

    /// Sleeps up to `duration`, returning early when the pool stops.
    func pause(_ duration: Duration) {
        let seen = wakeSignal.current
        guard isRunning else { return }
        wakeSignal.wait(after: seen, timeout: duration)
    }

    // MARK: Listener and lease keeper

    private func listen() {
        var failures = 0
        while isRunning {
            do {
                let source = try store.makeWakeupSource()
                // Registered before `isRunning` is read again, so a stop either finds it to
                // interrupt or is seen by the loop below.
                wakeupSource.withLock { $0 = source }
                defer {
                    wakeupSource.withLock { $0 = nil }
                    source.close()
                }
                failures = 0
                // Jobs inserted before the source was listening sent wake-ups nobody heard: look now.
                wakeSignal.wakeAll()
                while isRunning {
                    if try source.wait(timeout: min(configuration.pollInterval, .seconds(1))) { wakeSignal.wakeAll() }
                }
            } catch {
                failures += 1
                logger.warning(
                    "job listener lost its connection; workers poll until it is back", metadata: ["error": "\(error)"])
                pause(configuration.reconnectBackoff.delay(afterAttempt: failures))
            }
        }
    }

    /// How often the upkeep thread checks that the process's presence is still held.
    static let presenceCheckInterval: Duration = .seconds(2)

    /// Announces this process's presence, so rescuers leave its jobs alone; nil while the database
    /// is unreachable (the workers cannot claim then either, and the next check tries again).
    private func announcePresence() -> (any WorkerPresence)? {
        do {
            return try store.announcePresence(processID: processID)
        } catch {
            logger.warning("cannot announce the worker process's presence; retrying", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Upkeep for as long as any worker runs, shutdown included:
    /// - holds the process's presence, which tells rescuers its jobs are in live hands;
    /// - extends the leases of this pool's jobs every third of a lease, so that a job being worked
    ///   on stays this worker's however long it takes (a row a checkpoint locked is skipped: its
    ///   worker renewed the lease when it took the row);
    /// - VACUUMs the queue table once `vacuumThreshold` jobs have finished since the last time.
    ///   Finished jobs leave dead entries at the head of the claim index, and autovacuum wakes
    ///   only once a minute: at thousands of jobs a second, claims would walk ever more of them.
    private func upkeep() {
        let tick: Duration = .milliseconds(250)
        let leaseInterval = configuration.lease / 3
        var sinceLeases: Duration = .zero
        var sincePresence: Duration = .zero
        var connection: (any JobStoreConnection)?
        var presence = announcePresence()
        presenceAnnounced.signal()
        defer {
            connection?.database.close()
            presence?.close()
        }
        while workersReturned.wait(timeout: .now() + tick.seconds) == .timedOut {
            sinceLeases += tick
            sincePresence += tick
            if sincePresence >= Self.presenceCheckInterval {
                sincePresence = .zero
                if presence?.isHeld != true {
                    presence?.close()
                    presence = announcePresence()
                }
            }
            let vacuumDue =
                configuration.vacuumThreshold > 0
                && completedSinceVacuum.load(ordering: .relaxed) >= configuration.vacuumThreshold
            let leasesDue = sinceLeases >= leaseInterval
            guard vacuumDue || leasesDue else { continue }
            do {
                if connection == nil || connection?.database.isBroken == true {
                    connection?.database.close()
                    connection = try store.connect()
                }
                if leasesDue {
                    sinceLeases = .zero
                    _ = try connection?.extendLeases(
                        workers: workers.map(\.id), lease: configuration.lease, now: timeSource.override)
                }
                if vacuumDue {
                    completedSinceVacuum.store(0, ordering: .relaxed)
                    try connection?.vacuumQueue()
                }
            } catch {
                logger.warning("queue upkeep failed; retrying", metadata: ["error": "\(error)"])
                connection?.database.close()
                connection = nil
            }
        }
    }
}
