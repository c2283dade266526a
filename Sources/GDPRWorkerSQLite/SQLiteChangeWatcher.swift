import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Synchronization

/// Wakes idle workers when another connection commits to the SQLite file.
///
/// SQLite has no NOTIFY. `PRAGMA data_version` changes whenever another connection commits, and
/// reading it touches only the WAL index in shared memory, so polling it every few milliseconds
/// costs next to nothing and catches an `INSERT` from any process, psql-style clients included.
final class SQLiteChangeWatcher: JobWakeupSource, @unchecked Sendable {
    private let connection: SQLiteConnection
    private var lastVersion: Int?
    private let interval: Duration
    private let interrupted = Atomic<Bool>(false)

    init(connection: SQLiteConnection, interval: Duration = .milliseconds(5)) throws(DatabaseError) {
        self.connection = connection
        self.interval = interval
        lastVersion = try currentVersion()
    }

    func wait(timeout: Duration) throws(DatabaseError) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !interrupted.load(ordering: .relaxed) {
            let version = try currentVersion()
            if version != lastVersion {
                lastVersion = version
                return true
            }
            let now = ContinuousClock.now
            if now >= deadline { return false }
            Thread.sleep(forTimeInterval: min(interval, deadline - now).seconds)
        }
        return false
    }

    func interrupt() {
        interrupted.store(true, ordering: .relaxed)
    }

    func close() {
        connection.close()
    }

    private func currentVersion() throws(DatabaseError) -> Int? {
        try connection.queryFirst("PRAGMA data_version")?.optionalInt("data_version")
    }
}
