import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite

/// A fresh, empty database on one engine, owned by one test, made by that engine's `TestEngine`.
/// Tests never share state, so they can run in parallel.
public final class TestDatabase: Sendable {
    public let engine: DatabaseEngine
    public let store: any JobStore
    /// The engine's SQL dialect, for the placeholders of a test's own statements.
    public let dialect: any ErasureDialect
    /// The database's URL, with any password in clear, for running the real binary against it.
    public let url: String
    private let cleanup: @Sendable () -> Void

    /// The registered engines that can be tested here. One that cannot is skipped with a warning,
    /// unless `CI=true` requires it, in which case its cases fail.
    public static var engines: [DatabaseEngine] {
        TestEngines.registered.filter(isAvailable).map(\.engine)
    }

    /// Whether `testEngine` can be tested here; warns when it cannot.
    public static func isAvailable(_ testEngine: any TestEngine) -> Bool {
        switch testEngine.availability() {
        case .success: return true
        case .failure(let error):
            FileHandle.standardError.write(Data("warning: skipping \(testEngine.engine) cases: \(error)\n".utf8))
            return false
        }
    }

    /// Creates an empty database, migrated unless told otherwise.
    public convenience init(_ engine: DatabaseEngine, migrated: Bool = true) throws {
        try self.init(TestEngines.testEngine(for: engine), migrated: migrated)
    }

    /// Creates an empty database of `testEngine`, migrated unless told otherwise.
    public init(_ testEngine: any TestEngine, migrated: Bool = true) throws {
        self.engine = testEngine.engine
        let name = "gw_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        (store, url, cleanup) = try testEngine.makeDatabase(named: String(name))
        let connection = try store.connect()
        defer { connection.database.close() }
        dialect = try connection.database.erasureDialect()
        if migrated { _ = try connection.migrate() }
    }

    deinit {
        cleanup()
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
