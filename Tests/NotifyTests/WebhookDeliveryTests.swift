import Foundation
import GDPRWorkerNotify
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Logging
import Testing

/// Webhooks delivered to a real HTTP receiver that checks every signature, through a receiver
/// that is down for a while and one that answers errors.
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    let acme = try! Tenant("acme")

    /// Claims and finishes `keys` as done jobs of acme, and fails one more; returns the done jids.
    func finishJobs(_ keys: [String], failing: String, on connection: any JobStoreConnection) throws -> [JobID] {
        for key in keys + [failing] {
            _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), tenant: acme))
        }
        let claimed = try connection.claim(
            ClaimRequest(worker: "w", limit: 100, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil))
        let done = claimed.filter { $0.customerKey.rawValue != failing }
        try connection.database.transaction {
            _ = try connection.complete(
                done.map { job in
                    JobCompletion(
                        job: job, keyHash: "hmac-\(job.jid)",
                        result: JobResult(
                            keys: 1, tables: [.init(table: "customers", method: "anonymise", rows: 1, fields: 2)]),
                        startedAt: Date())
                }, worker: "w", now: nil)
        }
        for job in claimed where job.customerKey.rawValue == failing {
            _ = try connection.fail(job, worker: "w", reason: "poison_job", now: nil)
        }
        return done.map(\.jid)
    }

    func dispatcher(_ database: TestDatabase) -> OutboxDispatcher {
        var logger = Logger(label: "test.outbox")
        logger.logLevel = .critical
        return OutboxDispatcher(
            database: BlockingConnectionPool(store: database.store, size: 2, label: "outbox"),
            configuration: .init(
                pollInterval: .milliseconds(50), lease: .seconds(5), requestTimeout: .seconds(2),
                retrySchedule: Array(repeating: .milliseconds(300), count: 30), jitter: 0),
            sealer: nil, mail: nil, logger: logger)
    }

    func outbox(_ database: TestDatabase, _ sql: String) throws -> Int {
        try database.withConnection { try $0.database.queryFirst(sql)?.int("n") ?? -1 }
    }

    @Test(
        "every event reaches the receiver signed, once it is back up after being down, and after 503s",
        arguments: TestDatabase.engines)
    func downThenUp(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let receiver = WebhookReceiver(port: freeTCPPort())
        let endpoint = try database.withConnection {
            try $0.addWebhook(tenant: acme, url: receiver.url, by: "test")
        }
        receiver.expect(secret: try #require(endpoint.secret))
        let keys = (1...8).map { "person-\($0)@example.com" }
        let done = try database.withConnection {
            try finishJobs(keys, failing: "poison@example.com", on: $0)
        }
        let dispatcher = dispatcher(database)

        // The receiver is down: every attempt is refused, recorded, and the events wait.
        #expect(await dispatcher.dispatchOnce() == 16)
        #expect(try outbox(database, "SELECT count(*) AS n FROM gdpr_outbox WHERE delivered_at IS NULL") == 18)
        #expect(
            try outbox(
                database, "SELECT count(*) AS n FROM gdpr_outbox_attempts WHERE status IS NULL AND error IS NOT NULL")
                == 16)
        try await Task.sleep(for: .milliseconds(400))
        _ = await dispatcher.dispatchOnce()

        // Back up, first answering 503 three times.
        try await receiver.start()
        receiver.fail(next: 3)
        let deadline = ContinuousClock.now + .seconds(60)
        while try outbox(database, "SELECT count(*) AS n FROM gdpr_outbox WHERE delivered_at IS NULL") > 0,
            ContinuousClock.now < deadline
        {
            if await dispatcher.dispatchOnce() == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        await receiver.stop()

        let received = receiver.received
        let eventIDs = try database.withConnection { connection in
            try connection.database.rows("SELECT event_id FROM gdpr_outbox").map { try $0.string("event_id") }
        }
        #expect(Set(received.map(\.id)) == Set(eventIDs), "every event, under its own id")
        #expect(received.count == 18, "8 done and 1 failed job: 9 started, 8 done, 1 failed")
        #expect(received.allSatisfy { $0.signatureHolds }, "each signature checks out with the endpoint's secret")
        #expect(try outbox(database, "SELECT count(*) AS n FROM gdpr_outbox_attempts WHERE status = 503") == 3)
        let bodies = received.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any]
        }
        let doneJids = bodies.filter { $0["type"] as? String == "job.done" }.compactMap {
            ($0["data"] as? [String: Any])?["jid"] as? String
        }
        #expect(Set(doneJids) == Set(done.map(\.description)))
        #expect(bodies.filter { $0["type"] as? String == "job.failed" }.count == 1)
        for event in received {
            for key in keys + ["poison@example.com"] { #expect(!event.body.contains(key)) }
        }
        // A signature made with another secret does not check out.
        let first = try #require(received.first)
        #expect(
            !WebhookSignature.verify(
                header: first.signature, secret: WebhookEndpoint.newSecret(), id: first.id, timestamp: first.timestamp,
                body: Array(first.body.utf8)))
        #expect(
            !WebhookSignature.verify(
                header: first.signature, secret: try #require(endpoint.secret), id: first.id,
                timestamp: first.timestamp, body: Array((first.body + " ").utf8)), "a changed body")
    }

    @Test("an event given up after its retries is kept as abandoned, with each attempt recorded")
    func givenUp() async throws {
        let database = try TestDatabase(.sqlite)
        let port = freeTCPPort()
        try database.withConnection { connection in
            _ = try connection.addWebhook(tenant: acme, url: "http://127.0.0.1:\(port)/hook", by: "test")
            _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("k"), tenant: acme))
            _ = try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil))
        }
        var logger = Logger(label: "test.outbox")
        logger.logLevel = .critical
        let dispatcher = OutboxDispatcher(
            database: BlockingConnectionPool(store: database.store, size: 1, label: "outbox"),
            configuration: .init(
                requestTimeout: .milliseconds(300), retrySchedule: [.milliseconds(100), .milliseconds(100)], jitter: 0),
            sealer: nil, mail: nil, logger: logger)
        for _ in 0..<3 {
            _ = await dispatcher.dispatchOnce()
            try await Task.sleep(for: .milliseconds(150))
        }
        #expect(try outbox(database, "SELECT count(*) AS n FROM gdpr_outbox WHERE abandoned_at IS NOT NULL") == 1)
        #expect(try outbox(database, "SELECT count(*) AS n FROM gdpr_outbox_attempts") == 3)
        #expect(await dispatcher.dispatchOnce() == 0)
    }
}
