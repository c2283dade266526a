import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import Synchronization

/// A handler that records every call and does what the test tells it for each customer key.
final class ScriptedHandler: SingleJobHandler {
    enum Behaviour: Sendable {
        case succeed
        /// Throws a transient error for the first `times` attempts, then succeeds.
        case failTransiently(times: Int)
        case failPermanently
        /// Holds the job in flight until the test opens the gate.
        case waitForGate
        /// Runs a statement that blocks in the database, which a shutdown can interrupt.
        case blockInDatabase
        /// Refuses to share a batch's transaction, as a customer with a million rows does.
        case needsOwnTransaction
    }

    let requiresArchiveWatermark = false
    private let behaviours: [String: Behaviour]
    private let calls = Mutex<[String: Int]>([:])
    private let started = Mutex<Set<String>>([])
    private let gate = DispatchSemaphore(value: 0)

    init(_ behaviours: [String: Behaviour] = [:]) {
        self.behaviours = behaviours
    }

    func process(_ job: ClaimedJob, in context: JobContext) throws -> JobResult {
        let key = job.customerKey.rawValue
        let attempt = calls.withLock { calls in
            calls[key, default: 0] += 1
            return calls[key]!
        }
        started.withLock { _ = $0.insert(key) }
        switch behaviours[key] ?? .succeed {
        case .succeed:
            break
        case .failTransiently(let times):
            if attempt <= times { throw DatabaseError(.busy, "simulated lock timeout") }
        case .failPermanently:
            throw JobFailure(.cascadeLimit, "simulated: 120 keys exceed the limit of 50", permanent: true)
        case .waitForGate:
            gate.wait()
            gate.signal()
        case .needsOwnTransaction:
            guard context.isAlone else { throw JobFailure.needsOwnTransaction }
        case .blockInDatabase:
            if context.connection.engine == .postgres {
                try context.connection.execute("SELECT pg_sleep(30)", [])
            } else {
                try context.connection.execute(
                    "WITH RECURSIVE spin(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM spin) SELECT count(*) FROM spin",
                    [])
            }
        }
        return JobResult(keys: 1, tables: [.init(table: "customers", method: job.mode.rawValue, rows: 1, fields: 2)])
    }

    func calls(for key: String) -> Int {
        calls.withLock { $0[key] ?? 0 }
    }

    /// Lets every job waiting at the gate go on.
    func openGate() {
        gate.signal()
    }

    func hasStarted(_ key: String) -> Bool {
        started.withLock { $0.contains(key) }
    }
}
