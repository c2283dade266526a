import Foundation
import GDPRWorkerNotify
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Logging
import Testing

/// The confirmation to the data subject, sent through msmtp to a real SMTP server
/// (`scripts/smtp-sink`, aiosmtpd) that keeps what it receives.
@Suite("Confirmations")
struct ConfirmationTests {
    let acme = try! Tenant("acme")

    @Test(
        "a done job's confirmation reaches the SMTP server once, and its address is then erased",
        arguments: TestDatabase.engines)
    func confirmed(_ engine: DatabaseEngine) async throws {
        guard let (sink, port, folder) = try SMTPSink.start() else { return }
        defer { sink.send(SIGTERM) }
        let database = try TestDatabase(engine)
        let sealer = ContactSealer(hasher: AuditKeyHasher(secret: Data("confirmations".utf8)))
        let contact = try ContactAddress("anna.berg@example.com")
        let jid = try database.withConnection { connection in
            let sealed = try sealer.seal(contact, tenant: acme)
            let jid = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("customer-1"), tenant: acme, sealedContact: sealed)
            ).jid
            // Another job of the same person, cancelled: confirmed to nobody.
            let withdrawn = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("customer-2"), tenant: acme, sealedContact: sealed)
            ).jid
            _ = try connection.cancel(withdrawn, tenant: acme, by: "test", now: nil)
            let claimed = try connection.claim(
                ClaimRequest(worker: "w", limit: 5, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil))
            try connection.database.transaction {
                _ = try connection.complete(
                    claimed.map {
                        JobCompletion(
                            job: $0, keyHash: "hmac", result: JobResult(keys: 1, tables: []), startedAt: Date())
                    }, worker: "w", now: nil)
            }
            return jid
        }
        var logger = Logger(label: "test.outbox")
        logger.logLevel = .critical
        let dispatcher = OutboxDispatcher(
            database: BlockingConnectionPool(store: database.store, size: 1, label: "outbox"),
            configuration: .init(retrySchedule: [.milliseconds(200)], jitter: 0), sealer: sealer,
            mail: try MailTransport.smtp(url: "smtp://127.0.0.1:\(port)", from: "privacy@shop.example"), logger: logger)
        #expect(await dispatcher.dispatchOnce() == 1)
        #expect(await dispatcher.dispatchOnce() == 0)

        let messages = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }
        #expect(messages.count == 1)
        let message = try String(contentsOf: folder.appending(path: try #require(messages.first)), encoding: .utf8)
        #expect(message.contains("X-Envelope-To: anna.berg@example.com"))
        #expect(message.contains("To: anna.berg@example.com"))
        #expect(message.contains("From: privacy@shop.example"))
        #expect(message.contains("Reference: \(jid)"))
        #expect(!message.contains("customer-1"), "no key in the message")
        try database.withConnection { connection in
            #expect(try connection.database.firstRow("SELECT count(*) AS n FROM gdpr_confirmations")?.int("n") == 0)
            let row = try #require(
                try connection.database.firstRow("SELECT delivered_at FROM gdpr_outbox WHERE channel = 'email'"))
            #expect(row.optionalDate("delivered_at") != nil)
        }
    }

    @Test("an SMTP server that is down leaves the confirmation to a retry, and its address kept sealed until then")
    func relayDown() async throws {
        let hasClient = FileManager.default.isExecutableFile(atPath: "/usr/bin/msmtp")
        guard hasClient else { return }
        let database = try TestDatabase(.sqlite)
        let sealer = ContactSealer(hasher: AuditKeyHasher(secret: Data("confirmations".utf8)))
        try database.withConnection { connection in
            let sealed = try sealer.seal(try ContactAddress("anna.berg@example.com"), tenant: acme)
            _ = try connection.enqueue(
                EnqueueRequest(customerKey: try CustomerKey("customer-1"), tenant: acme, sealedContact: sealed))
            let claimed = try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil))
            try connection.database.transaction {
                _ = try connection.complete(
                    claimed.map {
                        JobCompletion(
                            job: $0, keyHash: "hmac", result: JobResult(keys: 1, tables: []), startedAt: Date())
                    }, worker: "w", now: nil)
            }
        }
        var logger = Logger(label: "test.outbox")
        logger.logLevel = .critical
        let dispatcher = OutboxDispatcher(
            database: BlockingConnectionPool(store: database.store, size: 1, label: "outbox"),
            configuration: .init(retrySchedule: [.seconds(60)], jitter: 0), sealer: sealer,
            mail: try MailTransport.smtp(url: "smtp://127.0.0.1:\(freeTCPPort())", from: "privacy@shop.example"),
            logger: logger)
        #expect(await dispatcher.dispatchOnce() == 1)
        try database.withConnection { connection in
            let row = try #require(try connection.database.firstRow("SELECT last_error, delivered_at FROM gdpr_outbox"))
            #expect(row.optionalString("last_error") == "mail_exit_75", "msmtp's EX_TEMPFAIL")
            #expect(row.optionalDate("delivered_at") == nil)
            let kept = try #require(try connection.database.firstRow("SELECT sealed_contact FROM gdpr_confirmations"))
            #expect(!(try kept.string("sealed_contact")).contains("anna"))
        }
    }
}

/// `scripts/smtp-sink` started for one test.
enum SMTPSink {
    /// The sink process, its port and its folder; nil (a recorded issue under CI=true) where
    /// msmtp is missing or the sink cannot start.
    static func start() throws -> (RunningProcess, Int, URL)? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/msmtp") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("msmtp is not installed") }
            return nil
        }
        let folder = FileManager.default.temporaryDirectory.appending(path: "gw-sink-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let portFile = folder.appending(path: "port")
        let sink = try RunningProcess(
            "/bin/sh",
            [
                "-c", "exec \"$0\" \"$1\" > \"$2\"", PackagePaths.root.appending(path: "scripts/smtp-sink").path,
                folder.path, portFile.path,
            ])
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return (sink, port, folder)
            }
            if sink.waitForExit(timeout: .milliseconds(100)) != nil {
                Issue.record("the SMTP sink did not start: \(sink.outputs.standardError)")
                return nil
            }
        }
        Issue.record("the SMTP sink did not start within 2 minutes")
        return nil
    }
}
