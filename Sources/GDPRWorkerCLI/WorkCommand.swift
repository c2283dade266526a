import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Logging
import ServiceLifecycle
import UnixSignals

struct WorkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Run the worker pool: claim eligible jobs and erase, anonymise or export.",
        discussion: """
            Runs until SIGTERM or SIGINT, then stops claiming, lets in-flight jobs finish within --shutdown-timeout and
            exits 0. With --drain, exits once no job is eligible. Refuses to start on a data map that fails `check`.
            """
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var worker: WorkerOptions
    @OptionGroup var notify: NotifyOptions

    @Flag(help: "Process every job eligible now, then exit.")
    var drain = false

    func run() async throws {
        let logger = try options.bootstrapLogging()
        let store = try options.store()
        let poolConfiguration = try worker.poolConfiguration(
            engine: store.engine, archiveDelay: try options.resolvedArchiveDelay(), exitWhenIdle: drain)
        let runtime = try WorkerRuntime.prepare(
            options: options, exports: try worker.exports.configuration(), logger: logger)
        let pool = runtime.makePool(poolConfiguration)
        let maintenance = runtime.makeMaintenance()
        // A drain must not stop at jobs a dead process still holds: rescue them first.
        if drain { await maintenance.rescueOnce() }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // A pool that drained the queue ends the process; otherwise it only returns on shutdown.
            .init(service: pool, successTerminationBehavior: drain ? .gracefullyShutdownGroup : .cancelGroup),
            .init(service: maintenance),
        ]
        if !drain { services.append(.init(service: runtime.makePreviews())) }
        if let dispatcher = try notify.makeDispatcher(store: runtime.store, hasher: runtime.hasher, logger: logger) {
            services.append(.init(service: dispatcher))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
