import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// Options of the commands that run the worker pool: `work` and `serve`.
struct WorkerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Worker threads, each with its own connection (default: 4 on PostgreSQL, 1 on SQLite).", valueName: "n"))
    var workers: Int?

    @Option(
        name: .customLong("batch-size"),
        help: ArgumentHelp("Jobs claimed and finished per transaction.", valueName: "n"))
    var batchSize: Int = WorkerPool.Configuration.defaultBatchSize

    @Option(
        help: ArgumentHelp(
            "How long a job too large for a batch stays reserved without a heartbeat.", valueName: "duration"))
    var lease: String = WorkerPool.Configuration.defaultLease.humanReadable

    @Option(
        name: .customLong("shutdown-timeout"),
        help: ArgumentHelp("How long in-flight jobs get to finish after SIGTERM.", valueName: "duration"))
    var shutdownTimeout: String = WorkerPool.Configuration.defaultShutdownTimeout.humanReadable

    @Option(
        name: .customLong("poll-interval"),
        help: ArgumentHelp("How often idle workers look for work when no wake-up arrives.", valueName: "duration"))
    var pollInterval: String = WorkerPool.Configuration.defaultPollInterval.humanReadable

    @OptionGroup var exports: ExportOptions

    func poolConfiguration(
        engine: DatabaseEngine, archiveDelay: Duration, exitWhenIdle: Bool = false
    ) throws(InputError) -> WorkerPool.Configuration {
        guard (1...1_000).contains(batchSize) else {
            throw InputError(.invalidArgument, "--batch-size must be between 1 and 1000")
        }
        if let workers, !(1...256).contains(workers) {
            throw InputError(.invalidArgument, "--workers must be between 1 and 256")
        }
        var configuration = WorkerPool.Configuration.forEngine(engine)
        configuration.workers = workers ?? configuration.workers
        configuration.batchSize = batchSize
        configuration.lease = try Duration(parsing: lease)
        configuration.shutdownTimeout = try Duration(parsing: shutdownTimeout)
        configuration.pollInterval = try Duration(parsing: pollInterval)
        configuration.archiveDelay = archiveDelay
        configuration.exitWhenIdle = exitWhenIdle
        guard configuration.lease >= .seconds(3) else {
            throw InputError(.invalidArgument, "--lease must be at least 3s")
        }
        return configuration
    }
}
