import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Logging
import Testing

@Suite("Worker pool")
struct WorkerPoolTests {
    @Test("M jobs, N workers: every job is done exactly once", arguments: TestDatabase.engines)
    func everyJobOnce(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let handler = ScriptedHandler()
        let harness = PoolHarness.start(database, handler: handler, workers: 4, batchSize: 25)
        let keys = (0..<600).map { "customer-\($0)" }
        let jids = try harness.enqueue(keys)
        try await harness.eventually("all jobs are done") {
            try harness.count("SELECT count(*) AS n FROM gdpr_audit") == keys.count
        }
        try await harness.stop()
        #expect(try harness.count("SELECT count(*) AS n FROM gdpr_audit") == keys.count)
        #expect(try harness.count("SELECT count(DISTINCT jid) AS n FROM gdpr_audit") == keys.count)
        #expect(try harness.count("SELECT count(*) AS n FROM gdpr_jobs") == 0)
        #expect(try harness.count("SELECT count(*) AS n FROM gdpr_audit WHERE attempts = 1") == keys.count)
        #expect(keys.allSatisfy { handler.calls(for: $0) == 1 })
        let done = try harness.job(jids[0])
        #expect(done?.state == .done)
        #expect(done?.result?.tables.first?.table == "customers")
    }

    @Test(
        "a job whose cutoff has not passed is not claimed; with the clock advanced, it is",
        arguments: TestDatabase.engines)
    func archiveCutoff(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let handler = ScriptedHandler()
        let clock = ManualClock(Date())
        let harness = PoolHarness.start(
            database, handler: handler, archiveDelay: .seconds(5 * 86_400), timeSource: .manual(clock))
        let jid = try harness.enqueue(["waiting"])[0]
        clock.set(try database.withConnection { try $0.now() })
        try await Task.sleep(for: .milliseconds(300))
        #expect(handler.calls(for: "waiting") == 0)
        #expect(try harness.job(jid)?.state == .pending)
        clock.advance(by: .seconds(5 * 86_400 + 1))
        try await harness.eventually("the job is done") { try harness.job(jid)?.state == .done }
        try await harness.stop()
    }

    @Test("a transient failure is retried and then succeeds", arguments: TestDatabase.engines)
    func transientRetry(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let handler = ScriptedHandler(["flaky": .failTransiently(times: 2)])
        let harness = PoolHarness.start(database, handler: handler)
        let jid = try harness.enqueue(["flaky"])[0]
        try await harness.eventually("the job is done") { try harness.job(jid)?.state == .done }
        try await harness.stop()
        #expect(try harness.job(jid)?.attempts == 3)
        #expect(handler.calls(for: "flaky") == 3)
    }

    @Test(
        "a job too large for its batch's transaction is put back, claimed alone and done, its attempt counted once",
        arguments: TestDatabase.engines)
    func jobRunsAlone(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let handler = ScriptedHandler(["big": .needsOwnTransaction])
        let harness = PoolHarness.start(database, handler: handler)
        let jids = try harness.enqueue(["small-1", "big", "small-2"])
        for jid in jids {
            try await harness.eventually("every job is done") { try harness.job(jid)?.state == .done }
        }
        try await harness.stop()
        #expect(try harness.job(jids[1])?.attempts == 1)
        #expect(handler.calls(for: "big") >= 2)
        #expect(try harness.count("SELECT count(*) AS n FROM gdpr_audit") == 3)
        #expect(try harness.count("SELECT count(*) AS n FROM gdpr_jobs") == 0)
    }

    @Test("a permanent failure ends failed with its reason at once", arguments: TestDatabase.engines)
    func permanentFailure(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let harness = PoolHarness.start(database, handler: ScriptedHandler(["doomed": .failPermanently]))
        let jid = try harness.enqueue(["doomed"])[0]
        try await harness.eventually("the job failed") { try harness.job(jid)?.state == .failed }
        try await harness.stop()
        let job = try #require(try harness.job(jid))
        #expect(job.attempts == 1)
        #expect(job.lastError == "cascade_limit: simulated: 120 keys exceed the limit of 50")
        #expect(try harness.count("SELECT count(*) AS n FROM gdpr_audit") == 0)
    }

    @Test("one failing job does not fail the rest of its batch", arguments: TestDatabase.engines)
    func failureIsolation(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let keys = (0..<20).map { "batch-\($0)" }
        let handler = ScriptedHandler(["batch-7": .failPermanently])
        let harness = PoolHarness.start(database, handler: handler, workers: 1)
        let jids = try harness.enqueue(keys)
        try await harness.eventually("every job finished") {
            try harness.count("SELECT count(*) AS n FROM gdpr_jobs") == 0
        }
        try await harness.stop()
        #expect(try harness.job(jids[7])?.state == .failed)
        #expect(try harness.count("SELECT count(*) AS n FROM gdpr_jobs_failed") == 1)
        #expect(try harness.count("SELECT count(*) AS n FROM gdpr_audit") == 19)
    }

