import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Logging
import Testing

@Suite("Concurrent erasures")
struct ConcurrencyTests {
    /// Two customers who share a household address and no one else points at, by sample number.
    static func household(_ database: TestDatabase) throws -> (address: Int, customers: [Int]) {
        try database.withConnection { connection in
            let row = try #require(
                try connection.database.queryFirst(
                    """
                    SELECT c.address_id AS address, min(c.id) AS first, max(c.id) AS second
                      FROM customers c
                     WHERE c.address_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.shipping_address_id = c.address_id
                                         AND o.customer_id NOT IN (SELECT id FROM customers WHERE address_id = c.address_id))
                     GROUP BY c.address_id HAVING count(*) = 2
                     ORDER BY c.address_id LIMIT 1
                    """))
            return (try row.int("address"), [try row.int("first"), try row.int("second")])
        }
    }

    @Test(
        "two batches erasing a household at once, the second reaching the address before the first commits, still delete it",
        arguments: TestDatabase.engines)
    func household(_ engine: DatabaseEngine) async throws {
        let harness = try await ErasureHarness.make(engine, customers: 400)
        let (address, customers) = try Self.household(harness.database)
        let keys = customers.map(ShopSample.customerKey)
        try harness.database.withConnection { connection in
            for key in keys {
                _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), mode: .delete))
            }
        }
        let request = ClaimRequest(
            worker: "w", limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil)
        let context: @Sendable (any DatabaseConnection) -> JobContext = { connection in
            JobContext(
                connection: connection, logger: Logger(label: "test"), worker: "w", now: nil, isAlone: false,
                commitAndReopen: { _ in })
        }
        let store = harness.database.store
        let handler = harness.handler
        // The first batch erases one person and holds its transaction open.
        let first = try store.connect()
        defer { first.database.close() }
        let firstJobs = try first.claim(request)
        try first.database.begin()
        _ = try handler.process(firstJobs, in: context(first.database))
        guard engine == .postgres else {
            // SQLite has one writer: the second batch cannot start before the first commits.
            try first.database.commit()
            try harness.database.withConnection { second in
                let jobs = try second.claim(request)
                try second.database.transaction { _ = try handler.process(jobs, in: context(second.database)) }
            }
            #expect(try await harness.count("SELECT count(*) AS n FROM addresses WHERE id = \(address)") == 0)
            return
        }
        // The second batch, for the other person, runs on another thread meanwhile, until it
        // waits for a lock the first holds. Its session waits without a lock timeout, so that
        // however slow the machine, it waits until the first commits rather than giving up.
        let patient = try #require(store as? PostgresJobStore)
        let second = try PostgresJobStore(
            parameters: patient.parameters, session: PostgresSessionSettings(lockTimeout: .zero)
        )
        .connect()
        defer { second.database.close() }
        let pid = try #require(try second.database.queryFirst("SELECT pg_backend_pid() AS pid")?.int("pid"))
        let secondJobs = try second.claim(request)
        let secondDone = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var secondError: (any Error)?
        nonisolated(unsafe) let secondConnection = second
        Thread.detachNewThread {
            defer { secondDone.signal() }
            do {
                try secondConnection.database.transaction {
                    _ = try handler.process(secondJobs, in: context(secondConnection.database))
                }
            } catch {
                secondError = error
            }
        }
        // No deadline: the second batch either waits for the lock, or finishes without it, which
        // is the failure this test exists for.
        while try await harness.count(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = \(pid) AND wait_event_type = 'Lock'") == 0
        {
            if secondDone.wait(timeout: .now()) == .success {
                secondDone.signal()
                try first.database.commit()
                throw HarnessError("the second batch finished without waiting for the first's lock")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        try first.database.commit()
        secondDone.wait()
        if let secondError { throw secondError }
        #expect(
            try await harness.count("SELECT count(*) AS n FROM addresses WHERE id = \(address)") == 0,
            "the household's address outlived both of its people")
    }
}
