import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// Claims, completion, retries and rescue: the rules every driver's store keeps.
struct QueueConformance {
    static let checks: [ConformanceCheck] = [
        ConformanceCheck("a job whose archive cutoff has not passed is not claimed; with the clock advanced, it is") {
            try QueueConformance().cutoff($0)
        },
        ConformanceCheck("claims take at most the limit, in creation order, and never the same job twice") {
            try QueueConformance().batches($0)
        },
        ConformanceCheck("a claim commits the attempt at once; another worker's claim skips the claimed jobs") {
            try QueueConformance().claimIsCommitted($0)
        },
        ConformanceCheck(
            "completion removes jobs from the queue and writes one audit record each, which is their done status"
        ) { try QueueConformance().completion($0) },
        ConformanceCheck(
            "holding leases locks the jobs still this worker's and renews them; a job another worker holds is not completed"
        ) { try QueueConformance().holdLeases($0) },
        ConformanceCheck("a worker cannot retry or fail a leased job it no longer owns") {
            try QueueConformance().ownership($0)
        },
        ConformanceCheck("retry schedules the next attempt; fail keeps the key and the reason") {
            try QueueConformance().retryAndFail($0)
        },
        ConformanceCheck("vacuuming the queue is safe at any time") { try QueueConformance().vacuum($0) },
        ConformanceCheck("release returns claimed jobs without counting the attempt") {
            try QueueConformance().release($0)
        },
        ConformanceCheck("an expired lease is rescued; a live or extended one is not; the last attempt fails") {
            try QueueConformance().rescue($0)
        },
        ConformanceCheck(
            "the jobs of a process whose presence is gone are rescued before their lease expires; a present one's are not"
        ) { try QueueConformance().presence($0) },
        ConformanceCheck("an INSERT from another connection wakes a waiting worker") {
            try QueueConformance().wakeup($0)
        },
    ]

    let worker = "host/1/w0"

    func claimRequest(
        limit: Int = 10, delay: Duration = .zero, lease: Duration = .seconds(60), clock: ManualClock? = nil,
        worker: String? = nil
    )
        -> ClaimRequest
    {
        ClaimRequest(
            worker: worker ?? self.worker, limit: limit, lease: lease, cutoff: ArchiveCutoff(delay: delay),
            now: clock?.now)
    }

