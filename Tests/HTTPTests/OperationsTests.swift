import Foundation
import GDPRWorkerErasure
import GDPRWorkerHTTP
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerSchema
import GDPRWorkerTestSupport
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@Suite("HTTP: health, metrics, outages and the OpenAPI document")
struct OperationsTests {
    @Test("health is always up; readiness follows the database", arguments: TestDatabase.engines)
    func health(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let live = try await client.execute(uri: "/health", method: .get)
            #expect(live.status == .ok)
            #expect(live.text == #"{"status":"ok"}"#)
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.json["schema_version"] as? Int == Migration.embedded(for: engine).last?.version)
        }
    }

    @Test("metrics are Prometheus text with queue gauges", arguments: TestDatabase.engines)
    func metrics(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try harness.database.withConnection { _ = try $0.enqueue(EnqueueRequest(customerKey: try CustomerKey("m"))) }
        try await harness.test { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(response.text.contains(#"gdpr_worker_queue_jobs{phase="waiting_for_archive"} 1"#))
            #expect(response.text.contains("gdpr_worker_database_up 1"))
            #expect(response.text.contains("gdpr_worker_jobs_past_legal_due 0"))
        }
    }

    @Test("SQLite: an unreachable database is a 503 with Retry-After, and service resumes once it is back")
    func sqliteOutage() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(
            path: "gw-outage-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = SQLiteJobStore(path: directory.appending(path: "q.sqlite3").path)
        let key = APIKey.generate()
        let harness = APITestHarness(database: try TestDatabase(.sqlite), store: store, acmeKey: key)
        try await harness.test { client in
            let down = try await client.execute(
                uri: "/api/v2/event-data/create-remove-customer-job?customerKey=k", method: .post, headers: harness.acme
            )
            #expect(down.status == .serviceUnavailable)
            #expect(down.json["code"] as? String == "database_unavailable")
            #expect(down.headers[.retryAfter] == "5")
            #expect(try await client.execute(uri: "/health/ready", method: .get).status == .serviceUnavailable)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/metrics", method: .get).text.contains("gdpr_worker_database_up 0"))

            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let connection = try store.connect()
            _ = try connection.migrate()
            try connection.insertAPIKey(key, tenant: try Tenant("acme"), name: nil)
            connection.database.close()
            let up = try await client.execute(
                uri: "/api/v2/event-data/create-remove-customer-job?customerKey=k", method: .post, headers: harness.acme
            )
            #expect(up.status == .ok)
        }
    }

    @Test("PostgreSQL: a stopped server is a 503, and service resumes once it restarts")
    func postgresOutage() async throws {
        guard TestDatabase.engines.contains(.postgres) else { return }
        let server = try DedicatedPostgres()
        let store = try server.migratedStore()
        let key = APIKey.generate()
        try {
            let connection = try store.connect()
            try connection.insertAPIKey(key, tenant: try Tenant("acme"), name: nil)
            connection.database.close()
        }()
        let harness = APITestHarness(database: try TestDatabase(.sqlite), store: store, acmeKey: key)
        try await harness.test { client in
            let uri = "/api/v2/event-data/create-remove-customer-job?customerKey=k"
            #expect(try await client.execute(uri: uri, method: .post, headers: harness.acme).status == .ok)
            try server.pause()
            let down = try await client.execute(uri: uri + "2", method: .post, headers: harness.acme)
            #expect(down.status == .serviceUnavailable)
            #expect(["database_unavailable", "database_busy"].contains(down.json["code"] as? String))
            try server.resume()
            var status = HTTPResponse.Status.serviceUnavailable
            for _ in 0..<50 where status != .ok {
                status = try await client.execute(uri: uri + "3", method: .post, headers: harness.acme).status
                if status != .ok { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == .ok)
        }
    }

    @Test("openapi.yaml documents exactly the routes the server has, and is served")
    func openAPIMatchesRoutes() async throws {
        let text = try #require(EmbeddedSchema.file("openapi.yaml"))
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        let served = Set(APIServer.routes.flatMap { path, methods in methods.map { "\($0.rawValue) \(path)" } })
        #expect(documented == served)
        let harness = try APITestHarness(.sqlite)
        try await harness.test { client in
            let response = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(response.status == .ok)
            #expect(response.text == text)
        }
    }
}
