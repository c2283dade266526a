import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// Enqueue and status: the rules every driver's store keeps.
struct EnqueueConformance {
    static let checks: [ConformanceCheck] = [
        ConformanceCheck("a plain SQL INSERT naming only the key enqueues a job with every default") {
            try EnqueueConformance().enqueueBySQL($0)
        },
        ConformanceCheck("jids are UUIDv7: their first 48 bits are the creation time in Unix milliseconds") {
            try EnqueueConformance().timeOrderedJobIDs($0)
        },
        ConformanceCheck("status is readable with SELECT from gdpr_job_status") {
            try EnqueueConformance().statusBySQL($0)
        },
        ConformanceCheck("the database refuses keys the API refuses, even through raw SQL") {
            try EnqueueConformance().constraintsBackTheValidation($0)
        },
        ConformanceCheck("keys that look like SQL, unicode and long keys are stored literally") {
            try EnqueueConformance().literalKeys($0)
        },
        ConformanceCheck("deduplication returns the pending job of the same tenant, kind, mode and key") {
            try EnqueueConformance().deduplication($0)
        },
        ConformanceCheck("an unknown jid is nil, and a job is invisible to other tenants") {
            try EnqueueConformance().lookups($0)
        },
        ConformanceCheck("settings keep the first value written") { try EnqueueConformance().settings($0) },
    ]

    /// The statement the README documents; only the placeholder differs between engines.
    static func sqlEnqueue(_ dialect: any SQLDialect) -> String {
        "INSERT INTO gdpr_jobs (customer_key) VALUES (\(dialect.placeholder(1))) RETURNING jid"
    }

    func enqueueBySQL(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let row = try #require(
                try connection.database.queryFirst(
                    Self.sqlEnqueue(connection.database.dialect), ["d9528030-509c-4e0f-b585-7168f1e9feca"]))
            let jid = try row.jobID()
            let job = try #require(try connection.job(jid, tenant: nil))
            #expect(job.tenant == .default)
            #expect(job.kind == .remove)
            #expect(job.mode == .anonymise)
            #expect(job.state == .pending)
            #expect(job.attempts == 0)
            #expect(job.maxAttempts == 20)
            let calendar = Calendar(identifier: .gregorian)
            let due = try #require(calendar.date(byAdding: .month, value: 1, to: job.createdAt))
            #expect(abs(job.legalDueAt.timeIntervalSince(due)) < 0.002)
            #expect(abs(try connection.now().timeIntervalSince(job.createdAt)) < 60)
        }
    }

    func timeOrderedJobIDs(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            var jids: [JobID] = []
            for index in 0..<3 {
                if index > 0 { Thread.sleep(forTimeInterval: 0.003) }
                jids.append(
                    try #require(
                        try connection.database.queryFirst(
                            Self.sqlEnqueue(connection.database.dialect), [.text("k-\(index)")])
                    )
                    .jobID())
            }
            for jid in jids {
                let text = jid.description
                #expect(Array(text)[14] == "7", "version nibble of \(text)")
                #expect("89ab".contains(Array(text)[19]), "variant of \(text)")
                let job = try #require(try connection.job(jid, tenant: nil))
                let milliseconds = try #require(
                    Int64(text.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16))
                // The id's clock is read when the row is made, created_at when its transaction
                // began: on a loaded machine they can be milliseconds apart, never seconds.
                #expect(
                    abs(Double(milliseconds) / 1000 - job.createdAt.timeIntervalSince1970) < 0.25, "time of \(text)")
            }
            // Made milliseconds apart, they sort in creation order, as text and as UUIDs.
            #expect(jids.map(\.description) == jids.map(\.description).sorted())
        }
    }

    func statusBySQL(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("k-1"))).jid
            let row = try #require(
                try connection.database.firstRow(
                    "SELECT status, state FROM gdpr_job_status WHERE jid = \(jid.description)"))
            #expect(try row.string("status") == "started")
            #expect(try row.string("state") == "pending")
        }
    }

    func constraintsBackTheValidation(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            for key in ["", "a\nb", String(repeating: "k", count: 257)] {
                do {
                    _ = try connection.database.query(Self.sqlEnqueue(connection.database.dialect), [.text(key)])
                    Issue.record("the database accepted an invalid key")
                } catch let error as DatabaseError {
                    #expect(error.code == .constraintViolation)
                    #expect(error.message.contains("gdpr_jobs_customer_key_valid"))
                }
            }
        }
    }

    func literalKeys(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let keys = [
                "'; DROP TABLE customers; --", "Ωmega-客户-🔑", String(repeating: "é", count: 128), #"{"a","b"}"#, "NULL",
                "\\x00",
            ]
            for key in keys {
                _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key)))
            }
            let claimed = try connection.claim(
                ClaimRequest(
                    worker: "w", limit: 100, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil))
            #expect(Set(claimed.map(\.customerKey.rawValue)) == Set(keys))
        }
    }

    func deduplication(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let key = try CustomerKey("dup-1")
            let first = try connection.enqueue(EnqueueRequest(customerKey: key, deduplicate: true))
            let second = try connection.enqueue(EnqueueRequest(customerKey: key, deduplicate: true))
            #expect(!first.deduplicated)
            #expect(second.deduplicated)
            #expect(second.jid == first.jid)
            let otherMode = try connection.enqueue(EnqueueRequest(customerKey: key, mode: .delete, deduplicate: true))
            let otherTenant = try connection.enqueue(
                EnqueueRequest(customerKey: key, tenant: try Tenant("acme"), deduplicate: true))
            let undeduplicated = try connection.enqueue(EnqueueRequest(customerKey: key))
            #expect(Set([first.jid, otherMode.jid, otherTenant.jid, undeduplicated.jid]).count == 4)
        }
    }

    func lookups(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            #expect(try connection.job(JobID(), tenant: nil) == nil)
            let acme = try Tenant("acme")
            let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("k"), tenant: acme)).jid
            #expect(try connection.job(jid, tenant: acme)?.tenant == acme)
            #expect(try connection.job(jid, tenant: .default) == nil)
            #expect(try connection.job(jid, tenant: nil) != nil)

            // Many at once, as the status endpoint reads them under a storm of polls: live, done,
            // cancelled and unknown jids in one statement.
            let live = try (0..<40).map {
                try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("many-\($0)"), tenant: acme)).jid
            }
            let claimed = try #require(
                try connection.claim(
                    ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil)
                ).first)
            try connection.database.transaction {
                _ = try connection.complete(
                    [
                        JobCompletion(
                            job: claimed, keyHash: "h", result: JobResult(keys: 1, tables: []), startedAt: Date())
                    ],
                    worker: "w", now: nil)
            }
            _ = try connection.cancel(live[39], tenant: acme, by: "test", now: nil)
            let unknown = JobID()
            let found = try connection.jobs(live + [jid, unknown])
            #expect(found.count == 41)
            #expect(found[unknown] == nil)
            #expect(found[claimed.jid]?.state == .done)
            #expect(found[live[39]]?.state == .cancelled)
            #expect(found[live[1]]?.state == .pending)
            #expect(found.values.allSatisfy { $0.tenant == acme })
            #expect(try connection.jobs([]).isEmpty)
        }
    }

    func settings(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection throws in
            #expect(try connection.setting("audit_secret") == nil)
            #expect(try connection.insertSettingIfAbsent("audit_secret", value: "first") == "first")
            #expect(try connection.insertSettingIfAbsent("audit_secret", value: "second") == "first")
        }
    }
}

