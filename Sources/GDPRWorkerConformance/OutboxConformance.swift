import Foundation
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// The outbox: events written by the schema in the transaction of each state change, claimed
/// under a lease, retried and settled; webhook endpoints per tenant; sealed confirmation addresses.
struct OutboxConformance {
    static let checks: [ConformanceCheck] = [
        ConformanceCheck("each state change writes its event in its own transaction; a rolled-back one writes none") {
            try OutboxConformance().events($0)
        },
        ConformanceCheck(
            "deliveries are leased, retried, given up; a confirmation's address goes once settled or cancelled"
        ) {
            try OutboxConformance().deliveries($0)
        },
        ConformanceCheck("webhook endpoints belong to one tenant, and bad URLs are refused") {
            try OutboxConformance().endpoints($0)
        },
    ]

    let acme = try! Tenant("acme")
    let globex = try! Tenant("globex")
    let sealer = ContactSealer(hasher: AuditKeyHasher(secret: Data("conformance-secret".utf8)))

    func claim(_ connection: any JobStoreConnection, limit: Int = 10) throws -> [ClaimedJob] {
        try connection.claim(
            ClaimRequest(worker: "w", limit: limit, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil))
    }

    func completion(_ job: ClaimedJob) -> JobCompletion {
        JobCompletion(
            job: job, keyHash: "hmac-\(job.jid)",
            result: JobResult(keys: 2, tables: [.init(table: "customers", method: "anonymise", rows: 1, fields: 4)]),
            startedAt: Date())
    }

    /// (event type, jid) of every outbox row, in order.
    struct Event {
        let event: String
        let jid: String
        let payload: String
    }

    /// Every outbox row, or those of one event type, in the order written.
    func events(on connection: any JobStoreConnection, type: String? = nil) throws -> [Event] {
        try connection.database.rows(
            """
            SELECT event_type, jid, payload FROM gdpr_outbox WHERE event_type = coalesce(\(type), event_type) ORDER BY id
            """
        ).map {
            Event(event: try $0.string("event_type"), jid: try $0.string("jid"), payload: try $0.string("payload"))
        }
    }

