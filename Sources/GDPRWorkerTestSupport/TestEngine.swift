import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite

/// How the tests get a fresh, empty database of one engine. Every conformance, pool, erasure,
/// corpus, sweep, HTTP and command-line suite runs once per registered engine, so a new driver is
/// proven by the same suites when it adds its `TestEngine` to `TestEngines.registered`.
public protocol TestEngine: Sendable {
    var engine: DatabaseEngine { get }

    /// Whether the engine's text values can hold NUL characters.
    var textHoldsNUL: Bool { get }

    /// Whether the engine can be tested here; the reason when it cannot (no server, say).
    func availability() -> Result<Void, TestSetupError>

    /// A new, empty database named `name`, and how to remove it.
    func makeDatabase(named name: String) throws -> (store: any JobStore, url: String, remove: @Sendable () -> Void)
}

/// The engines the suites run on.
public enum TestEngines {
    public static let registered: [any TestEngine] = [SQLiteTestEngine(), PostgresTestEngine()]

    /// The registered engine for `engine`.
    public static func testEngine(for engine: DatabaseEngine) throws -> any TestEngine {
        guard let found = registered.first(where: { $0.engine == engine }) else {
            throw TestSetupError("no test engine is registered for \(engine)")
        }
        return found
    }
}

/// A temporary SQLite file: always available.
public struct SQLiteTestEngine: TestEngine {
    public init() {}

    public var engine: DatabaseEngine { .sqlite }
    public var textHoldsNUL: Bool { true }

    public func availability() -> Result<Void, TestSetupError> { .success(()) }

    public func makeDatabase(
        named name: String
    ) throws -> (store: any JobStore, url: String, remove: @Sendable () -> Void) {
        let directory = PackagePaths.scratch.appending(path: name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appending(path: "test.sqlite3").path
        return (SQLiteJobStore(path: path), "sqlite:\(path)", { try? FileManager.default.removeItem(at: directory) })
    }
}

/// A new database on the test PostgreSQL server (`TestPostgresServer`): available when the server
/// runs, and always listed under `CI=true`, so that a server that cannot start fails the run.
public struct PostgresTestEngine: TestEngine {
    public init() {}

    public var engine: DatabaseEngine { .postgres }
    public var textHoldsNUL: Bool { false }

    public func availability() -> Result<Void, TestSetupError> {
        if TestPostgresServer.isRequired { return .success(()) }
        return TestPostgresServer.parameters.map { _ in () }
    }

    public func makeDatabase(
        named name: String
    ) throws -> (store: any JobStore, url: String, remove: @Sendable () -> Void) {
        let server = try TestPostgresServer.parameters.get()
        let admin = try PostgresConnection(parameters: server)
        defer { admin.close() }
        try admin.executeScript("CREATE DATABASE \(name)")
        let parameters = server.setting("dbname", to: name)
        return (
            PostgresJobStore(parameters: parameters), parameters.urlString,
            {
                guard let admin = try? PostgresConnection(parameters: server) else { return }
                try? admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                admin.close()
            }
        )
    }
}
