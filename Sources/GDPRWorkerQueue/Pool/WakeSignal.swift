import Foundation

/// Where idle workers sleep until a job may have arrived, or until they should stop.
///
/// A counter under a condition variable rather than a semaphore: one NOTIFY wakes every idle
/// worker, and a wake-up that arrives while nobody waits is not lost, because waiters compare the
/// generation they last saw.
final class WakeSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    /// The generation to pass to `wait`, read before checking for work.
    var current: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    /// Wakes every waiting worker.
    func wakeAll() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps until woken after `seen`, or until `timeout` passes. True if woken.
    @discardableResult
    func wait(after seen: UInt64, timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while generation == seen {
            if !condition.wait(until: deadline) { return generation != seen }
        }
        return true
    }
}
