import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Logging
import Testing

extension ErasureWorkloadTests {
    /// Large customers with tiny limits, so chunked statements and checkpoints run in a small test.
    @Suite("Chunks and checkpoints")
    struct ChunkingTests {
        static func configuration() -> ErasureJobHandler.Configuration {
            ErasureHarness.configuration(rowsPerStatement: 7, rowsPerTransaction: 40)
        }

        /// Gives customer 5 many more visits under its session key.
        func addVisits(_ harness: ErasureHarness, count: Int) async throws {
            for index in 0..<count {
                try await harness.execute(
                    "INSERT INTO events_archive (id, visitor_key, event_type, page_url, ip_address, user_agent, occurred_at) VALUES (\(harness.p(1)), 'session-000005-1', 'page_view', '/', NULL, 'agent', CURRENT_TIMESTAMP)",
                    [.int(1_000_000 + index)])
            }
        }

        @Test(
            "a job alone writes in bounded chunks, commits by checkpoints, and counts like one statement would",
            arguments: TestDatabase.engines, ErasureMode.allCases)
        func alone(_ engine: DatabaseEngine, _ mode: ErasureMode) async throws {
            let chunked = try await ErasureHarness.make(engine, configuration: Self.configuration())
            let plain = try await ErasureHarness.make(engine)
            try await addVisits(chunked, count: 150)
            try await addVisits(plain, count: 150)
            let key = ShopSample.customerKey(5)
            let keys = try await chunked.sampleKeys(5)
            let checkpoints = Checkpoints()

            let result = try ErasureHarness.result(
                try await chunked.run([key], mode: mode, checkpoints: checkpoints)[key])

            #expect(checkpoints.count >= 3)
            #expect(result == (try ErasureHarness.result(try await plain.run([key], mode: mode)[key])))
            #expect(result.tables.first { $0.table == "events_archive" }?.rows ?? 0 > 150)
            if mode == .delete {
                #expect(try await chunked.occurrences(of: keys).isEmpty)
                #expect(try await chunked.count("SELECT count(*) AS n FROM events_archive WHERE id >= 1000000") == 0)
            } else {
                #expect(
                    try await chunked.count(
                        "SELECT count(*) AS n FROM events_archive WHERE visitor_key = 'session-000005-1'") == 0)
                #expect(try ErasureHarness.result(try await chunked.run([key], mode: mode)[key]).rowsAffected == 0)
            }
        }

