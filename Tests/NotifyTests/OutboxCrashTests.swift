import Foundation
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The outbox through a kill -9 of the worker, with the real binary: no event is lost and none
/// is invented. Events are at least once: a delivery whose record the kill cut short comes again
/// under the same `webhook-id`.
@Suite("Outbox under kill -9")
struct OutboxCrashTests {
    static let emptyDataMap: String = {
        let path = FileManager.default.temporaryDirectory.appending(path: "gdpr-worker-outbox-map.yaml").path
        try? "version: 1\ntables: {}\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    func environment(_ url: String) -> [String: String] {
        [
            "GDPR_WORKER_DATABASE_URL": url, "GDPR_WORKER_DATA_MAP": Self.emptyDataMap,
            "GDPR_WORKER_ARCHIVE_DELAY": "0s",
            "GDPR_WORKER_LOG_LEVEL": "warning", "GDPR_WORKER_AUDIT_SECRET": "outbox-crash",
        ]
    }

    func count(_ sql: String, _ database: TestDatabase) throws -> Int {
        try database.withConnection { try $0.database.queryFirst(sql)?.int("n") ?? -1 }
    }

    func waitUntil(_ what: String, timeout: Duration = .seconds(180), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting until \(what)")
    }

    @Test(
        "kill -9 of a worker mid-run: every job's events arrive, signed, and none that did not happen",
        arguments: TestDatabase.engines)
    func killedWorker(_ engine: DatabaseEngine) async throws {
        let database = try TestDatabase(engine)
        let environment = environment(database.url)
        let receiver = WebhookReceiver(port: freeTCPPort())
        try await receiver.start()
        let added = try ProcessRunner.outcome(
            PackagePaths.binary.path, ["webhooks", "add", "--tenant", "default", receiver.url], environment: environment
        )
        #expect(added.status == 0, "\(added.standardError)")
        let secret = try #require(added.standardOutput.split(separator: "\t").last).trimmingCharacters(
            in: .whitespacesAndNewlines)
        receiver.expect(secret: secret)

        let total = 300
        try database.withConnection { connection in
            for index in 1...total {
                _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("crash-\(index)")))
            }
        }
        let arguments = ["work", "--batch-size", "5", "--outbox-poll-interval", "50ms", "--outbox-lease", "2s"]
        let first = try RunningProcess(PackagePaths.binary.path, arguments, environment: environment)
        try await waitUntil("events are arriving") { receiver.received.count > 60 }
        first.send(SIGKILL)
        #expect(first.waitForExit(timeout: .seconds(10)) == 128 + SIGKILL)
        #expect(
            try count("SELECT count(*) AS n FROM gdpr_outbox WHERE delivered_at IS NULL", database) > 0,
            "the kill left events to deliver")
        let second = try RunningProcess(PackagePaths.binary.path, arguments, environment: environment)
        try await waitUntil("every job is done and every event delivered") {
            try count("SELECT count(*) AS n FROM gdpr_jobs", database) == 0
                && count("SELECT count(*) AS n FROM gdpr_outbox WHERE delivered_at IS NULL", database) == 0
        }
        second.send(SIGTERM)
        #expect(second.waitForExit(timeout: .seconds(30)) == 0, "\(second.outputs.standardError)")
        await receiver.stop()

        #expect(try count("SELECT count(*) AS n FROM gdpr_audit", database) == total)
        let (eventIDs, doneJids) = try database.withConnection { connection in
            (
                Set(try connection.database.rows("SELECT event_id FROM gdpr_outbox").map { try $0.string("event_id") }),
                Set(try connection.database.rows("SELECT jid FROM gdpr_audit").map { try $0.string("jid") })
            )
        }
        let received = receiver.received
        #expect(Set(received.map(\.id)) == eventIDs, "nothing lost, nothing invented")
        #expect(received.allSatisfy { $0.signatureHolds })
        var doneEvents: [String: Set<String>] = [:]
        for event in received {
            let body = try #require(try JSONSerialization.jsonObject(with: Data(event.body.utf8)) as? [String: Any])
            let data = try #require(body["data"] as? [String: Any])
            let jid = try #require(data["jid"] as? String)
            #expect(doneJids.contains(jid), "an event of a job that exists")
            if body["type"] as? String == "job.done" { doneEvents[jid, default: []].insert(event.id) }
        }
        #expect(Set(doneEvents.keys) == doneJids, "every job's done event arrived")
        #expect(doneEvents.values.allSatisfy { $0.count == 1 }, "one done event per job, however often it was sent")
        let repeats = received.count - Set(received.map(\.id)).count
        #expect(repeats >= 0)
    }
}
