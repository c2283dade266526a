import Foundation
import GDPRWorkerPostgres
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
import GDPRWorkerQueue
import GDPRWorkerErasure
#endif

/// The real `gdpr-worker` binary, as deployments run it: processes that are signalled, killed and
/// left without their database, and the HTTP API over a real socket.
@Suite("End to end")
struct EndToEndTests {
    static let emptyDataMap: String = {
        let path = FileManager.default.temporaryDirectory.appending(path: "gdpr-worker-empty-map.yaml").path
        try? "version: 1\ntables: {}\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static let shopDataMap: String = {
        let path = FileManager.default.temporaryDirectory.appending(path: "gdpr-worker-shop-map.yaml").path
        try? ShopSample.dataMapYAML.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    func environment(_ url: String, dataMap: String = emptyDataMap) -> [String: String] {
        [
            "GDPR_WORKER_DATABASE_URL": url, "GDPR_WORKER_DATA_MAP": dataMap, "GDPR_WORKER_ARCHIVE_DELAY": "0s",
            "GDPR_WORKER_LOG_LEVEL": "warning", "GDPR_WORKER_AUDIT_SECRET": "end-to-end",
        ]
    }

    func run(_ arguments: [String], _ environment: [String: String]) throws -> ProcessRunner.Outcome {
        try ProcessRunner.outcome(PackagePaths.binary.path, arguments, environment: environment)
    }

    func start(_ arguments: [String], _ environment: [String: String]) throws -> RunningProcess {
        try RunningProcess(PackagePaths.binary.path, arguments, environment: environment)
    }

    /// Inserts `count` jobs with one statement, as an application's bulk SQL enqueue would.
    func enqueue(_ count: Int, into database: any DatabaseConnection) throws {
        switch database.engine {
        case .postgres:
            try database.execute(
                "INSERT INTO gdpr_jobs (customer_key) SELECT 'bulk-' || g FROM generate_series(1, $1::int) g",
                [.int(count)])
        default:
            try database.execute(
                """
                WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?1)
                INSERT INTO gdpr_jobs (customer_key) SELECT 'bulk-' || n FROM g
                """, [.int(count)])
        }
    }

    func count(_ sql: String, _ store: any JobStore) throws -> Int {
        let connection = try store.connect()
        defer { connection.database.close() }
        return try connection.database.queryFirst(sql)?.int("n") ?? -1
    }

    /// The waits check liveness, not speed: generous, so a machine loaded by the rest of the
    /// suite (each case starts real processes) does not fail them.
    func waitUntil(_ what: String, timeout: Duration = .seconds(180), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting until \(what)")
    }

    @Test("the quick-start flow: sample, enqueue, sweep, work --drain, done", arguments: TestDatabase.engines)
    func quickStart(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let environment = environment(database.url, dataMap: Self.shopDataMap)
        #expect(try run(["sample", "--customers", "200"], environment).status == 0)
        let enqueued = try run(["enqueue", ShopSample.customerKey(42), "--mode", "delete"], environment)
        let jid = enqueued.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try run(["status", jid], environment).standardOutput.contains(#""phase":"waiting_for_archive""#))
        let sweep = try run(["sweep"], environment)
        #expect(sweep.status == 0, "\(sweep.standardError)")
        #expect(sweep.standardOutput.contains("released 1 jobs"))
        let work = try run(["work", "--drain"], environment)
        #expect(work.status == 0, "\(work.standardError)")
        let status = try run(["status", jid], environment)
        #expect(status.standardOutput.contains(#""status":"done""#))
        #expect(!work.standardError.contains(ShopSample.customerKey(42)))
    }

    @Test(
        "SIGTERM: in-flight jobs finish, nothing is left running, and the process exits 0",
        arguments: TestDatabase.engines)
    func gracefulShutdown(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        try database.withConnection { try enqueue(20_000, into: $0.database) }
        let worker = try start(["work", "--batch-size", "20", "--workers", "2"], environment(database.url))
        try await waitUntil("jobs are being done") {
            try count("SELECT count(*) AS n FROM gdpr_audit", database.store) > 100
        }
        worker.send(SIGTERM)
        let status = worker.waitForExit(timeout: .seconds(30))
        #expect(status == 0, "\(worker.outputs.standardError)")
        let done = try count("SELECT count(*) AS n FROM gdpr_audit", database.store)
        #expect(try count("SELECT count(*) AS n FROM gdpr_jobs WHERE state = 'running'", database.store) == 0)
        #expect(try count("SELECT count(*) AS n FROM gdpr_jobs", database.store) + done == 20_000)
        #expect(try count("SELECT count(DISTINCT jid) AS n FROM gdpr_audit", database.store) == done)
    }

    @Test(
        "kill -9 in the middle of a run, start another worker: every job done, none twice",
        arguments: TestDatabase.engines)
    func killedWorker(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let total = 20_000
        try database.withConnection { try enqueue(total, into: $0.database) }
        let first = try start(["work", "--batch-size", "50"], environment(database.url))
        try await waitUntil("the first worker is half-way") {
            try count("SELECT count(*) AS n FROM gdpr_audit", database.store) > 1_000
        }
        first.send(SIGKILL)
        #expect(first.waitForExit(timeout: .seconds(10)) == 128 + SIGKILL)
        let second = try run(["work", "--drain"], environment(database.url))
        #expect(second.status == 0, "\(second.standardError)")
        #expect(try count("SELECT count(*) AS n FROM gdpr_jobs", database.store) == 0)
        #expect(try count("SELECT count(*) AS n FROM gdpr_audit", database.store) == total)
        #expect(try count("SELECT count(DISTINCT jid) AS n FROM gdpr_audit", database.store) == total)
        #expect(try count("SELECT count(*) AS n FROM gdpr_jobs_failed", database.store) == 0)
    }

    @Test("PostgreSQL restarts in the middle of a run: workers reconnect with backoff and finish")
    func databaseRestart() async throws {
        guard TestDatabase.engines.contains(.postgres) else { return }
        let server = try DedicatedPostgres()
        let store: any JobStore = try server.migratedStore()
        let total = 30_000
        try {
            let connection = try store.connect()
            try enqueue(total, into: connection.database)
            connection.database.close()
        }()
        let worker = try start(
            ["work", "--batch-size", "20", "--poll-interval", "200ms"], environment(server.parameters.urlString))
        try await waitUntil("jobs are being done") { try count("SELECT count(*) AS n FROM gdpr_audit", store) > 200 }
        try server.pause()
        try await Task.sleep(for: .seconds(1))
        try server.resume()
        try await waitUntil("every job is done", timeout: .seconds(120)) {
            try count("SELECT count(*) AS n FROM gdpr_jobs", store) == 0
        }
        worker.send(SIGTERM)
        #expect(worker.waitForExit(timeout: .seconds(30)) == 0)
        #expect(worker.outputs.standardError.contains("reconnecting with backoff"))
        #expect(try count("SELECT count(*) AS n FROM gdpr_audit", store) == total)
        #expect(try count("SELECT count(DISTINCT jid) AS n FROM gdpr_audit", store) == total)
    }

    @Test(
        "serve: create a job over HTTP, poll it to done, scrape metrics, stop on SIGTERM",
        arguments: TestDatabase.engines)
    func serve(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let environment = environment(database.url)
        let token = try run(["keys", "create", "--tenant", "acme"], environment).standardOutput.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let port = freeTCPPort()
        let server = try start(["serve", "--port", String(port)], environment)
        let base = "http://127.0.0.1:\(port)"
        var healthy = false
        for _ in 0..<400 where !healthy {
            healthy = (try? await request("GET", "\(base)/health"))?.status == 200
            if !healthy { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(healthy)
        let created = try await request(
            "POST", "\(base)/api/v2/event-data/create-remove-customer-job?customerKey=alice%40example.com", key: token)
        #expect(created.status == 200)
        let jid = try #require(
            (try JSONSerialization.jsonObject(with: created.body) as? [String: Any])?["jid"] as? String)
        var status = ""
        for _ in 0..<200 where status != "done" {
            let polled = try await request("GET", "\(base)/api/v2/event-data/job-status?jid=\(jid)", key: token)
            status = (try JSONSerialization.jsonObject(with: polled.body) as? [String: Any])?["status"] as? String ?? ""
            if status != "done" { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(status == "done")
        #expect(
            try await request("GET", "\(base)/api/v2/event-data/job-status?jid=\(jid)", key: "gwk_wrong_key").status
                == 401)
        let metrics = String(decoding: try await request("GET", "\(base)/metrics").body, as: UTF8.self)
        #expect(metrics.contains("gdpr_worker_jobs_done_total"))
        #expect(metrics.contains("gdpr_worker_queue_jobs"))
        #expect(!metrics.contains("alice"))
        server.send(SIGTERM)
        #expect(server.waitForExit(timeout: .seconds(30)) == 0)
        #expect(!server.outputs.standardError.contains("alice"))
    }

    @Test(
        "serve and work refuse to start on a data map that fails check, naming the problem",
        arguments: [DatabaseEngine.sqlite])
    func refusesBrokenMap(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let path = FileManager.default.temporaryDirectory.appending(
            path: "gdpr-worker-broken-\(UUID().uuidString.prefix(8)).yaml"
        ).path
        try "version: 1\ntables:\n  no_such_table:\n    match: [customer_key]\n    columns: { customer_key: keep }\n"
            .write(
                toFile: path, atomically: true, encoding: .utf8)
        for command in [["work"], ["serve", "--port", String(freeTCPPort())]] {
            let outcome = try run(command, environment(database.url, dataMap: path))
            #expect(outcome.status == 65)
            #expect(outcome.standardError.contains("no_such_table"))
            #expect(outcome.standardError.contains("refusing to start"))
        }
    }

    private func request(_ method: String, _ url: String, key: String? = nil) async throws -> (status: Int, body: Data)
    {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let key { request.setValue(key, forHTTPHeaderField: "Api-Key") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