extension EnqueueConformance {
    static let cancelChecks: [ConformanceCheck] = [
        ConformanceCheck("a job no worker has claimed can be cancelled; it keeps no key, and says who and when") {
            try EnqueueConformance().cancelUnclaimed($0)
        },
        ConformanceCheck("a claimed, finished or other tenant's job cannot be cancelled") {
            try EnqueueConformance().cancelRefusals($0)
        },
    ]

    /// The point of no return is the first claim: before it, a cancel withdraws the job whole.
    func cancelUnclaimed(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let acme = try Tenant("acme")
            let key = "cancel-me@example.com"
            let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), tenant: acme)).jid
            guard case .cancelled(let at) = try connection.cancel(jid, tenant: acme, by: "api-key:k1", now: nil) else {
                Issue.record("not cancelled")
                return
            }
            let job = try #require(try connection.job(jid, tenant: acme))
            #expect(job.state == .cancelled)
            #expect(job.state.status == .cancelled)
            #expect(job.cancelledBy == "api-key:k1")
            #expect(abs((job.finishedAt ?? .distantPast).timeIntervalSince(at)) < 0.01)
            #expect(
                try connection.claim(
                    ClaimRequest(worker: "w", limit: 10, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil)
                ).isEmpty)
            // No table holds the key any more.
            for table in ["gdpr_jobs", "gdpr_jobs_cancelled", "gdpr_jobs_failed", "gdpr_audit"] {
                for row in try connection.database.query("SELECT * FROM \(table)", []) {
                    #expect(
                        !row.values.contains { if case .text(let text) = $0 { text.contains(key) } else { false } },
                        "\(table)")
                }
            }
            guard case .alreadyStarted = try connection.cancel(jid, tenant: acme, by: "again", now: nil) else {
                Issue.record("a cancelled job cancelled twice")
                return
            }
        }
    }

    func cancelRefusals(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let acme = try Tenant("acme")
            let claimed = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("k-claimed"), tenant: acme)
            ).jid
            _ = try connection.claim(
                ClaimRequest(worker: "w", limit: 10, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil))
            guard case .alreadyStarted(let job) = try connection.cancel(claimed, tenant: acme, by: "x", now: nil) else {
                Issue.record("a claimed job was cancelled")
                return
            }
            #expect(job.state == .running)
            #expect(job.startedAt != nil, "the point of no return is known")
            let other = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("k-other"), tenant: acme))
                .jid
            guard case .notFound = try connection.cancel(other, tenant: try Tenant("globex"), by: "x", now: nil) else {
                Issue.record("another tenant cancelled the job")
                return
            }
            #expect(try connection.job(other, tenant: acme)?.state == .pending)
            guard case .notFound = try connection.cancel(JobID(), tenant: nil, by: "x", now: nil) else {
                Issue.record("an unknown jid was found")
                return
            }
        }
    }
}
