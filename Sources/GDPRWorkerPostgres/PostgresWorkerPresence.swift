import GDPRWorkerErasure
import GDPRWorkerQueue

/// A worker process's presence: a session advisory lock on a connection of its own, which the
/// server releases the moment the process dies or its connection breaks.
final class PostgresWorkerPresence: WorkerPresence, @unchecked Sendable {
    /// The advisory lock class of presences (the two-integer form), apart from every other lock.
    static let lockClass: Int32 = 1_735_159_155

    private let connection: PostgresConnection

    init(parameters: PostgresConnectionParameters, processID: String) throws(DatabaseError) {
        connection = try PostgresConnection(
            parameters: parameters.setting("application_name", to: "gdpr-worker-presence"))
        do {
            try connection.execute("SELECT pg_advisory_lock(\(Self.lockClass), hashtext($1))", [.text(processID)])
        } catch {
            connection.close()
            throw error
        }
    }

    /// Pings the connection: libpq notices a broken one only when it is used.
    var isHeld: Bool {
        guard !connection.isBroken else { return false }
        return (try? connection.execute("SELECT 1", [])) != nil
    }

    /// Releases the lock before hanging up: the server ends a closed session's backend
    /// asynchronously, so a rescue right after `close()` could still see the process present.
    func close() {
        if !connection.isBroken {
            _ = try? connection.execute("SELECT pg_advisory_unlock_all()", [])
        }
        connection.close()
    }
}