    func events(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            _ = try connection.addWebhook(tenant: acme, url: "https://hooks.example/acme", by: "test")
            _ = try connection.addWebhook(tenant: acme, url: "https://hooks.example/acme-2", by: "test")
            let keys = ["anna@example.com", "bert@example.com", "carl@example.com"]
            for key in keys {
                _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), tenant: acme))
            }
            _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("dora@example.com"), tenant: globex))
            let claimed = try claim(connection, limit: 3).sorted { $0.customerKey.rawValue < $1.customerKey.rawValue }
            #expect(claimed.count == 3)
            #expect(try events(on: connection, type: "job.started").count == 6, "3 claims, 2 endpoints")

            // A completion rolled back leaves no event.
            try? connection.database.transaction {
                _ = try connection.complete([completion(claimed[0])], worker: "w", now: nil)
                throw CancellationError()
            }
            #expect(try events(on: connection, type: "job.done").isEmpty)

            try connection.database.transaction {
                _ = try connection.complete([completion(claimed[0])], worker: "w", now: nil)
            }
            #expect(try connection.fail(claimed[1], worker: "w", reason: "poison_job", now: nil))
            let fresh = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("erik@example.com"), tenant: acme))
            guard case .cancelled = try connection.cancel(fresh.jid, tenant: acme, by: "test", now: nil) else {
                Issue.record("a fresh job is cancelled")
                return
            }

            let all = try events(on: connection)
            #expect(all.count == 12)
            let done = try events(on: connection, type: "job.done")
            #expect(done.map(\.jid) == Array(repeating: claimed[0].jid.description, count: 2))
            #expect(
                try events(on: connection, type: "job.failed").map(\.jid)
                    == Array(repeating: claimed[1].jid.description, count: 2))
            #expect(
                try events(on: connection, type: "job.cancelled").map(\.jid)
                    == Array(repeating: fresh.jid.description, count: 2))
            // The other tenant has no endpoint: its claim wrote nothing, and no payload names a key.
            for event in all {
                for key in keys + ["dora@example.com", "erik@example.com"] { #expect(!event.payload.contains(key)) }
            }
            let donePayload = try #require(done.first).payload
            let body = try #require(try JSONSerialization.jsonObject(with: Data(donePayload.utf8)) as? [String: Any])
            #expect(body["type"] as? String == "job.done")
            #expect(body["timestamp"] is String)
            let data = try #require(body["data"] as? [String: Any])
            #expect(data["jid"] as? String == claimed[0].jid.description)
            #expect(data["status"] as? String == "done")
            #expect((data["keys"] as? NSNumber)?.intValue == 2)
            #expect((data["rows_affected"] as? NSNumber)?.intValue == 1)
            #expect((data["fields_rewritten"] as? NSNumber)?.intValue == 4)
            let failed = try #require(try events(on: connection, type: "job.failed").first)
            #expect(failed.payload.contains("poison_job"))
        }
    }

    func deliveries(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let clock = ManualClock(try connection.now())
            let endpoint = try connection.addWebhook(tenant: acme, url: "https://hooks.example/acme", by: "test")
            let contact = try ContactAddress("anna@example.com")
            let sealed = try sealer.seal(contact, tenant: acme)
            #expect(!sealed.contains("anna"))
            let request = EnqueueRequest(
                customerKey: try CustomerKey("anna-key"), tenant: acme, deduplicate: true, sealedContact: sealed)
            let jid = try connection.enqueue(request).jid
            #expect(try connection.enqueue(request) == EnqueueResult(jid: jid, deduplicated: true))
            let stored = try #require(
                try connection.database.firstRow(
                    "SELECT sealed_contact FROM gdpr_confirmations WHERE jid = \(jid.description)"))
            #expect(try sealer.open(try stored.string("sealed_contact"), tenant: acme) == contact)
            #expect(throws: (any Error).self, "sealed for another tenant") {
                try sealer.open(try stored.string("sealed_contact"), tenant: globex)
            }

            let job = try #require(try claim(connection).first)
            try connection.database.transaction {
                _ = try connection.complete([completion(job)], worker: "w", now: nil)
            }
            clock.set(try connection.now().addingTimeInterval(1))
            // started and done to the endpoint, and the confirmation.
            let first = try connection.claimDeliveries(limit: 10, lease: .seconds(30), now: clock.now)
            #expect(first.count == 3)
            #expect(Set(first.map(\.channel)) == [.webhook, .email])
            #expect(first.allSatisfy { $0.attempt == 1 })
            let email = try #require(first.first { $0.channel == .email })
            #expect(email.sealedContact == sealed)
            let hook = try #require(first.first { $0.channel == .webhook && $0.eventType == "job.done" })
            #expect(hook.url == endpoint.url && hook.secret == endpoint.secret)
            #expect(try connection.claimDeliveries(limit: 10, lease: .seconds(30), now: clock.now).isEmpty, "leased")
            #expect(
                try connection.claimDeliveries(limit: 10, lease: .seconds(30), channels: [.webhook], now: clock.now)
                    .isEmpty)

            // The webhook fails once and is due again after the wait; the confirmation is delivered.
            try connection.recordDelivery(
                hook, DeliveryAttempt(status: 503, error: "http_503", duration: .milliseconds(12)),
                retryAfter: .seconds(10),
                now: clock.now)
            try connection.recordDelivery(
                email, DeliveryAttempt(duration: .milliseconds(40)), retryAfter: nil, now: clock.now)
            #expect(
                try connection.database.firstRow("SELECT count(*) AS n FROM gdpr_confirmations")?.int("n") == 0,
                "the address goes once the confirmation is sent")
            clock.advance(by: .seconds(5))
            #expect(try connection.claimDeliveries(limit: 10, lease: .seconds(30), now: clock.now).isEmpty)
            // The lease of the started event runs out: it is claimed again as attempt 2.
            clock.advance(by: .seconds(30))
            let second = try connection.claimDeliveries(limit: 10, lease: .seconds(30), now: clock.now)
            #expect(second.map(\.eventType).sorted() == ["job.done", "job.started"])
            #expect(second.allSatisfy { $0.attempt == 2 })
            #expect(Set(second.map(\.eventID)).isSuperset(of: [hook.eventID]), "the same webhook-id on a retry")
            // A late result of attempt 1 settles nothing once attempt 2 owns the event.
            let started = try #require(first.first { $0.eventType == "job.started" })
            try connection.recordDelivery(
                started, DeliveryAttempt(duration: .milliseconds(1)), retryAfter: nil, now: clock.now)
            for delivery in second {
                try connection.recordDelivery(
                    delivery, DeliveryAttempt(error: "timeout", duration: .seconds(10)), retryAfter: nil, now: clock.now
                )
            }
            let statistics = try connection.outboxStatistics(now: clock.now)
            #expect(statistics.pending == 0 && statistics.abandoned == 2)
            let attempts = try connection.database.firstRow("SELECT count(*) AS n FROM gdpr_outbox_attempts")?.int("n")
            #expect(attempts == 5)
            let reasons = try connection.database.rows(
                "SELECT DISTINCT last_error FROM gdpr_outbox WHERE abandoned_at IS NOT NULL")
            #expect(reasons.map { $0.optionalString("last_error") } == ["timeout"])

            // Settled events are pruned after the keep period, with their attempts.
            clock.advance(by: .seconds(3600))
            #expect(try connection.pruneOutbox(keep: .seconds(60), now: clock.now) == 3)
            #expect(try connection.database.firstRow("SELECT count(*) AS n FROM gdpr_outbox_attempts")?.int("n") == 0)

            // A confirmation no process could send (no mail route anywhere) is given up after the
            // retry window, with its address.
            let unsent = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("carl-key"), tenant: acme, sealedContact: sealed))
            let carl = try #require(try claim(connection).first { $0.jid == unsent.jid })
            try connection.database.transaction {
                _ = try connection.complete([completion(carl)], worker: "w", now: nil)
            }
            #expect(try connection.expireUnsentConfirmations(after: .seconds(3600), now: try connection.now()) == 0)
            #expect(
                try connection.expireUnsentConfirmations(
                    after: .seconds(3600), now: try connection.now().addingTimeInterval(7200)) == 1)
            #expect(try connection.database.firstRow("SELECT count(*) AS n FROM gdpr_confirmations")?.int("n") == 0)
            #expect(
                try connection.database.firstRow(
                    "SELECT last_error FROM gdpr_outbox WHERE channel = 'email' AND abandoned_at IS NOT NULL AND jid = \(unsent.jid.description)"
                )?.optionalString("last_error") == "no_mail_route")

            // A cancelled request is confirmed to nobody: its address goes with it.
            let withdrawn = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("bert-key"), tenant: acme, sealedContact: sealed))
            #expect(try connection.database.firstRow("SELECT count(*) AS n FROM gdpr_confirmations")?.int("n") == 1)
            _ = try connection.cancel(withdrawn.jid, tenant: acme, by: "test", now: nil)
            #expect(try connection.database.firstRow("SELECT count(*) AS n FROM gdpr_confirmations")?.int("n") == 0)
        }
    }

    func endpoints(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let added = try connection.addWebhook(tenant: acme, url: "http://127.0.0.1:9/hook?token=abc", by: "test")
            #expect(added.id.hasPrefix("wh_"))
            #expect(try #require(added.secret).hasPrefix("whsec_"))
            #expect(try connection.webhooks(tenant: acme).map(\.id) == [added.id])
            #expect(try connection.webhooks(tenant: acme).allSatisfy { $0.secret == nil }, "a secret is shown once")
            #expect(try connection.webhooks(tenant: globex).isEmpty)
            #expect(try connection.webhooks(tenant: nil).count == 1)
            #expect(try !connection.removeWebhook(id: added.id, tenant: globex), "another tenant's endpoint")
            for url in ["ftp://hooks.example/x", "/relative", "https://user:pass@hooks.example/", "not a url", ""] {
                #expect(throws: InputError.self, "\(url)") {
                    try connection.addWebhook(tenant: acme, url: url, by: "test")
                }
            }
            for index in 1..<10 {
                _ = try connection.addWebhook(tenant: acme, url: "https://hooks.example/\(index)", by: "test")
            }
            #expect(throws: InputError.self, "an eleventh endpoint") {
                try connection.addWebhook(tenant: acme, url: "https://hooks.example/11", by: "test")
            }
            #expect(try connection.removeWebhook(id: added.id, tenant: acme))
            #expect(try connection.webhooks(tenant: acme).count == 9)
        }
    }
}
