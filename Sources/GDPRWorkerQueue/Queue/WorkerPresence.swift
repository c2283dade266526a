/// Proof, held for as long as a worker process runs, that the process is alive.
///
/// A job claimed by a process whose presence is gone is rescued at once, without waiting for its
/// lease to expire: a worker killed with kill -9 holds its jobs back for seconds, not a lease.
/// PostgreSQL holds it as a session advisory lock, which the server drops with the connection;
/// SQLite as an flock on a file beside the database, which the kernel drops with the process.
public protocol WorkerPresence: AnyObject, Sendable {
    /// Whether the presence is still held; false once its connection broke.
    var isHeld: Bool { get }
    func close()
}

extension WorkerPresence {
    /// The process part of a worker id: `host/pid/instance` of `host/pid/instance/w3`.
    public static func processID(ofWorker worker: String) -> String {
        guard let slash = worker.lastIndex(of: "/") else { return worker }
        return String(worker[..<slash])
    }
}
