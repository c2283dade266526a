import Foundation
import GDPRWorkerCore
import GDPRWorkerTestSupport
import Logging
import Testing

@Suite("Concurrent erasures")
struct ConcurrencyTests {
    /// Two customers who share a household address and no one else points at, by sample number.
    static func household(_ database: TestDatabase) throws -> (address: Int, customers: [Int]) {
        try database.withConnection { connection in
            let row = try #require(try connection.database.queryFirst("""
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

    @Test("two batches erasing a household at once, the second starting before the first commits, still delete the shared address",
          arguments: TestDatabase.engines)
    func household(_ engine: DatabaseEngine) async throws {
        let harness = try await ErasureHarness.make(engine, customers: 400)
        let (address, customers) = try Self.household(harness.database)
        let keys = customers.map(ShopSample.customerKey)
        try harness.database.withConnection { connection in
            for key in keys { _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), mode: .delete)) }
        }
        let request = ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil)
        let context: @Sendable (any DatabaseConnection) -> JobContext = { connection in
            JobContext(connection: connection, logger: Logger(label: "test"), worker: "w", now: nil, isAlone: false, commitAndReopen: {})
        }
        // The first batch erases one person and holds its transaction open.
        let first = try harness.database.store.connect()
        defer { first.database.close() }
        try first.database.begin()
        let firstJobs = try first.claimBatch(request)
        _ = try harness.handler.process(firstJobs, in: context(first.database))
        // The second batch, for the other person, runs on another thread meanwhile.
        let secondDone = DispatchSemaphore(value: 0)
        let store = harness.database.store
        let handler = harness.handler
        nonisolated(unsafe) var secondError: (any Error)?
        Thread.detachNewThread {
            defer { secondDone.signal() }
            do {
                let second = try store.connect()
                defer { second.database.close() }
                try second.database.begin()
                let secondJobs = try second.claimBatch(request)
                _ = try handler.process(secondJobs, in: context(second.database))
                try second.database.commit()
            } catch {
                secondError = error
            }
        }
        // Give the second batch time to reach the address before the first commits.
        try await Task.sleep(for: .milliseconds(500))
        try first.database.commit()
        secondDone.wait()
        if let secondError { throw secondError }
        let left = try harness.database.withConnection {
            try $0.database.queryFirst("SELECT count(*) AS n FROM addresses WHERE id = \(address)")?.int("n")
        }
        #expect(left == 0, "the household's address outlived both of its people")
    }
}