    @Test("a job that keeps failing transiently fails after its last attempt", arguments: TestDatabase.engines)
    func exhaustion(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let handler = ScriptedHandler(["stubborn": .failTransiently(times: 99)])
        let harness = PoolHarness.start(database, handler: handler)
        let jid = try harness.enqueue(["stubborn"], maxAttempts: 3)[0]
        try await harness.eventually("the job failed") { try harness.job(jid)?.state == .failed }
        try await harness.stop()
        let job = try #require(try harness.job(jid))
        #expect(job.attempts == 3)
        #expect(job.lastError?.hasPrefix("database_busy: simulated lock timeout") == true)
        #expect(job.lastError?.hasSuffix("(attempt 3 of 3)") == true)
        #expect(handler.calls(for: "stubborn") == 3)
    }

    @Test("an idle worker wakes on an SQL INSERT well before its poll interval", arguments: TestDatabase.engines)
    func wakeOnInsert(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let harness = PoolHarness.start(database, handler: ScriptedHandler(), pollInterval: .seconds(600))
        try await Task.sleep(for: .milliseconds(300))
        let jid = try database.withConnection { connection in
            try #require(
                try connection.database.firstRow(
                    "INSERT INTO gdpr_jobs (customer_key) VALUES (\("woken")) RETURNING jid")
            ).jobID()
        }
        try await harness.eventually("the job is done", timeout: .seconds(60)) { try harness.job(jid)?.state == .done }
        try await harness.stop()
    }

    @Test("stop lets in-flight jobs finish and claims nothing more", arguments: TestDatabase.engines)
    func gracefulStop(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        // Both jobs exist before the pool starts: on SQLite an in-flight job holds the only write lock.
        let handler = ScriptedHandler(["first": .waitForGate, "second": .waitForGate])
        let jids = try database.withConnection { connection in
            try ["first", "second"].map { try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey($0))).jid }
        }
        let harness = PoolHarness.start(database, handler: handler, workers: 1, batchSize: 1)
        try await harness.eventually("a job started") { handler.hasStarted("first") || handler.hasStarted("second") }
        harness.pool.stop()
        handler.openGate()
        try await harness.task.value
        let states = try jids.map { try harness.job($0)?.state }
        #expect(states.filter { $0 == .done }.count == 1)
        #expect(states.filter { $0 == .pending }.count == 1)
        #expect(handler.calls(for: "first") + handler.calls(for: "second") == 1)
    }

    @Test(
        "past the shutdown timeout, in-flight work is interrupted and its job returned uncounted",
        arguments: TestDatabase.engines)
    func shutdownTimeout(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let handler = ScriptedHandler(["stuck": .blockInDatabase])
        let harness = PoolHarness.start(
            database, handler: handler, workers: 1, batchSize: 1, shutdownTimeout: .milliseconds(300))
        let jid = try harness.enqueue(["stuck"])[0]
        try await harness.eventually("the stuck job started") { handler.hasStarted("stuck") }
        try await harness.stop()
        let job = try #require(try harness.job(jid))
        #expect(job.state == .pending)
        #expect(job.attempts == 0)
    }

    @Test(
        "a job held by a worker that stopped responding is rescued after its lease and done once",
        arguments: TestDatabase.engines)
    func rescue(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        // The process is alive (its presence held), but its worker hangs: only the lease frees the job.
        let hung = try database.store.announcePresence(processID: "hung/1")
        defer { hung.close() }
        let clock = ManualClock(Date())
        let jid = try database.withConnection { connection in
            let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("orphan"))).jid
            clock.set(try connection.now())
            let claimed = try connection.claim(
                ClaimRequest(
                    worker: "hung/1/w0", limit: 1, lease: .seconds(5), cutoff: ArchiveCutoff(delay: .zero),
                    now: clock.now))
            #expect(claimed.count == 1)
            return jid
        }
        let maintenance = QueueMaintenance(
            database: BlockingConnectionPool(store: database.store, size: 1), logger: .init(label: "test"),
            timeSource: .manual(clock))
        #expect(await maintenance.rescueOnce() == RescueReport())
        clock.advance(by: .seconds(6))
        #expect(await maintenance.rescueOnce() == RescueReport(requeued: 1, failed: 0))
        // Started only now, so that its own maintenance cannot race the rescue above.
        let handler = ScriptedHandler()
        let harness = PoolHarness.start(database, handler: handler, timeSource: .manual(clock))
        try await harness.eventually("the rescued job is done") { try harness.job(jid)?.state == .done }
        try await harness.stop()
        #expect(handler.calls(for: "orphan") == 1)
        #expect(try harness.job(jid)?.attempts == 2)
    }
}
