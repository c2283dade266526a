import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

/// Faults a deployment meets, run through the real binary: a row the application holds locked,
/// and a trigger that raises with the person's data.
@Suite("Command line: faults")
struct FaultCommandLineTests {
    func run(
        _ arguments: [String], database: TestDatabase, environment extra: [String: String] = [:]
    ) throws -> ProcessRunner.Outcome {
        let environment = [
            "GDPR_WORKER_LOG_LEVEL": "info", "GDPR_WORKER_DATABASE_URL": database.url,
            "GDPR_WORKER_ARCHIVE_DELAY": "0s",
            "GDPR_WORKER_AUDIT_SECRET": "faults",
        ].merging(extra) { $1 }
        return try ProcessRunner.outcome(PackagePaths.binary.path, arguments, environment: environment)
    }

    /// A sample shop of `customers` with its data map written to a file, and removal jobs for the
    /// first `jobs` customers.
    func shop(_ engine: DatabaseEngine, customers: Int, jobs: Int, mode: ErasureMode) throws -> (TestDatabase, String) {
        let database = try TestDatabase(engine)
        #expect(try run(["sample", "--customers", "\(customers)"], database: database).status == 0)
        let map = FileManager.default.temporaryDirectory.appending(path: "datamap-\(UUID().uuidString).yaml").path
        try ShopSample.dataMapYAML.write(toFile: map, atomically: true, encoding: .utf8)
        try database.withConnection { connection in
            for number in 1...jobs {
                _ = try connection.enqueue(
                    EnqueueRequest(customerKey: try CustomerKey(ShopSample.customerKey(number)), mode: mode))
            }
        }
        // The shop's events have an archive: jobs wait for a sweep to pass their creation.
        let swept = try run(["sweep", "--data-map", map], database: database)
        #expect(swept.status == 0, "\(swept.standardError)")
        return (database, map)
    }

    func count(_ sql: String, _ database: TestDatabase) throws -> Int? {
        try database.withConnection { try $0.database.queryFirst(sql)?.int("n") }
    }

