import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// The embedded queue: one SQLite file, one writer at a time, no server to run.
///
/// SQLite has no row locks, so claims serialise on the database's write lock; a single claim
/// statement takes a whole batch. All workers share one host, so times come from the local clock.
public struct SQLiteJobStore: JobStore {
    public let path: String
    public let configuration: SQLiteConnection.Configuration
    public var engine: DatabaseEngine { .sqlite }
    public var location: String { "sqlite:\(path)" }

    public init(path: String, configuration: SQLiteConnection.Configuration = .init()) {
        self.path = path
        self.configuration = configuration
    }

    public func connect() throws(DatabaseError) -> any JobStoreConnection {
        SQLiteJobStoreConnection(database: try SQLiteConnection(path: path, configuration: configuration))
    }

    public func makeWakeupSource() throws(DatabaseError) -> any JobWakeupSource {
        try SQLiteChangeWatcher(connection: SQLiteConnection(path: path, configuration: configuration))
    }

    public func announcePresence(processID: String) throws(DatabaseError) -> any WorkerPresence {
        try SQLiteWorkerPresence(processID: processID, database: path)
    }
}
