import GDPRWorkerErasure
import GDPRWorkerQueue

extension DatabaseEngine {
    /// The embedded default: one file, no server, for a first run or a small deployment.
    public static let sqlite = DatabaseEngine(id: "sqlite", displayName: "SQLite", hasSingleWriter: true)
}

/// Opens `sqlite:PATH` URLs as an `SQLiteJobStore`. SQLite has no lock or statement timeouts of
/// its own kind; a writer waits for the file's lock up to its busy timeout.
public struct SQLiteDriver: DatabaseDriver {
    /// The database when none is configured: a file in the working directory.
    public static let defaultURL = "sqlite:gdpr-worker.sqlite3"

    public init() {}

    public var engine: DatabaseEngine { .sqlite }

    public var urlPrefixes: [String] { ["sqlite:"] }

    public func makeStore(url: String, settings: StoreSettings) throws(InputError) -> any JobStore {
        SQLiteJobStore(path: try Self.path(of: url))
    }

    /// The file an `sqlite:` URL names (`sqlite:PATH` or `sqlite://PATH`).
    public static func path(of url: String) throws(InputError) -> String {
        var path = String(url.dropFirst("sqlite:".count))
        if path.hasPrefix("//") { path.removeFirst(2) }
        guard !path.isEmpty else {
            throw InputError(
                .invalidDatabaseURL, "an SQLite URL names a file: sqlite:PATH, such as sqlite:gdpr-worker.sqlite3")
        }
        guard path != ":memory:" else {
            throw InputError(
                .invalidDatabaseURL, "an in-memory SQLite database is not shared between workers; name a file instead")
        }
        return path
    }
}
