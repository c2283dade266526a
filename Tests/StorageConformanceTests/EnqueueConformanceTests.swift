import Foundation
import GDPRWorkerCore
import GDPRWorkerPostgres
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

@Suite("Storage conformance: enqueue and status")
struct EnqueueConformanceTests {
    /// The statement the README documents; only the placeholder differs between engines.
    static func sqlEnqueue(_ dialect: any SQLDialect) -> String {
        "INSERT INTO gdpr_jobs (customer_key) VALUES (\(dialect.placeholder(1))) RETURNING jid"
    }

    @Test("a plain SQL INSERT naming only the key enqueues a job with every default", arguments: TestDatabase.engines)
    func enqueueBySQL(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
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

    @Test(
        "jids are UUIDv7: their first 48 bits are the creation time in Unix milliseconds",
        arguments: TestDatabase.engines)
    func timeOrderedJobIDs(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
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
                #expect(
                    abs(Double(milliseconds) / 1000 - job.createdAt.timeIntervalSince1970) < 0.002, "time of \(text)")
            }
            // Made milliseconds apart, they sort in creation order, as text and as UUIDs.
            #expect(jids.map(\.description) == jids.map(\.description).sorted())
        }
    }

    @Test("status is readable with SELECT from gdpr_job_status", arguments: TestDatabase.engines)
    func statusBySQL(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        try database.withConnection { connection in
            let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("k-1"))).jid
            let row = try #require(
                try connection.database.firstRow(
                    "SELECT status, state FROM gdpr_job_status WHERE jid = \(jid.description)"))
            #expect(try row.string("status") == "started")
            #expect(try row.string("state") == "pending")
        }
    }

    @Test("the database refuses keys the API refuses, even through raw SQL", arguments: TestDatabase.engines)
    func constraintsBackTheValidation(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
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

    @Test("keys that look like SQL, unicode and long keys are stored literally", arguments: TestDatabase.engines)
    func literalKeys(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
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

    @Test(
        "deduplication returns the pending job of the same tenant, kind, mode and key", arguments: TestDatabase.engines)
    func deduplication(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
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

    @Test("an unknown jid is nil, and a job is invisible to other tenants", arguments: TestDatabase.engines)
    func lookups(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        try database.withConnection { connection in
            #expect(try connection.job(JobID(), tenant: nil) == nil)
            let acme = try Tenant("acme")
            let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("k"), tenant: acme)).jid
            #expect(try connection.job(jid, tenant: acme)?.tenant == acme)
            #expect(try connection.job(jid, tenant: .default) == nil)
            #expect(try connection.job(jid, tenant: nil) != nil)
        }
    }

    @Test("settings keep the first value written", arguments: TestDatabase.engines)
    func settings(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        try database.withConnection { connection throws in
            #expect(try connection.setting("audit_secret") == nil)
            #expect(try connection.insertSettingIfAbsent("audit_secret", value: "first") == "first")
            #expect(try connection.insertSettingIfAbsent("audit_secret", value: "second") == "first")
        }
    }
}
