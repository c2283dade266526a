import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Logging
import Testing

@Suite("Archive sweep")
struct SweepTests {
    static let pair = ArchivePair(hotTable: "events", archiveTable: "events_archive", timeColumn: "occurred_at")
    let logger = Logger(label: "test.sweep")

    /// A database with the sample shop, whose hot events span the last five days.
    func sampleDatabase(_ engine: DatabaseEngine, customers: Int = 120) throws -> TestDatabase {
        let database = try TestDatabase(engine)
        try database.withConnection { try ShopSample.create(customers: customers, on: $0.database) }
        return database
    }

    func sweep(
        _ database: TestDatabase, delay: Duration, batchSize: Int = 10_000, maximumBatches: Int? = nil,
        clock: ManualClock? = nil
    ) throws
        -> ArchiveSweep.Report
    {
        try ArchiveSweep(
            store: database.store, pairs: [Self.pair], exports: nil,
            configuration: .init(archiveDelay: delay, batchSize: batchSize, maximumBatches: maximumBatches),
            logger: logger,
            timeSource: clock.map(TimeSource.manual) ?? .database
        ).run()
    }

    /// Every event id in one table, sorted.
    func ids(_ table: String, _ database: TestDatabase) throws -> [Int] {
        try database.withConnection {
            try $0.database.query("SELECT id FROM \(table) ORDER BY id", []).map { try $0.int("id") }
        }
    }

    @Test(
        "rows older than the delay move, newer rows stay, and every row is kept exactly once",
        arguments: TestDatabase.engines)
    func moves(_ engine: DatabaseEngine) throws {
        let database = try sampleDatabase(engine)
        let hotBefore = try ids("events", database)
        let archiveBefore = try ids("events_archive", database)
        #expect(hotBefore.count > 100)
        let report = try sweep(database, delay: .seconds(2 * 86_400), batchSize: 97)
        let hotAfter = try ids("events", database)
        let archiveAfter = try ids("events_archive", database)
        #expect(report.ran)
        #expect(report.complete)
        #expect(report.moved.first?.rows == hotBefore.count - hotAfter.count)
        #expect(report.moved.first?.rows ?? 0 > 0)
        #expect(!hotAfter.isEmpty)
        #expect((hotAfter + archiveAfter).sorted() == (hotBefore + archiveBefore).sorted())
        let cutoff = try #require(report.cutoff)
        try database.withConnection { connection in
            let times = try connection.database.query("SELECT occurred_at FROM events", []).map {
                try $0.date("occurred_at")
            }
            #expect(times.allSatisfy { $0 >= cutoff })
        }
        #expect(report.summary.contains("events→events_archive \(report.moved.first?.rows ?? 0)"))
    }

    @Test(
        "a sweep stopped between batches, then run again, ends where one sweep would", arguments: TestDatabase.engines)
    func resumes(_ engine: DatabaseEngine) throws {
        let interrupted = try sampleDatabase(engine)
        let clock = ManualClock(try interrupted.withConnection { try $0.now() })
        let partial = try sweep(interrupted, delay: .seconds(86_400), batchSize: 25, maximumBatches: 2, clock: clock)
        #expect(partial.moved.first?.rows == 50)
        #expect(!partial.complete)
        _ = try sweep(interrupted, delay: .seconds(86_400), batchSize: 25, clock: clock)
        let whole = try sampleDatabase(engine)
        _ = try sweep(whole, delay: .seconds(86_400), clock: clock)
        #expect(try ids("events", interrupted) == ids("events", whole))
        #expect(try ids("events_archive", interrupted) == ids("events_archive", whole))
    }

    @Test("a second sweep finds the lock taken and does nothing", arguments: TestDatabase.engines)
    func exclusive(_ engine: DatabaseEngine) throws {
        let database = try sampleDatabase(engine)
        let holder = try database.store.connect()
        defer { holder.database.close() }
        #expect(try holder.acquireSweepLock())
        let blocked = try sweep(database, delay: .zero)
        #expect(!blocked.ran)
        #expect(blocked.summary == "sweep: another sweep is running; nothing to do")
        #expect(try ids("events", database).count > 0)
        holder.releaseSweepLock()
        #expect(try sweep(database, delay: .zero).ran)
        #expect(try ids("events", database).isEmpty)
    }