    func enqueue(_ connection: any JobStoreConnection, _ count: Int, prefix: String = "k") throws -> [JobID] {
        try (0..<count).map {
            try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("\(prefix)-\($0)"))).jid
        }
    }

    func completion(_ job: ClaimedJob, rows: Int = 3) -> JobCompletion {
        JobCompletion(
            job: job, keyHash: "hmac-\(job.jid)",
            result: JobResult(
                keys: 2,
                tables: [
                    .init(table: "customers", method: "anonymise", rows: 1, fields: 4),
                    .init(table: "orders", method: "keep", rows: rows, fields: 0),
                ]),
            startedAt: Date())
    }

    func cutoff(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let clock = ManualClock(try connection.now())
            let jid = try enqueue(connection, 1)[0]
            #expect(try connection.claim(claimRequest(delay: .seconds(5 * 86_400), clock: clock)).isEmpty)
            clock.advance(by: .seconds(5 * 86_400 - 60))
            #expect(try connection.claim(claimRequest(delay: .seconds(5 * 86_400), clock: clock)).isEmpty)
            clock.advance(by: .seconds(120))
            let claimed = try connection.claim(claimRequest(delay: .seconds(5 * 86_400), clock: clock))
            #expect(claimed.map(\.jid) == [jid])
            #expect(claimed.first?.attempt == 1)
            #expect(try connection.job(jid, tenant: nil)?.state == .running)
        }
    }

    func batches(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let jids = try enqueue(connection, 25)
            let first = try connection.claim(claimRequest(limit: 10))
            let second = try connection.claim(claimRequest(limit: 10, worker: "other"))
            let third = try connection.claim(claimRequest(limit: 10))
            #expect(first.count == 10)
            #expect(second.count == 10)
            #expect(third.count == 5)
            #expect(Set((first + second + third).map(\.jid)) == Set(jids))
            #expect(try connection.claim(claimRequest()).isEmpty)
        }
    }

    func claimIsCommitted(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let jids = try enqueue(connection, 5)
            let claimed = try connection.claim(claimRequest(limit: 3))
            #expect(Set(claimed.map(\.jid)) == Set(jids.prefix(3)))
            #expect(claimed.allSatisfy { $0.attempt == 1 && $0.startedAt != nil })
            // Committed: another connection sees the attempt and the lease.
            try database.withConnection { other in
                let job = try #require(try other.job(jids[0], tenant: nil))
                #expect(job.state == .running)
                #expect(job.attempts == 1)
                #expect(
                    Set(try other.claim(claimRequest(limit: 10, worker: "other")).map(\.jid)) == Set(jids.suffix(2)))
            }
        }
    }

    func completion(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            _ = try enqueue(connection, 3)
            let claimed = try connection.claim(claimRequest())
            let finished = try connection.database.transaction {
                #expect(
                    try connection.holdLeases(claimed.map(\.jid), worker: worker, lease: .seconds(60), now: nil).count
                        == 3)
                return try connection.complete(claimed.map { completion($0) }, worker: worker, now: nil)
            }
            #expect(finished == 3)
            let audit = try connection.database.query(
                "SELECT count(*) AS n, sum(rows_affected) AS r, sum(tables_touched) AS t, min(attempts) AS a, sum(linked_keys) AS l FROM gdpr_audit",
                [])
            #expect(try audit.first?.int("n") == 3)
            #expect(try audit.first?.int("r") == 12)
            #expect(try audit.first?.int("t") == 6)
            #expect(try audit.first?.int("a") == 1)
            #expect(try audit.first?.int("l") == 3)
            #expect(
                try connection.database.query("SELECT tables FROM gdpr_audit", []).allSatisfy {
                    $0.optionalString("tables")?.contains("\"orders\"") == true
                })
            #expect(try connection.database.query("SELECT * FROM gdpr_jobs", []).isEmpty)
            let columns = try connection.database.query("SELECT * FROM gdpr_audit", []).first?.columns ?? []
            #expect(!columns.contains("customer_key"))
            let jid = try #require(try connection.database.queryFirst("SELECT jid FROM gdpr_audit", [])).jobID()
            let done = try #require(try connection.job(jid, tenant: nil))
            #expect(done.state == .done)
            #expect(done.attempts == 1)
            #expect(done.startedAt != nil)
            #expect(done.finishedAt != nil)
            #expect(done.result?.keys == 2)
            #expect(done.result?.tables.map(\.table) == ["customers", "orders"])
            #expect(done.result?.rowsAffected == 4)
        }
    }

    func holdLeases(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        let presence = try database.store.announcePresence(processID: "host/1")
        defer { presence.close() }
        try database.withConnection { connection in
            let jid = try enqueue(connection, 1)[0]
            let clock = ManualClock(try connection.now())
            let job = try #require(try connection.claim(claimRequest(lease: .seconds(10), clock: clock)).first)
            clock.advance(by: .seconds(8))
            let held = try connection.database.transaction {
                try connection.holdLeases([jid], worker: worker, lease: .seconds(10), now: clock.now)
            }
            #expect(held == [jid])
            clock.advance(by: .seconds(5))
            // Renewed at 8 s for 10 s: not expired at 13 s.
            #expect(try connection.rescueExpired(now: clock.now, retryDelay: .zero) == RescueReport())
            let finished = try connection.database.transaction {
                #expect(
                    try connection.holdLeases([jid], worker: "host/2/w9", lease: .seconds(10), now: clock.now).isEmpty)
                return try connection.complete([completion(job)], worker: "host/2/w9", now: clock.now)
            }
            #expect(finished == 0)
            #expect(try connection.job(jid, tenant: nil)?.state == .running)
            #expect(try connection.database.queryFirst("SELECT count(*) AS n FROM gdpr_audit")?.int("n") == 0)
        }
    }

    func ownership(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            _ = try enqueue(connection, 1)
            let job = try #require(try connection.claim(claimRequest()).first)
            let stranger = "host/2/w9"
            #expect(try !connection.retry(job, worker: stranger, after: .seconds(1), reason: "x", now: nil))
            #expect(try !connection.fail(job, worker: stranger, reason: "x", now: nil))
            #expect(try connection.job(job.jid, tenant: nil)?.state == .running)
        }
    }

    func retryAndFail(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let jid = try enqueue(connection, 1)[0]
            let clock = ManualClock(try connection.now())
            let first = try #require(try connection.claim(claimRequest(clock: clock)).first)
            #expect(
                try connection.retry(
                    first, worker: worker, after: .seconds(30), reason: "database_busy: locked", now: clock.now))
            var job = try #require(try connection.job(jid, tenant: nil))
            #expect(job.state == .pending)
            #expect(job.attempts == 1)
            #expect(job.lastError == "database_busy: locked")
            #expect(try connection.claim(claimRequest(clock: clock)).isEmpty)
            clock.advance(by: .seconds(31))
            let again = try #require(try connection.claim(claimRequest(clock: clock)).first)
            #expect(again.attempt == 2)
            #expect(again.startedAt != nil)
            #expect(
                try connection.fail(
                    again, worker: worker, reason: "cascade_limit: 3 keys exceed the limit of 2", now: clock.now))
            job = try #require(try connection.job(jid, tenant: nil))
            #expect(job.state == .failed)
            #expect(job.state.status == .failed)
            #expect(job.attempts == 2)
            #expect(job.lastError == "cascade_limit: 3 keys exceed the limit of 2")
            let kept = try connection.database.query("SELECT customer_key, worker FROM gdpr_jobs_failed", [])
            #expect(try kept.first?.string("customer_key") == "k-0")
            #expect(try kept.first?.string("worker") == worker)
        }
    }

    func vacuum(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            _ = try enqueue(connection, 10)
            let claimed = try connection.claim(claimRequest(limit: 5))
            try connection.database.transaction {
                _ = try connection.complete(claimed.map { completion($0) }, worker: worker, now: nil)
            }
            try connection.vacuumQueue()
            #expect(try connection.database.queryFirst("SELECT count(*) AS n FROM gdpr_jobs")?.int("n") == 5)
        }
    }

    func release(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            _ = try enqueue(connection, 4)
            let claimed = try connection.claim(claimRequest())
            #expect(try connection.release(claimed.map(\.jid), worker: worker) == 4)
            let again = try connection.claim(claimRequest())
            #expect(again.count == 4)
            #expect(again.allSatisfy { $0.attempt == 1 })
        }
    }

    func rescue(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        // Both workers' processes are alive: only their leases decide.
        let presences = try ["dead", "live"].map { try database.store.announcePresence(processID: $0) }
        defer { presences.forEach { $0.close() } }
        try database.withConnection { connection in
            let dead = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("dead"))).jid
            let exhausted = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("last"), maxAttempts: 1))
                .jid
            let clock = ManualClock(try connection.now())
            #expect(try connection.claim(claimRequest(lease: .seconds(10), clock: clock, worker: "dead/w0")).count == 2)
            let alive = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("alive"))).jid
            clock.set(try connection.now())
            #expect(
                try connection.claim(claimRequest(lease: .seconds(10), clock: clock, worker: "live/w0")).map(\.jid) == [
                    alive
                ])
            #expect(try connection.rescueExpired(now: clock.now, retryDelay: .zero) == RescueReport())
            clock.advance(by: .seconds(8))
            #expect(try connection.extendLeases(workers: ["live/w0"], lease: .seconds(10), now: clock.now) == 1)
            clock.advance(by: .seconds(5))
            #expect(
                try connection.rescueExpired(now: clock.now, retryDelay: .zero) == RescueReport(requeued: 1, failed: 1))
            #expect(try connection.job(dead, tenant: nil)?.state == .pending)
            #expect(try connection.job(dead, tenant: nil)?.lastError?.hasPrefix("lease_expired") == true)
            #expect(try connection.job(exhausted, tenant: nil)?.state == .failed)
            #expect(try connection.job(alive, tenant: nil)?.state == .running)
            let reclaimed = try connection.claim(claimRequest(clock: clock, worker: "new-worker"))
            #expect(reclaimed.map(\.jid) == [dead])
            #expect(reclaimed.first?.attempt == 2)
        }
    }

    func presence(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        let alive = try database.store.announcePresence(processID: "host/1/alive")
        defer { alive.close() }
        let dying = try database.store.announcePresence(processID: "host/2/dying")
        try database.withConnection { connection in
            let jids = try enqueue(connection, 3)
            #expect(
                try connection.claim(claimRequest(limit: 1, lease: .seconds(600), worker: "host/1/alive/w0")).map(\.jid)
                    == [jids[0]])
            #expect(
                try connection.claim(claimRequest(limit: 1, lease: .seconds(600), worker: "host/2/dying/w0")).map(\.jid)
                    == [jids[1]])
            #expect(
                try connection.claim(claimRequest(limit: 1, lease: .seconds(600), worker: "host/3/never/w0")).map(\.jid)
                    == [jids[2]])
            // A process that never announced itself holds nothing.
            #expect(try connection.rescueExpired(now: nil, retryDelay: .zero) == RescueReport(requeued: 1, failed: 0))
            #expect(try connection.job(jids[2], tenant: nil)?.state == .pending)
            #expect(dying.isHeld && alive.isHeld)
            dying.close()
            #expect(try connection.rescueExpired(now: nil, retryDelay: .zero) == RescueReport(requeued: 1, failed: 0))
            #expect(try connection.job(jids[1], tenant: nil)?.state == .pending)
            #expect(try connection.job(jids[1], tenant: nil)?.attempts == 1)
            #expect(try connection.job(jids[0], tenant: nil)?.state == .running)
        }
    }

    func wakeup(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        let source = try database.store.makeWakeupSource()
        defer { source.close() }
        #expect(try !source.wait(timeout: .milliseconds(50)))
        try database.withConnection { connection in _ = try enqueue(connection, 1) }
        #expect(try source.wait(timeout: .seconds(5)))
    }
}
