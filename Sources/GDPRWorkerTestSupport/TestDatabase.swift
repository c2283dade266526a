import Foundation
import GDPRWorkerCore
import GDPRWorkerPostgres
import GDPRWorkerSQLite

/// A fresh, empty database on one engine, owned by one test: a temporary SQLite file, or a new
/// database on the test PostgreSQL server. Tests never share state, so they can run in parallel.
public final class TestDatabase: Sendable {
    public let engine: DatabaseEngine
    public let store: any JobStore
    private let cleanup: @Sendable () -> Void

    /// The engines under test: SQLite always, PostgreSQL when a server is available. Under
    /// `CI=true` PostgreSQL is always listed, so a server that cannot start fails the run.
    public static var engines: [DatabaseEngine] {
        if case .success = TestPostgresServer.parameters { return [.sqlite, .postgres] }
        if TestPostgresServer.isRequired { return [.sqlite, .postgres] }
        if case .failure(let error) = TestPostgresServer.parameters {
            FileHandle.standardError.write(Data("warning: skipping PostgreSQL cases: \(error)\n".utf8))
        }
        return [.sqlite]
    }

    /// Creates an empty database, migrated unless told otherwise.
    public init(_ engine: DatabaseEngine, migrated: Bool = true) throws {
        self.engine = engine
        let name = "gw_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        switch engine {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appending(path: String(name))
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = SQLiteJobStore(path: directory.appending(path: "test.sqlite3").path)
            cleanup = { try? FileManager.default.removeItem(at: directory) }
        case .postgres:
            let server = try TestPostgresServer.parameters.get()
            let admin = try PostgresConnection(parameters: server)
            defer { admin.close() }
            try admin.executeScript("CREATE DATABASE \(name)")
            store = PostgresJobStore(parameters: server.setting("dbname", to: String(name)))
            cleanup = {
                guard let admin = try? PostgresConnection(parameters: server) else { return }
                try? admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                admin.close()
            }
        default:
            throw TestSetupError("the tests open no \(engine) database yet")
        }
        if migrated {
            let connection = try store.connect()
            defer { connection.database.close() }
            _ = try connection.migrate()
        }
    }

    deinit {
        cleanup()
    }

    /// The database's URL, for running the real binary against it.
    public var url: String {
        if let postgres = store as? PostgresJobStore { return postgres.parameters.urlString }
        return store.location
    }

    /// Opens a connection for the duration of `body`.
    public func withConnection<Result>(_ body: (any JobStoreConnection) throws -> Result) throws -> Result {
        let connection = try store.connect()
        defer { connection.database.close() }
        return try body(connection)
    }
}

extension PostgresConnectionParameters {
    /// The parameters as a URL with the password in clear, for handing to a child process in tests.
    public var urlString: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = self["user"]
        components.password = self["password"]
        components.host = self["host"]
        components.port = self["port"].flatMap(Int.init)
        components.path = "/" + (self["dbname"] ?? "")
        return components.string ?? ""
    }
}