    @Test(
        "a customer row the application holds locked delays that customer's job only; it is done once the lock goes",
        arguments: [DatabaseEngine.postgres])
    func applicationLock(_ engine: DatabaseEngine) throws {
        guard TestDatabase.engines.contains(engine) else { return }
        let (database, map) = try shop(engine, customers: 60, jobs: 20, mode: .delete)
        let held = ShopSample.customerKey(7)
        let application = try database.store.connect()
        defer { application.database.close() }
        try application.database.begin()
        _ = try application.database.query("SELECT id FROM customers WHERE customer_key = $1 FOR UPDATE", [.text(held)])

        let started = ContinuousClock.now
        let blocked = try run(
            ["work", "--drain", "--data-map", map, "--lock-timeout", "1s"], database: database,
            environment: ["GDPR_WORKER_LOG_LEVEL": "debug"])
        let elapsed = ContinuousClock.now - started
        #expect(blocked.status == 0, "\(blocked.standardError)")
        // One wait for the batch, then the jobs alone: not one wait per halving.
        #expect(
            blocked.standardError.components(separatedBy: "waited too long for a lock").count - 1 == 1,
            "\(blocked.standardError)")
        #expect(!blocked.standardError.contains("trying each half alone"))
        #expect(elapsed < .seconds(30), "the drain took \(elapsed) behind one locked row")
        #expect(try count("SELECT count(*) AS n FROM gdpr_audit", database) == 19)
        try database.withConnection { connection in
            let waiting = try #require(
                try connection.database.queryFirst("SELECT customer_key, last_error FROM gdpr_jobs"))
            #expect(try waiting.string("customer_key") == held)
            let reason = try #require(waiting.optionalString("last_error"))
            #expect(reason.hasPrefix("database_busy: PostgreSQL 55P03"), "\(reason)")
            #expect(!reason.contains(held))
        }

        application.database.rollback()
        try database.withConnection { connection in
            _ = try connection.database.execute("UPDATE gdpr_jobs SET run_at = now()", [])
        }
        let after = try run(["work", "--drain", "--data-map", map], database: database)
        #expect(after.status == 0, "\(after.standardError)")
        #expect(try count("SELECT count(*) AS n FROM gdpr_audit", database) == 20)
        #expect(try count("SELECT count(*) AS n FROM gdpr_jobs", database) == 0)
    }

    @Test(
        "a trigger that raises with the person's data: the text reaches no stored reason, status output or log",
        arguments: TestDatabase.engines)
    func triggerWithPII(_ engine: DatabaseEngine) throws {
        let (database, map) = try shop(engine, customers: 20, jobs: 3, mode: .anonymise)
        let secret = "vip-\(UUID().uuidString.prefix(8))@example.com"
        try database.withConnection { connection in
            switch engine {
            case .postgres:
                try connection.database.executeScript(
                    """
                    CREATE FUNCTION refuse_vip() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      RAISE EXCEPTION USING ERRCODE = '23514', MESSAGE = 'customer ' || OLD.email || ' is protected',
                            DETAIL = OLD.email, HINT = OLD.email;
                    END $$;
                    UPDATE customers SET email = '\(secret)' WHERE customer_key = '\(ShopSample.customerKey(2))';
                    CREATE TRIGGER refuse_vip BEFORE UPDATE ON customers FOR EACH ROW
                      WHEN (OLD.email = '\(secret)') EXECUTE FUNCTION refuse_vip();
                    """)
            default:
                // SQLite's RAISE takes a literal only; it stands for any free text a trigger writes.
                try connection.database.executeScript(
                    """
                    UPDATE customers SET email = '\(secret)' WHERE customer_key = '\(ShopSample.customerKey(2))';
                    CREATE TRIGGER refuse_vip BEFORE UPDATE ON customers FOR EACH ROW WHEN OLD.email = '\(secret)'
                    BEGIN SELECT RAISE(ABORT, 'customer \(secret) is protected'); END;
                    """)
            }
        }
        let drained = try run(
            ["work", "--drain", "--data-map", map], database: database, environment: ["GDPR_WORKER_LOG_LEVEL": "trace"])
        #expect(drained.status == 0, "\(drained.standardError)")
        #expect(
            !drained.standardError.contains(secret) && !drained.standardOutput.contains(secret),
            "the worker logged the trigger's text")
        let reasons = try database.withConnection { connection in
            try connection.database.query(
                "SELECT jid, last_error AS reason FROM gdpr_jobs UNION ALL SELECT jid, reason FROM gdpr_jobs_failed", []
            )
        }
        #expect(reasons.count == 1, "the protected customer's job should wait for a retry")
        for row in reasons {
            let reason = row.optionalString("reason") ?? ""
            #expect(reason.hasPrefix("constraint_violation:"), "\(reason)")
            #expect(!reason.contains(secret), "\(reason)")
            let status = try run(["status", try row.string("jid")], database: database)
            #expect(!status.standardOutput.contains(secret) && !status.standardError.contains(secret))
        }
    }

    @Test(
        "retry puts a failed job back under its jid; a job not failed exits 65, an unknown one 1",
        arguments: TestDatabase.engines)
    func retry(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let jid = try database.withConnection { connection in
            let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("fails"))).jid
            let claimed = try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: ArchiveCutoff(delay: .zero), now: nil))
            #expect(try connection.fail(try #require(claimed.first), worker: "w", reason: "data_map: test", now: nil))
            return jid
        }
        let retried = try run(["retry", jid.description], database: database)
        #expect(retried.status == 0, "\(retried.standardError)")
        #expect(retried.standardOutput == #"{"jid":"\#(jid)","status":"started"}"# + "\n")
        let again = try run(["retry", jid.description], database: database)
        #expect(again.status == 65)
        #expect(again.standardError == "gdpr-worker: error: the job is started; only a failed job can be retried\n")
        let unknown = try run(["retry", UUID().uuidString.lowercased()], database: database)
        #expect(unknown.status == 1)
        #expect(unknown.standardOutput.contains(#""status":"not_found""#))
    }

    @Test(
        "a schema older than the binary is refused with the command to run, not retried forever",
        arguments: TestDatabase.engines)
    func outdatedSchema(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine, migrated: false)
        let needed = Migration.latestVersion(for: engine)
        try database.withConnection { _ = try $0.migrate(through: needed - 1) }
        let map = FileManager.default.temporaryDirectory.appending(path: "empty-\(UUID().uuidString).yaml").path
        try "version: 1\ntables: {}\n".write(toFile: map, atomically: true, encoding: .utf8)
        let refused = try run(["work", "--drain", "--data-map", map], database: database)
        #expect(refused.status == 78, "\(refused.standardError)")
        #expect(
            refused.standardError.contains(
                "the database schema is at version \(needed - 1) and this binary needs version \(needed); run `gdpr-worker migrate` first"
            ))
    }
}
