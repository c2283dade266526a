import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// The production queue: many worker processes on many hosts share one PostgreSQL database.
///
/// Claims take `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait on each other or take the
/// same job; an INSERT into `gdpr_jobs` NOTIFYs `gdpr_jobs`, so idle workers wake at once.
public struct PostgresJobStore: JobStore {
    public let parameters: PostgresConnectionParameters
    /// The timeouts of every connection the store opens for work.
    public let session: PostgresSessionSettings
    public var engine: DatabaseEngine { .postgres }
    public var location: String { parameters.description }

    /// The key of the session advisory lock that serialises concurrent `migrate` runs.
    static let migrationLockKey: Int64 = 0x6764_7072_6d69_6772

    public init(parameters: PostgresConnectionParameters, session: PostgresSessionSettings = .init()) {
        self.parameters = parameters
        self.session = session
    }

    public func connect() throws(DatabaseError) -> any JobStoreConnection {
        PostgresJobStoreConnection(database: try PostgresConnection(parameters: parameters, session: session))
    }

    public func makeWakeupSource() throws(DatabaseError) -> any JobWakeupSource {
        try PostgresNotificationListener(parameters: parameters, channel: "gdpr_jobs")
    }

    public func announcePresence(processID: String) throws(DatabaseError) -> any WorkerPresence {
        try PostgresWorkerPresence(parameters: parameters, processID: processID)
    }
}
