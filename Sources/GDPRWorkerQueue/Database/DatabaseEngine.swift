/// A database engine, as its driver module describes it. The core knows engines only through this
/// record and the `DatabaseDriver` that provides them; each driver declares its own
/// (`DatabaseEngine.postgres` in GDPRWorkerPostgres, `DatabaseEngine.sqlite` in GDPRWorkerSQLite).
public struct DatabaseEngine: Sendable, Hashable, CustomStringConvertible {
    /// A short stable name: the folder of the engine's migrations under `schema/`.
    public let id: String
    /// The name people know it by, for messages.
    public let displayName: String
    /// Whether writers exclude one another, as SQLite's single write lock does: then one worker is
    /// the default, since more would only queue on the lock.
    public let hasSingleWriter: Bool

    public init(id: String, displayName: String, hasSingleWriter: Bool) {
        self.id = id
        self.displayName = displayName
        self.hasSingleWriter = hasSingleWriter
    }

    public var description: String { displayName }
}
