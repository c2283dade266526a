import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: job endpoints")
struct JobRoutesTests {
    let removePath = "/api/v2/event-data/create-remove-customer-job"
    let exportPath = "/api/v2/event-data/create-export-customer-job"
    let statusPath = "/api/v2/event-data/job-status"

    @Test(
        "create-remove-customer-job answers {jid, status: started} and stores the job for the key's tenant",
        arguments: TestDatabase.engines)
    func createRemove(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let response = try await client.execute(
                uri: "\(removePath)?customerKey=d9528030-509c-4e0f-b585-7168f1e9feca&mode=delete", method: .post,
                headers: harness.acme)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let json = response.json
            #expect(json["status"] as? String == "started")
            #expect(json.count == 2)
            let jid = try JobID(parsing: try #require(json["jid"] as? String))
            let job = try #require(try harness.database.withConnection { try $0.job(jid, tenant: nil) })
            #expect(job.tenant.name == "acme")
            #expect(job.kind == .remove)
            #expect(job.mode == .delete)
        }
    }

    @Test("a second request for the same pending key returns the same job", arguments: TestDatabase.engines)
    func deduplication(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let uri = "\(removePath)?customerKey=alice%40example.com"
            let first = try await client.execute(uri: uri, method: .post, headers: harness.acme).json["jid"] as? String
            let second = try await client.execute(uri: uri, method: .post, headers: harness.acme).json["jid"] as? String
            let otherTenant =
                try await client.execute(uri: uri, method: .post, headers: harness.globex).json["jid"] as? String
            #expect(first != nil)
            #expect(first == second)
            #expect(otherTenant != first)
        }
        #expect(
            try harness.database.withConnection {
                try $0.database.queryFirst("SELECT count(*) AS n FROM gdpr_jobs")?.int("n")
            } == 2)
    }

    @Test("create-export-customer-job has the same shape", arguments: TestDatabase.engines)
    func createExport(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let response = try await client.execute(
                uri: "\(exportPath)?customerKey=k-1", method: .post, headers: harness.acme)
            #expect(response.status == .ok)
            let jid = try JobID(parsing: try #require(response.json["jid"] as? String))
            #expect(try harness.database.withConnection { try $0.job(jid, tenant: nil)?.kind } == .export)
        }
    }

    @Test(
        "job-status: started with details; unknown and other tenants' jobs are the contract's 404",
        arguments: TestDatabase.engines)
    func status(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let created = try await client.execute(
                uri: "\(removePath)?customerKey=bob", method: .post, headers: harness.acme)
            let jid = try #require(created.json["jid"] as? String)
            let status = try await client.execute(uri: "\(statusPath)?jid=\(jid)", method: .get, headers: harness.acme)
            #expect(status.status == .ok)
            let json = status.json
            #expect(json["jid"] as? String == jid)
            #expect(json["status"] as? String == "started")
            #expect(json["phase"] as? String == "waiting_for_archive")
            #expect(json["eligible_at"] is String)
            #expect(json["legal_due_at"] is String)
            #expect(json["attempts"] as? Int == 0)
            #expect(!status.text.contains("bob"))

            // The answer of a live job is kept encoded; once the job changes, a poll shows the change.
            _ = try harness.database.withConnection { connection in
                try connection.claim(
                    ClaimRequest(
                        worker: "w", limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil))
            }
            let claimed = try await client.execute(uri: "\(statusPath)?jid=\(jid)", method: .get, headers: harness.acme)
            #expect(claimed.json["phase"] as? String == "running")
            #expect(claimed.json["attempts"] as? Int == 1)

            let foreign = try await client.execute(
                uri: "\(statusPath)?jid=\(jid)", method: .get, headers: harness.globex)
            #expect(foreign.status == .notFound)
            #expect(foreign.text == #"{"jid":"\#(jid)","status":"not_found"}"#)

            let unknown = "d9528030-509c-4e0f-b585-7168f1e9feca"
            let missing = try await client.execute(
                uri: "\(statusPath)?jid=\(unknown)", method: .get, headers: harness.acme)
            #expect(missing.status == .notFound)
            #expect(missing.text == #"{"jid":"\#(unknown)","status":"not_found"}"#)
        }
    }

    @Test("a done job reports its per-table counts", arguments: TestDatabase.engines)
    func doneJob(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        let jid = try harness.database.withConnection { connection in
            let jid = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("carol"), tenant: try Tenant("acme"))
            ).jid
            let claimed = try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil))
            try connection.database.transaction {
                _ = try connection.holdLeases([jid], worker: "w", lease: .seconds(60), now: nil)
                let result = JobResult(
                    keys: 3, tables: [.init(table: "customers", method: "anonymise", rows: 1, fields: 5)])
                _ = try connection.complete(
                    [JobCompletion(job: claimed[0], keyHash: "h", result: result, startedAt: Date())], worker: "w",
                    now: nil)
            }
            return jid
        }
        try await harness.test { client in
            for _ in 0..<2 {
                let response = try await client.execute(
                    uri: "\(statusPath)?jid=\(jid)", method: .get, headers: harness.acme)
                let json = response.json
                #expect(json["status"] as? String == "done")
                #expect(json["phase"] as? String == "done")
                #expect(json["keys"] as? Int == 3)
                let tables = try #require(json["tables"] as? [[String: Any]])
                #expect(tables.first?["table"] as? String == "customers")
                #expect(tables.first?["rows"] as? Int == 1)
                #expect(tables.first?["fields"] as? Int == 5)
            }
        }
    }

    @Test(
        "retry-job puts a failed job back under its jid; a job not failed is 409, another tenant's or an unknown one 404",
        arguments: TestDatabase.engines)
    func retry(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        let retryPath = "/api/v2/event-data/retry-job"
        let (failed, pending) = try harness.database.withConnection { connection in
            let failed = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("fails"), tenant: try Tenant("acme"))
            ).jid
            let claimed = try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil))
            #expect(try connection.fail(try #require(claimed.first), worker: "w", reason: "data_map: test", now: nil))
            let pending = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("waits"), tenant: try Tenant("acme"))
            ).jid
            return (failed, pending)
        }
        try await harness.test { client in
            let otherTenant = try await client.execute(
                uri: "\(retryPath)?jid=\(failed)", method: .post, headers: harness.globex)
            #expect(otherTenant.status == .notFound)
            let retried = try await client.execute(
                uri: "\(retryPath)?jid=\(failed)", method: .post, headers: harness.acme)
            #expect(retried.status == .ok)
            #expect(retried.json["status"] as? String == "started")
            #expect(retried.json["jid"] as? String == failed.description)
            let status = try await client.execute(
                uri: "\(statusPath)?jid=\(failed)", method: .get, headers: harness.acme)
            #expect(status.json["status"] as? String == "started")
            #expect((status.json["reason"] as? String)?.hasPrefix("operator_retry: data_map: test") == true)
            #expect(status.json["attempts"] as? Int == 0)
            for jid in [failed, pending] {
                let again = try await client.execute(
                    uri: "\(retryPath)?jid=\(jid)", method: .post, headers: harness.acme)
                #expect(again.status == .conflict)
                #expect(again.json["code"] as? String == "job_not_failed")
            }
            let unknown = try await client.execute(
                uri: "\(retryPath)?jid=\(UUID())", method: .post, headers: harness.acme)
            #expect(unknown.status == .notFound)
            #expect(unknown.json["status"] as? String == "not_found")
            let malformed = try await client.execute(uri: "\(retryPath)?jid=nope", method: .post, headers: harness.acme)
            #expect(malformed.status == .badRequest)
        }
    }

    @Test(
        "cancel-job withdraws a waiting job, whose status then says who cancelled it; a second cancel is 409, another tenant's 404",
        arguments: TestDatabase.engines)
    func cancel(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let jid = try #require(
                try await client.execute(
                    uri: "\(removePath)?customerKey=withdrawn%40example.com", method: .post, headers: harness.acme
                ).json["jid"] as? String)
            let cancelPath = "/api/v2/event-data/cancel-job?jid=\(jid)"
            let other = try await client.execute(uri: cancelPath, method: .post, headers: harness.globex)
            #expect(other.status == .notFound)
            let cancelled = try await client.execute(uri: cancelPath, method: .post, headers: harness.acme)
            #expect(cancelled.status == .ok)
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(cancelled.json["cancelled_at"] is String)
            let status = try await client.execute(uri: "\(statusPath)?jid=\(jid)", method: .get, headers: harness.acme)
            #expect(status.json["status"] as? String == "cancelled")
            #expect(status.json["phase"] as? String == "cancelled")
            #expect(status.json["cancelled_by"] as? String == "api-key:\(harness.acmeKey.id)")
            #expect(status.json["finished_at"] as? String == cancelled.json["cancelled_at"] as? String)
            let again = try await client.execute(uri: cancelPath, method: .post, headers: harness.acme)
            #expect(again.status == .conflict)
            #expect(again.json["code"] as? String == "job_started")
        }
        let keys = try harness.database.withConnection { connection in
            try connection.database.query("SELECT * FROM gdpr_jobs_cancelled", []).flatMap(\.values)
        }
        #expect(!keys.contains { if case .text(let text) = $0 { text.contains("withdrawn") } else { false } })
    }

    @Test(
        "extend-legal-due moves the deadline to creation plus three months at most, with the reason in the status and per-tenant metrics",
        arguments: TestDatabase.engines)
    func extendLegalDue(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let jid = try #require(
                try await client.execute(
                    uri: "\(removePath)?customerKey=busy%40example.com", method: .post, headers: harness.acme
                ).json["jid"] as? String)
            let before = try await client.execute(uri: "\(statusPath)?jid=\(jid)", method: .get, headers: harness.acme)
            let createdText = try #require(before.json["created_at"] as? String)
            let created = try #require(Timestamp.parse(createdText))
            let extendPath = "/api/v2/event-data/extend-legal-due?jid=\(jid)&reason=a%20complex%20request"
            #expect(
                try await client.execute(uri: extendPath + "&months=3", method: .post, headers: harness.acme).status
                    == .badRequest)
            #expect(
                try await client.execute(uri: extendPath, method: .post, headers: harness.globex).status == .notFound)
            let extended = try await client.execute(uri: extendPath, method: .post, headers: harness.acme)
            #expect(extended.status == .ok)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let expected = try #require(calendar.date(byAdding: .month, value: 3, to: created))
            let dueText = try #require(extended.json["legal_due_at"] as? String)
            let due = try #require(Timestamp.parse(dueText))
            #expect(abs(due.timeIntervalSince(expected)) < 0.01)
            let after = try await client.execute(uri: "\(statusPath)?jid=\(jid)", method: .get, headers: harness.acme)
            #expect(after.json["legal_due_reason"] as? String == "a complex request")
            #expect(after.json["legal_due_at"] as? String == extended.json["legal_due_at"] as? String)
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"gdpr_worker_tenant_jobs_near_legal_due{tenant="acme"} 0"#))
            #expect(metrics.contains(#"gdpr_worker_tenant_jobs_past_legal_due{tenant="acme"} 0"#))
        }
        let log = try harness.database.withConnection {
            try $0.database.queryFirst("SELECT count(*) AS n FROM gdpr_legal_extensions")?.int("n")
        }
        #expect(log == 1)
    }

    @Test(
        "a storm of concurrent polls of many jobs: each answer is its own job's, and another tenant's is 404",
        arguments: TestDatabase.engines)
    func pollStorm(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        let (acmeJobs, globexJobs) = try harness.database.withConnection { connection in
            (
                try (0..<30).map {
                    try connection.enqueue(
                        EnqueueRequest(customerKey: try CustomerKey("a-\($0)"), tenant: try Tenant("acme"))
                    ).jid
                },
                try (0..<10).map {
                    try connection.enqueue(
                        EnqueueRequest(customerKey: try CustomerKey("g-\($0)"), tenant: try Tenant("globex"))
                    ).jid
                }
            )
        }
        try await harness.test { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<300 {
                    let foreign = index % 5 == 0
                    let jid = foreign ? globexJobs[index % globexJobs.count] : acmeJobs[index % acmeJobs.count]
                    group.addTask {
                        let response = try await client.execute(
                            uri: "\(statusPath)?jid=\(jid)", method: .get, headers: harness.acme)
                        if foreign {
                            #expect(response.status == .notFound)
                            #expect(response.json["status"] as? String == "not_found")
                        } else {
                            #expect(response.status == .ok)
                            #expect(response.json["jid"] as? String == jid.description)
                            #expect(response.json["tenant"] as? String == "acme")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
