import Foundation
import GDPRWorkerErasure
import GDPRWorkerHTTP
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// The API over a test database, driven through Hummingbird's router test client.
struct APITestHarness {
    let database: TestDatabase
    let store: any JobStore
    let acmeKey: APIKey
    let globexKey: APIKey
    let exports = ExportStore(
        configuration: .init(
            directory: FileManager.default.temporaryDirectory.appending(
                path: "gw-exports-\(UUID().uuidString.prefix(8))"
            ).path))

    init(_ engine: DatabaseEngine) throws {
        database = try TestDatabase(engine)
        store = database.store
        acmeKey = APIKey.generate()
        globexKey = APIKey.generate()
        try database.withConnection { connection in
            try connection.insertAPIKey(acmeKey, tenant: try Tenant("acme"), name: nil)
            try connection.insertAPIKey(globexKey, tenant: try Tenant("globex"), name: nil)
        }
    }

    init(database: TestDatabase, store: any JobStore, acmeKey: APIKey) {
        self.database = database
        self.store = store
        self.acmeKey = acmeKey
        self.globexKey = APIKey.generate()
    }

    func application(archiveDelay: Duration = .seconds(5 * 86_400)) -> some ApplicationProtocol {
        var logger = Logger(label: "test.http")
        logger.logLevel = .critical
        return APIServer.makeApplication(
            configuration: .init(archiveDelay: archiveDelay, apiKeyCacheTTL: .zero),
            database: BlockingConnectionPool(store: store, size: 2, failFastWindow: .zero), exports: exports,
            registry: PrometheusCollectorRegistry(), auditHasher: AuditKeyHasher(secret: Data("http-tests".utf8)),
            logger: logger)
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await application().test(.router, body)
    }

    var acme: HTTPFields { [HTTPField.Name("Api-Key")!: acmeKey.token] }
    var globex: HTTPFields { [HTTPField.Name("Api-Key")!: globexKey.token] }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    var text: String { String(buffer: body) }
}
