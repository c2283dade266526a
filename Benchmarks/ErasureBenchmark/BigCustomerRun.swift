import Foundation
import GDPRWorkerPostgres
import Logging

#if canImport(Glibc)
import Glibc
import GDPRWorkerQueue
import GDPRWorkerErasure
#endif

/// One customer with a million events, erased alone through the handler with checkpoints: the
/// memory of the process must not grow with the customer's rows.
struct BigCustomerRun {
    let parameters: PostgresConnectionParameters
    let events: Int

    var key: String { ShopSample.customerKey(50_000) }

    /// Gives the customer the events.
    func load(_ database: any DatabaseConnection) throws {
        say("giving \(key) \(events) archived events …")
        try database.execute(
            """
            INSERT INTO events_archive (id, visitor_key, event_type, page_url, ip_address, user_agent, occurred_at)
            SELECT 100000000 + n, 'session-050000-1', 'page_view', '/products/' || (n % 2000), CAST('10.1.2.3' AS inet), 'Mozilla/5.0', now() - interval '10 days'
              FROM generate_series(1, CAST($1 AS integer)) AS n
            """, [.int(events)])
        try database.executeScript("ANALYZE events_archive")
    }

    /// Erases the customer through the real binary; returns seconds and the process's peak MiB.
    func run(through worker: WorkerBinaryRun) throws -> (seconds: Double, megabytes: Double) {
        let connection = try PostgresConnection(parameters: parameters)
        try load(connection)
        connection.close()
        let result = try worker.run([key], mode: .delete)
        say(
            String(
                format:
                    "deleted one customer with %d events through gdpr-worker work --drain in %.1f s; peak resident memory %.0f MiB",
                events, result.seconds, result.megabytes))
        return result
    }

    func run() throws {
        let connection = try PostgresJobStore(parameters: parameters).connect()
        defer { connection.database.close() }
        let database = connection.database
        try load(database)
        let handler = ErasureJobHandler(dataMap: try ShopSample.dataMap())
        let before = Self.maximumResidentMegabytes()
        let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), mode: .delete)).jid
        let claimed = try connection.claim(
            ClaimRequest(
                worker: "bench/big", limit: 1, lease: .seconds(3600), cutoff: ArchiveCutoff(delay: .zero), now: nil))
        guard claimed.map(\.jid) == [jid] else { throw BenchmarkFailure("the big job was not claimed") }
        var checkpoints = 0
        let clock = ContinuousClock()
        let started = clock.now
        try database.begin()
        let context = JobContext(
            connection: database, logger: Logger(label: "bench"), worker: "bench/big", now: nil, isAlone: true,
            commitAndReopen: { _ in
                checkpoints += 1
                try database.commit()
                try database.begin()
            })
        let outcome = try handler.process(claimed, in: context)[jid]
        try database.commit()
        let elapsed = (clock.now - started).seconds
        guard case .done(let result)? = outcome else {
            throw BenchmarkFailure("the big job failed: \(String(describing: outcome))")
        }
        let after = Self.maximumResidentMegabytes()
        say(
            String(
                format:
                    "deleted %d rows of one customer in %.1f s with %d checkpoints; peak resident memory %.0f MB before, %.0f MB after",
                result.rowsAffected, elapsed, checkpoints, before, after))
    }

    static func maximumResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