        @Test(
            "a job too large for a shared batch asks to run alone, naming itself, and the batch changes nothing",
            arguments: TestDatabase.engines)
        func shared(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, configuration: Self.configuration())
            try await addVisits(harness, count: 150)
            let before = try await harness.snapshotAll()
            let error = await #expect(throws: NeedsOwnTransaction.self) {
                try await harness.run([ShopSample.customerKey(5), ShopSample.customerKey(6)], mode: .delete)
            }
            let big = try await harness.query(
                "SELECT jid FROM gdpr_jobs WHERE customer_key = \(harness.p(1))", [.text(ShopSample.customerKey(5))])
            #expect(error?.jids == Set(try big.map { try $0.jobID() }))
            #expect(ErasureHarness.changes(before, try await harness.snapshotAll()).isEmpty)
        }

        @Test(
            "a job that fails after a checkpoint is partially_erased and says what it erased; an operator's retry finishes it, all counted",
            arguments: TestDatabase.engines)
        func partial(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(engine, configuration: Self.configuration())
            try await addVisits(harness, count: 150)
            let key = ShopSample.customerKey(5)
            // The customer's own row is refused: its table is written after the visits' chunks commit.
            switch engine {
            case .postgres:
                try await harness.execute(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '23514'; END $$"
                )
                try await harness.execute(
                    "CREATE TRIGGER refuse BEFORE UPDATE ON customers FOR EACH ROW WHEN (OLD.customer_key = '\(key)') EXECUTE FUNCTION refuse()"
                )
            default:
                try await harness.execute(
                    """
                    CREATE TRIGGER refuse BEFORE UPDATE ON customers FOR EACH ROW WHEN OLD.customer_key = '\(key)'
                    BEGIN SELECT RAISE(ABORT, 'refused'); END
                    """)
            }
            let jid = try await harness.withConnection { connection in
                _ = try connection.advanceArchiveWatermark(to: Date().addingTimeInterval(86_400))
                return try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key))).jid
            }
            let pool = WorkerPool(
                store: harness.database.store, handler: harness.handler,
                hasher: AuditKeyHasher(secret: Data("test".utf8)),
                configuration: .init(workers: 1, pollInterval: .milliseconds(20), archiveDelay: .zero),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let running = Task { try await pool.run() }
            defer { pool.stop() }
            func job() async throws -> Job? { try await harness.withConnection { try $0.job(jid, tenant: nil) } }
            let deadline = ContinuousClock.now + .seconds(60)
            while try await job()?.state != .failed, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }

            let failed = try #require(try await job())
            #expect(failed.state == .failed)
            let visits = failed.erasedSoFar.first { $0.table == "events_archive" }
            #expect((visits?.rows ?? 0) >= 150, "\(failed.erasedSoFar)")
            let report = JobStatusReport(job: failed, now: Date(), cutoff: ArchiveCutoff(delay: .zero))
            #expect(report.phase == .partiallyErased)
            #expect(report.json.contains("\"erased_so_far\""))

            try await harness.execute(engine == .postgres ? "DROP TRIGGER refuse ON customers" : "DROP TRIGGER refuse")
            #expect(
                try await harness.withConnection { try $0.retryFailed(jid, tenant: Tenant("other"), now: nil) }
                    == .notFound)
            #expect(try await harness.withConnection { try $0.retryFailed(jid, tenant: nil, now: nil) } == .retried)
            let again = try await harness.withConnection { try $0.retryFailed(jid, tenant: nil, now: nil) }
            #expect(
                again != .retried && again != .notFound,
                "a job back in the queue (or already done) is not retried twice")
            while try await job()?.state != .done, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let done = try #require(try await job())
            #expect(done.state == .done)
            let counted = done.result?.tables.first { $0.table == "events_archive" }
            #expect(
                (counted?.rows ?? 0) >= (visits?.rows ?? 1),
                "the audit record lost the first attempt's visits: \(done.result?.tables ?? [])")
            pool.stop()
            try await running.value
        }

        @Test(
            "on SQLite, enqueues get the write lock between a large job's chunks, not after the job",
            arguments: [DatabaseEngine.sqlite])
        func enqueuesNotStarved(_ engine: DatabaseEngine) async throws {
            let harness = try await ErasureHarness.make(
                engine, configuration: ErasureHarness.configuration(rowsPerStatement: 2_000, rowsPerTransaction: 4_000))
            try await harness.execute(
                """
                WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 120000)
                INSERT INTO events_archive (id, visitor_key, event_type, page_url, ip_address, user_agent, occurred_at)
                SELECT 2000000 + n, 'session-000005-1', 'page_view', '/', NULL, 'agent', CURRENT_TIMESTAMP FROM g
                """)
            let jid = try await harness.withConnection { connection in
                _ = try connection.advanceArchiveWatermark(to: Date().addingTimeInterval(86_400))
                return try connection.enqueue(
                    EnqueueRequest(customerKey: try CustomerKey(ShopSample.customerKey(5)), mode: .delete)
                ).jid
            }
            let pool = WorkerPool(
                store: harness.database.store, handler: harness.handler,
                hasher: AuditKeyHasher(secret: Data("test".utf8)),
                configuration: .init(workers: 1, pollInterval: .milliseconds(20), archiveDelay: .zero),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let before = try await harness.count(
                "SELECT count(*) AS n FROM events_archive WHERE visitor_key = 'session-000005-1'")
            let running = Task { try await pool.run() }
            // Enqueue from another connection for as long as the job runs. After each enqueue, the
            // events deleted so far (committed chunks) say where in the job the enqueue got the
            // lock: starved enqueues all get it once the job is done, interleaved ones at many
            // chunk boundaries.
            // Counted in chunks rather than timed, so that a loaded machine cannot fail it.
            let deadline = ContinuousClock.now + .seconds(120)
            let (midJob, progressSeen) = try await harness.withConnection { connection -> (Int, Set<Int>) in
                var midJob = 0
                var progressSeen: Set<Int> = []
                while ContinuousClock.now < deadline {
                    guard try connection.job(jid, tenant: nil)?.state != .done else { break }
                    _ = try connection.enqueue(
                        EnqueueRequest(customerKey: try CustomerKey("waiting-\(midJob)"), kind: .export))
                    let job = try #require(try connection.job(jid, tenant: nil))
                    guard job.state != .done else { break }
                    midJob += 1
                    let left = try connection.database.firstRow(
                        "SELECT count(*) AS n FROM events_archive WHERE visitor_key = \("session-000005-1")")
                    progressSeen.insert(before - (try left?.int("n") ?? 0))
                    Thread.sleep(forTimeInterval: 0.005)
                }
                return (midJob, progressSeen)
            }
            #expect(try await harness.withConnection { try $0.job(jid, tenant: nil)?.state } == .done)
            #expect(midJob >= 5, "only \(midJob) enqueues got the write lock while the job ran")
            #expect(
                progressSeen.filter { $0 > 0 }.count >= 3,
                "enqueues got the lock at only \(progressSeen.sorted()) points of the job (\(midJob) enqueues): they waited for it to end"
            )
            pool.stop()
            try await running.value
        }
    }
}
