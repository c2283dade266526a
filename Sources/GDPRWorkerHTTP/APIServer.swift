import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerSchema
import Hummingbird
import Logging
import Prometheus

/// Builds the HTTP API: the Voyado-compatible job endpoints, health, metrics and the OpenAPI document.
///
/// The application is a swift-service-lifecycle `Service`; `gdpr-worker serve` runs it in one
/// service group with the worker pool. Every database call goes through a
/// `BlockingConnectionPool`, so no blocking libpq or SQLite call ever runs on an event loop.
public enum APIServer {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The archive delay, to tell clients when a waiting job becomes eligible.
        public var archiveDelay: Duration
        public var requiresArchiveWatermark: Bool
        /// How long a key lookup is trusted: a revoked key stops working within this time.
        public var apiKeyCacheTTL: Duration
        /// How many finished jobs' statuses are kept in memory for pollers.
        public var statusCacheCapacity: Int
        /// How the seed systems' front doors run their jobs.
        public var frontDoors: FrontDoorConfiguration

        public static let defaultHost = "127.0.0.1"
        public static let defaultPort = 8080
        /// Database connections the HTTP requests share.
        public static let defaultConnections = 8

        public init(
            host: String = Configuration.defaultHost, port: Int = Configuration.defaultPort,
            archiveDelay: Duration = ArchiveCutoff.defaultDelay,
            requiresArchiveWatermark: Bool = false, apiKeyCacheTTL: Duration = .seconds(5),
            statusCacheCapacity: Int = 10_000, frontDoors: FrontDoorConfiguration = .init()
        ) {
            self.frontDoors = frontDoors
            self.host = host
            self.port = port
            self.archiveDelay = archiveDelay
            self.requiresArchiveWatermark = requiresArchiveWatermark
            self.apiKeyCacheTTL = apiKeyCacheTTL
            self.statusCacheCapacity = statusCacheCapacity
        }
    }

    /// The routes and the methods they accept, exactly as `schema/openapi.yaml` documents them.
    public static var routes: [String: [HTTPRequest.Method]] {
        JobRoutes.paths.merging(WebhookRoutes.paths) { $1 }.merging(AzotteRoutes.paths) { $1 }.merging(
            LoyaltyRoutes.paths
        ) { $1 }
        .merging(EasyCMSRoutes.paths) { $1 }
        .merging([
            ExportRoutes.path: [.get],
            "/health": [.get], "/health/ready": [.get], "/metrics": [.get], "/openapi.yaml": [.get],
        ]) { $1 }
    }

    /// `subjects` finds customers for the seed systems' front doors; without it (no data map)
    /// they answer that the server is not set up for them.
    public static func makeApplication(
        configuration: Configuration, database: BlockingConnectionPool, exports: ExportStore,
        registry: PrometheusCollectorRegistry, subjects: SubjectLookup? = nil, auditHasher: AuditKeyHasher? = nil,
        previewer: ErasureJobHandler? = nil,
        logger: Logger, timeSource: TimeSource = .database, onEnqueue: @escaping @Sendable () -> Void = {}
    ) -> some ApplicationProtocol {
        let router = makeRouter(
            configuration: configuration, database: database, exports: exports, registry: registry,
            subjects: subjects, auditHasher: auditHasher, previewer: previewer, timeSource: timeSource,
            onEnqueue: onEnqueue)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "gdpr-worker"),
            logger: logger)
    }

    static func makeRouter(
        configuration: Configuration, database: BlockingConnectionPool, exports: ExportStore,
        registry: PrometheusCollectorRegistry, subjects: SubjectLookup?, auditHasher: AuditKeyHasher?,
        previewer: ErasureJobHandler?, timeSource: TimeSource, onEnqueue: @escaping @Sendable () -> Void
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware(routes: routes))
        router.add(middleware: MetricsMiddleware())

        router.get("/health") { _, _ in
            Response.json(["status": "ok"])
        }
        router.get("/health/ready") { _, _ in
            let (version, conflicts) = try await database.withConnection { connection in
                (try connection.schemaVersion(), try connection.archiveConflicts())
            }
            guard let version else {
                throw APIError(
                    .serviceUnavailable, code: "schema_missing",
                    message: "the database has no gdpr-worker schema; run gdpr-worker migrate")
            }
            guard version >= Migration.latestVersion(for: database.store.engine) else {
                throw APIError(
                    .serviceUnavailable, code: "schema_outdated",
                    message: "the database schema is older than this binary; run gdpr-worker migrate")
            }
            // Still ready to serve: the API works; the sweep's problem is reported, not hidden.
            return Response.json(
                Readiness(
                    status: conflicts == nil ? "ok" : "degraded", database: "ok", schemaVersion: version,
                    archiveConflicts: conflicts?.rows))
        }

        let queueMetrics = QueueMetrics(registry: registry)
        let cutoff = ArchiveCutoff(
            delay: configuration.archiveDelay, requiresWatermark: configuration.requiresArchiveWatermark)
        router.get("/metrics") { _, context in
            do {
                let (statistics, conflicts, clock) = try await database.withConnection { connection in
                    (
                        try connection.statistics(cutoff: cutoff, now: timeSource.override),
                        try connection.archiveConflicts(), try connection.legalClock()
                    )
                }
                queueMetrics.update(statistics, archiveConflicts: conflicts?.total ?? 0)
                queueMetrics.updateLegalClock(clock)
            } catch {
                context.logger.warning("metrics could not read the queue", metadata: ["error": "\(error)"])
                queueMetrics.databaseUnreachable()
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }

        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(string: EmbeddedSchema.file("openapi.yaml") ?? "")))
        }

        let jobs = JobRoutes(
            database: database, statusCache: JobStatusCache(capacity: configuration.statusCacheCapacity),
            statusReader: JobStatusBatcher(
                database: BlockingConnectionPool(
                    store: database.store, size: JobStatusBatcher.connections, label: "status",
                    prepare: { connection throws(DatabaseError) in try connection.database.reusePlans() }),
                requiresWatermark: cutoff.requiresWatermark),
            cutoff: cutoff,
            timeSource: timeSource, onEnqueue: onEnqueue, auditHasher: auditHasher, previewer: previewer)
        let keys = APIKeyCache(database: database, ttl: configuration.apiKeyCacheTTL)
        let api = router.group("/api/v2/event-data").add(middleware: APIKeyAuthenticator(keys: keys))
        jobs.register(on: api)
        ExportRoutes(database: database, exports: exports).register(on: api)
        WebhookRoutes(database: database).register(on: api)

        // The other seed systems' front doors: each authenticates and answers in its own shapes,
        // and erases through the same queue.
        let erasure = SynchronousErasure(
            database: database, configuration: configuration.frontDoors, onEnqueue: onEnqueue,
            sealer: auditHasher.map(ContactSealer.init(hasher:)))
        AzotteRoutes(keys: keys, subjects: subjects, erasure: erasure).register(on: router)
        LoyaltyRoutes(keys: keys, subjects: subjects, erasure: erasure).register(on: router)
        EasyCMSRoutes(
            keys: keys, subjects: subjects, erasure: erasure,
            limiter: FailedLoginLimiter(
                limit: configuration.frontDoors.failedLoginLimit, window: configuration.frontDoors.failedLoginWindow)
        ).register(on: router)
        return router
    }

    private struct Readiness: Encodable {
        let status: String
        let database: String
        let schemaVersion: Int
        /// Rows the last sweep could not archive, by hot table.
        let archiveConflicts: [String: Int]?

        enum CodingKeys: String, CodingKey {
            case status, database, schemaVersion = "schema_version", archiveConflicts = "archive_conflicts"
        }
    }
}
