import GDPRWorkerErasure
import GDPRWorkerQueue

extension DatabaseEngine {
    /// The production engine: many worker processes on many hosts share one queue.
    public static let postgres = DatabaseEngine(id: "postgres", displayName: "PostgreSQL", hasSingleWriter: false)
}

/// Opens `postgres://` and `postgresql://` URLs as a `PostgresJobStore`, with the session timeouts
/// of `StoreSettings` over `PostgresSessionSettings`' defaults.
public struct PostgresDriver: DatabaseDriver {
    public init() {}

    public var engine: DatabaseEngine { .postgres }

    public var urlPrefixes: [String] { ["postgres://", "postgresql://"] }

    public func makeStore(url: String, settings: StoreSettings) throws(InputError) -> any JobStore {
        var session = PostgresSessionSettings()
        if let lockTimeout = settings.lockTimeout { session.lockTimeout = lockTimeout }
        if let statementTimeout = settings.statementTimeout { session.statementTimeout = statementTimeout }
        return PostgresJobStore(parameters: try PostgresConnectionParameters(parsing: url), session: session)
    }
}
