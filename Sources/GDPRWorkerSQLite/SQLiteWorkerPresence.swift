import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
import GDPRWorkerQueue
import GDPRWorkerErasure
#endif

/// A worker process's presence: an exclusive flock on a file of its own in `<database>.workers/`,
/// which the kernel releases when the process dies. Every process using an SQLite file runs on
/// the file's host, so every rescuer can test the lock.
final class SQLiteWorkerPresence: WorkerPresence, @unchecked Sendable {
    private var descriptor: Int32
    private let path: String

    init(processID: String, database: String) throws(DatabaseError) {
        let directory = Self.directory(database)
        mkdir(directory, 0o700)
        path = Self.file(processID: processID, database: database)
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseError(
                .queryFailed,
                "cannot create the worker presence file in \(directory): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(descriptor)
            throw DatabaseError(.queryFailed, "another process holds the worker presence \(path)")
        }
    }

    var isHeld: Bool { descriptor >= 0 }

    func close() {
        guard descriptor >= 0 else { return }
        unlink(path)
        flock(descriptor, LOCK_UN)
        Glibc.close(descriptor)
        descriptor = -1
    }

    /// Whether a live process holds the presence of `processID`. A lock this test can take
    /// belongs to nobody: the file is removed.
    static func isHeld(processID: String, database: String) -> Bool {
        let path = file(processID: processID, database: database)
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return true }
        unlink(path)
        flock(descriptor, LOCK_UN)
        return false
    }

    static func directory(_ database: String) -> String { database + ".workers" }

    /// A file name from a hash of the process id, which holds a host name and may hold anything.
    static func file(processID: String, database: String) -> String {
        let digest = SHA256.hash(data: Data(processID.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        return directory(database) + "/" + digest + ".lock"
    }
}
