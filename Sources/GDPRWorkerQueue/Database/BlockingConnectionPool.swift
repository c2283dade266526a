import Foundation
import Synchronization

/// Connections for async code, each on a Dispatch queue of its own, bridged with continuations.
///
/// libpq and libsqlite3 block the calling thread. Async callers (HTTP handlers, maintenance
/// services) must never block an NIO event loop or Swift's cooperative pool, so each call is sent
/// to the queue that owns a free connection and the caller suspends until it returns. When every
/// connection is busy, callers wait their turn in order. A broken connection is replaced on next
/// use; while the database stays unreachable, calls fail fast instead of each waiting for a
/// connection timeout.
public final class BlockingConnectionPool: Sendable {
    public let store: any JobStore
    public let size: Int
    /// After a failed connection attempt, calls fail at once for this long rather than retry.
    public let failFastWindow: Duration

    private let slots: [Slot]
    private let state: Mutex<State>

    private struct State {
        var free: [Int]
        var waiters: [CheckedContinuation<Int, Never>] = []
        var lastConnectFailure: (at: ContinuousClock.Instant, error: DatabaseError)?
        var closed = false
    }

    /// Run on each connection the pool opens, before its first use.
    private let prepare: (@Sendable (any JobStoreConnection) throws(DatabaseError) -> Void)?

    public init(
        store: any JobStore, size: Int, label: String = "db", failFastWindow: Duration = .seconds(1),
        prepare: (@Sendable (any JobStoreConnection) throws(DatabaseError) -> Void)? = nil
    ) {
        self.prepare = prepare
        self.store = store
        self.size = max(1, size)
        self.failFastWindow = failFastWindow
        slots = (0..<max(1, size)).map { Slot(queue: DispatchQueue(label: "gdpr-worker.\(label).\($0)")) }
        state = Mutex(State(free: Array(0..<max(1, size))))
    }

    /// Runs `body` with a connection on that connection's own queue.
    public func withConnection<Value: Sendable>(
        _ body: @escaping @Sendable (any JobStoreConnection) throws -> Value
    ) async throws -> Value {
        let index = await acquire()
        defer { release(index) }
        let slot = slots[index]
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                continuation.resume(with: Result { try self.use(slot, body) })
            }
        }
    }

    /// Closes every connection. Calls after this fail.
    public func close() {
        state.withLock { $0.closed = true }
        for slot in slots {
            slot.queue.sync {
                slot.connection?.database.close()
                slot.connection = nil
            }
        }
    }

    private func use<Value>(_ slot: Slot, _ body: (any JobStoreConnection) throws -> Value) throws -> Value {
        if state.withLock({ $0.closed }) { throw DatabaseError(.connectionLost, "the connection pool is closed") }
        if slot.connection?.database.isBroken == true {
            slot.connection?.database.close()
            slot.connection = nil
        }
        let connection: any JobStoreConnection
        if let existing = slot.connection {
            connection = existing
        } else {
            if let failure = state.withLock({ $0.lastConnectFailure }),
                ContinuousClock.now - failure.at < failFastWindow
            {
                throw failure.error
            }
            do throws(DatabaseError) {
                let opened = try store.connect()
                do throws(DatabaseError) {
                    try prepare?(opened)
                } catch {
                    opened.database.close()
                    throw error
                }
                connection = opened
                state.withLock { $0.lastConnectFailure = nil }
            } catch {
                state.withLock { $0.lastConnectFailure = (ContinuousClock.now, error) }
                throw error
            }
            slot.connection = connection
        }
        do {
            return try body(connection)
        } catch {
            if connection.database.isBroken {
                connection.database.close()
                slot.connection = nil
            }
            throw error
        }
    }

    private func acquire() async -> Int {
        if let index = state.withLock({ $0.free.popLast() }) { return index }
        return await withCheckedContinuation { continuation in
            let index: Int? = state.withLock { state in
                if let index = state.free.popLast() { return index }
                state.waiters.append(continuation)
                return nil
            }
            if let index { continuation.resume(returning: index) }
        }
    }

    private func release(_ index: Int) {
        let waiter: CheckedContinuation<Int, Never>? = state.withLock { state in
            if state.waiters.isEmpty {
                state.free.append(index)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: index)
    }

    /// One connection and the queue that alone may use it.
    private final class Slot: @unchecked Sendable {
        let queue: DispatchQueue
        var connection: (any JobStoreConnection)?

        init(queue: DispatchQueue) {
            self.queue = queue
        }
    }
}
