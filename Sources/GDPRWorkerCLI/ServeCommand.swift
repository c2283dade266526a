import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerHTTP
import GDPRWorkerQueue
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API and the worker pool in one process.",
        discussion: """
            The Voyado-compatible job endpoints, the Azotte, loyalty and easycms front doors, /health, /health/ready
            and /metrics, with the worker pool beside them
            (unless --no-worker). SIGTERM stops claiming and new connections, lets in-flight jobs and requests finish,
            and exits 0.
            """
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var worker: WorkerOptions
    @OptionGroup var doors: FrontDoorOptions
    @OptionGroup var notify: NotifyOptions

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host"))
    var host = APIServer.Configuration.defaultHost

    @Option(help: ArgumentHelp("The port to listen on.", valueName: "port"))
    var port = APIServer.Configuration.defaultPort

    @Flag(name: .customLong("no-worker"), help: "Serve the API only; workers run elsewhere (`gdpr-worker work`).")
    var noWorker = false

    @Option(help: ArgumentHelp("Database connections for HTTP requests.", valueName: "n"))
    var connections = APIServer.Configuration.defaultConnections

    func run() async throws {
        let logger = try options.bootstrapLogging()
        guard (1...65535).contains(port) else {
            throw InputError(.invalidArgument, "--port must be between 1 and 65535")
        }
        guard (1...256).contains(connections) else {
            throw InputError(.invalidArgument, "--connections must be between 1 and 256")
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let store = try options.store()
        let archiveDelay = try options.resolvedArchiveDelay()
        let exports = try worker.exports.configuration()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let frontDoors = try doors.configuration()
        var requiresWatermark = false
        var dataMap: DataMap?
        var previewer: ErasureJobHandler?
        let auditHasher: AuditKeyHasher
        var onEnqueue: @Sendable () -> Void = {}
        if noWorker {
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            auditHasher = try AuditCommand.hasher(connection)
            if let path = options.resolvedDataMapPath() {
                dataMap = try DataMap(contentsOf: path)
                previewer = dataMap.map { ErasureJobHandler(dataMap: $0) }
                requiresWatermark = dataMap?.requiresArchiveWatermark ?? false
            }
        } else {
            let runtime = try WorkerRuntime.prepare(options: options, exports: exports, logger: logger)
            let pool = runtime.makePool(try worker.poolConfiguration(engine: store.engine, archiveDelay: archiveDelay))
            requiresWatermark = runtime.handler.requiresArchiveWatermark
            dataMap = runtime.handler.dataMap
            previewer = runtime.handler
            auditHasher = runtime.hasher
            onEnqueue = { pool.wake() }
            services += [
                .init(service: pool), .init(service: runtime.makeMaintenance()), .init(service: runtime.makePreviews()),
            ]
        }
        let application = APIServer.makeApplication(
            configuration: .init(
                host: host, port: port, archiveDelay: archiveDelay, requiresArchiveWatermark: requiresWatermark,
                frontDoors: frontDoors),
            database: BlockingConnectionPool(store: store, size: connections, label: "http"),
            exports: ExportStore(configuration: exports),
            registry: registry, subjects: dataMap.map(SubjectLookup.init(map:)), auditHasher: auditHasher,
            previewer: previewer, logger: logger, onEnqueue: onEnqueue)
        services.insert(.init(service: application), at: 0)
        if let dispatcher = try notify.makeDispatcher(store: store, hasher: auditHasher, logger: logger) {
            services.append(.init(service: dispatcher))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