    @Test(
        "a job waits for the archive until the clock and the watermark pass its creation, then runs",
        arguments: TestDatabase.engines)
    func watermarkGatesJobs(_ engine: DatabaseEngine) throws {
        let database = try sampleDatabase(engine)
        let delay = Duration.seconds(3 * 86_400)
        let jid = try database.withConnection {
            try $0.enqueue(EnqueueRequest(customerKey: try CustomerKey(ShopSample.customerKey(7)))).jid
        }
        let clock = ManualClock(try database.withConnection { try $0.now() })
        let request = {
            ClaimRequest(
                worker: "w", limit: 10, lease: .seconds(60),
                cutoff: ArchiveCutoff(delay: delay, requiresWatermark: true), now: clock.now)
        }
        func status() throws -> JobStatusReport {
            try database.withConnection { connection in
                let job = try #require(try connection.job(jid, tenant: nil))
                let watermark = try connection.setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse)
                return JobStatusReport(
                    job: job, now: clock.now,
                    cutoff: ArchiveCutoff(delay: delay, requiresWatermark: true, watermark: watermark))
            }
        }
        #expect(try status().phase == .waitingForArchive)
        #expect(try database.withConnection { try $0.claim(request()) }.isEmpty)
        clock.advance(by: delay + .seconds(60))
        #expect(try status().phase == .waitingForArchive)
        #expect(try database.withConnection { try $0.claim(request()) }.isEmpty)
        let report = try sweep(database, delay: delay, clock: clock)
        #expect(report.jobsReleased == 1)
        #expect(try status().phase == .queued)
        #expect(try database.withConnection { try $0.claim(request()) }.map(\.jid) == [jid])
    }

    @Test("the watermark only moves forward", arguments: TestDatabase.engines)
    func monotonic(_ engine: DatabaseEngine) throws {
        let database = try sampleDatabase(engine, customers: 10)
        let clock = ManualClock(try database.withConnection { try $0.now() })
        let first = try sweep(database, delay: .seconds(3600), clock: clock)
        clock.advance(by: .seconds(-7200))
        let second = try sweep(database, delay: .seconds(3600), clock: clock)
        #expect(second.watermark == first.watermark)
        #expect(second.jobsReleased == 0)
    }

    @Test(
        "a row whose id the archive holds stays put and is reported; an identical one finishes moving; the rest move and older jobs are released",
        arguments: TestDatabase.engines)
    func conflicts(_ engine: DatabaseEngine) throws {
        let database = try sampleDatabase(engine, customers: 30)
        let (taken, copied, released) = try database.withConnection { connection in
            let archived = try connection.database.query("SELECT id FROM events_archive ORDER BY id LIMIT 2", []).map {
                try $0.int("id")
            }
            let old =
                engine == .postgres ? "now() - interval '10 days'" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 days')"
            // Another event under an archived id, as a key the engine reused would make it.
            try connection.database.run(
                "INSERT INTO events (id, visitor_key, event_type, page_url, occurred_at) VALUES (\(archived[0]), 'someone-else', 'page_view', '/x', \(sql: old))"
            )
            // An exact copy of an archived event: a move that finished on the archive side only.
            try connection.database.run("INSERT INTO events SELECT * FROM events_archive WHERE id = \(archived[1])")
            // A job from before the conflicting row, which the watermark must still release.
            let created =
                engine == .postgres ? "now() - interval '20 days'" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-20 days')"
            let released = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("early"))).jid
            try connection.database.run(
                "UPDATE gdpr_jobs SET created_at = \(sql: created) WHERE jid = \(released.description)")
            return (archived[0], archived[1], released)
        }
        let hotBefore = try ids("events", database)
        let archiveBefore = try ids("events_archive", database)

        let report = try sweep(database, delay: .seconds(86_400))

        #expect(report.conflicts.map(\.rows) == [1])
        #expect(!report.complete)
        #expect(
            report.summary.contains("1 rows of events not archived: events_archive holds other rows under their keys"))
        #expect(!report.summary.contains("someone-else"))
        let hotAfter = try ids("events", database)
        let archiveAfter = try ids("events_archive", database)
        #expect(hotAfter.contains(taken), "the conflicting row is kept in the hot table")
        #expect(!hotAfter.contains(copied), "the identical copy finished moving")
        // Nothing lost: every id is still somewhere; only the identical copy merged with its twin.
        #expect(Set(hotAfter + archiveAfter) == Set(hotBefore + archiveBefore))
        #expect(hotAfter.count + archiveAfter.count == hotBefore.count + archiveBefore.count - 1)
        let cutoff = try #require(report.cutoff)
        try database.withConnection { connection in
            let old = try connection.database.query("SELECT id, occurred_at FROM events", []).filter {
                try $0.date("occurred_at") < cutoff
            }
            #expect(try old.map { try $0.int("id") } == [taken], "every other row older than the cutoff moved")
            #expect(try connection.archiveConflicts()?.rows == ["events": 1])
            let ready = try #require(try connection.job(released, tenant: nil))
            let watermark = try #require(
                try connection.setting(ArchiveCutoff.watermarkSetting).flatMap(Timestamp.parse))
            #expect(ready.createdAt <= watermark, "a job from before the conflicting row is released")
        }
        // Resolved by hand, the next sweep clears the report.
        try database.withConnection { connection in
            try connection.database.run("DELETE FROM events WHERE id = \(taken)")
        }
        let clean = try sweep(database, delay: .seconds(86_400))
        #expect(clean.conflicts.isEmpty)
        #expect(try database.withConnection { try $0.archiveConflicts() } == nil)
    }

    @Test(
        "a sweep prunes no failed job, however old: each is a request not carried out", arguments: TestDatabase.engines)
    func failedJobsStay(_ engine: DatabaseEngine) throws {
        let database = try sampleDatabase(engine, customers: 5)
        let clock = ManualClock()
        try database.withConnection { connection in
            for key in ["fails", "succeeds"] {
                _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key)))
            }
            clock.set(try connection.now())
            let claimed = try connection.claim(
                ClaimRequest(
                    worker: "w", limit: 2, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: clock.now))
            try connection.database.transaction {
                let failing = try #require(claimed.first { $0.customerKey.rawValue == "fails" })
                let succeeding = try #require(claimed.first { $0.customerKey.rawValue == "succeeds" })
                _ = try connection.fail(failing, worker: "w", reason: "data_map: test", now: clock.now)
                _ = try connection.complete(
                    [JobCompletion(job: succeeding, keyHash: "h", result: JobResult(), startedAt: clock.now)],
                    worker: "w", now: clock.now)
            }
        }
        clock.advance(by: .seconds(3 * 365 * 86_400))
        _ = try ArchiveSweep(
            store: database.store, pairs: [], exports: nil, configuration: .init(), logger: logger,
            timeSource: .manual(clock)
        ).run()
        try database.withConnection { connection throws in
            #expect(try connection.database.queryFirst("SELECT count(*) AS n FROM gdpr_jobs_failed")?.int("n") == 1)
            #expect(try connection.database.queryFirst("SELECT count(*) AS n FROM gdpr_audit")?.int("n") == 1)
        }
    }

    @Test(
        "remove jobs erase a customer's rows from the hot table and the archive alike", arguments: TestDatabase.engines)
    func erasesBothTables(_ engine: DatabaseEngine) throws {
        let database = try sampleDatabase(engine)
        _ = try sweep(database, delay: .seconds(2 * 86_400))
        let key = ShopSample.customerKey(3)
        // The customer's own key and every key linked to it, read before the delete removes the links.
        let keys: [String] = try database.withConnection { connection in
            let linked = try connection.database.rows(
                "SELECT linked_key AS k FROM customer_links WHERE customer_key = \(key)"
            )
            .map { try $0.string("k") }
            return [key] + linked
        }
        let list = keys.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
        func rows(_ table: String) throws -> Int {
            try database.withConnection {
                try $0.database.queryFirst("SELECT count(*) AS n FROM \(table) WHERE visitor_key IN (\(list))")?.int(
                    "n") ?? -1
            }
        }
        let hot = try rows("events")
        let archived = try rows("events_archive")
        #expect(hot > 0 && archived > 0, "the sample customer has events on both sides of the cutoff")
        let handler = ErasureJobHandler(dataMap: try ShopSample.dataMap())
        try database.withConnection { connection in
            _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), mode: .delete))
            let claimed = try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil))
            try connection.database.transaction {
                let context = JobContext(
                    connection: connection.database, logger: logger, worker: "w", now: nil, isAlone: false,
                    commitAndReopen: { _ in })
                let outcomes = try handler.process(claimed, in: context)
                guard case .done(let result)? = outcomes[claimed[0].jid] else {
                    Issue.record("the job did not finish")
                    return
                }
                #expect(result.tables.first { $0.table == "events" }?.rows ?? 0 >= hot)
                #expect(result.tables.first { $0.table == "events_archive" }?.rows ?? 0 >= archived)
            }
        }
        #expect(try rows("events") == 0)
        #expect(try rows("events_archive") == 0)
    }
}
