import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Testing

/// `gdpr-worker sample` and `gdpr-worker check`, run as a user would run them.
@Suite("Command line: sample and check")
struct ErasureCommandLineTests {
    func run(
        _ arguments: [String], database: TestDatabase, environment extra: [String: String] = [:]
    ) throws -> ProcessRunner.Outcome {
        let environment = ["GDPR_WORKER_LOG_LEVEL": "warning", "GDPR_WORKER_DATABASE_URL": database.url].merging(extra)
        { $1 }
        return try ProcessRunner.outcome(PackagePaths.binary.path, arguments, environment: environment)
    }

    func writeMap(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "datamap-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(
        "sample loads the shop, check passes its map, and a broken map exits 65 with one line per problem",
        arguments: TestDatabase.engines)
    func sampleAndCheck(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let loaded = try run(["sample", "--customers", "50"], database: database)
        #expect(loaded.status == 0, "\(loaded.standardError)")
        #expect(loaded.standardOutput.contains("50 customers"))
        let again = try run(["sample", "--customers", "50"], database: database)
        #expect(again.status == 64)
        #expect(again.standardError.contains("--replace"))

        let printed = try run(["sample", "--print-data-map"], database: database)
        let path = try writeMap(printed.standardOutput)
        let clean = try run(["check", "--data-map", path], database: database)
        #expect(clean.status == 0, "\(clean.standardOutput)\(clean.standardError)")
        #expect(clean.standardOutput.hasPrefix("data map OK: 9 tables and 1 archive table, 1 link table"))

        let broken = try writeMap(
            printed.standardOutput.replacingOccurrences(of: "      tier: keep\n", with: "      tier: scramble\n")
                .replacingOccurrences(of: "      last_name: redact\n", with: ""))
        let failed = try run(["check"], database: database, environment: ["GDPR_WORKER_DATA_MAP": broken])
        #expect(failed.status == 65)
        #expect(
            failed.standardOutput.split(separator: "\n").sorted() == [
                "customers.last_name: has no strategy; classify it (keep, null, redact, token, rekey or a placeholder)",
                "customers.tier: unknown strategy 'scramble'; use keep, rekey, null, redact, token, { redact: TEXT } or { placeholder: email|phone|name|ip|uuid|text|date }",
            ])
        #expect(failed.standardError == "gdpr-worker: error: the data map \(broken) has 2 problems\n")
    }

    @Test("check without a data map is a usage error", arguments: [DatabaseEngine.sqlite])
    func noMap(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        let outcome = try run(["check"], database: database)
        #expect(outcome.status == 64)
        #expect(
            outcome.standardError
                == "gdpr-worker: error: no data map: pass --data-map PATH or set GDPR_WORKER_DATA_MAP\n")
    }

    @Test(
        "prove answers from the audit trail with the map file's version; audit verify holds, and fails once a record is edited; cancel withdraws a waiting job",
        arguments: TestDatabase.engines)
    func proveAndAudit(_ engine: DatabaseEngine) throws {
        let database = try TestDatabase(engine)
        #expect(try run(["sample", "--customers", "5"], database: database).status == 0)
        let path = try writeMap(try run(["sample", "--print-data-map"], database: database).standardOutput)
        let key = try #require(
            try database.withConnection {
                try $0.database.queryFirst("SELECT customer_key FROM customers ORDER BY id LIMIT 1")?.string(
                    "customer_key")
            })
        let environment = [
            "GDPR_WORKER_DATA_MAP": path, "GDPR_WORKER_ARCHIVE_DELAY": "0s", "GDPR_WORKER_AUDIT_SECRET": "cli-secret",
        ]
        #expect(try run(["prove", key], database: database, environment: environment).status == 1)
        let previewed = try run(["preview", key, "--mode", "delete"], database: database, environment: environment)
        #expect(previewed.status == 0, "\(previewed.standardError)")
        #expect(previewed.standardOutput.contains(#""mode":"delete""#) && !previewed.standardOutput.contains(key))
        #expect(
            try run(["prove", key], database: database, environment: environment).status == 1,
            "a preview erases nothing")
        #expect(try run(["enqueue", key], database: database, environment: environment).status == 0)
        // The shop archives its events: the sweep's watermark releases the job.
        #expect(try run(["sweep"], database: database, environment: environment).status == 0)
        let drained = try run(["work", "--drain"], database: database, environment: environment)
        #expect(drained.status == 0, "\(drained.standardError)")
        // The drained worker's maintenance may have sealed the record already; `audit seal` seals what is left.
        let sealed = try run(["audit", "seal"], database: database, environment: environment)
        #expect(sealed.status == 0 && sealed.standardOutput.hasPrefix("sealed "))
        let proved = try run(["prove", key], database: database, environment: environment)
        #expect(proved.status == 0)
        #expect(!proved.standardOutput.contains(key))
        let proof = try #require(
            try JSONSerialization.jsonObject(with: Data(proved.standardOutput.utf8)) as? [String: Any])
        let record = try #require((proof["records"] as? [[String: Any]])?.first)
        let version = ErasureJobHandler.version(of: try #require(FileManager.default.contents(atPath: path)))
        #expect(record["data_map"] as? String == version)
        #expect(record["seq"] as? Int == 1)
        #expect(proof["erased"] as? Bool == true)
        // Another secret hashes the key differently: nothing to prove.
        #expect(
            try run(["prove", key], database: database, environment: ["GDPR_WORKER_AUDIT_SECRET": "other"]).status == 1)

        #expect(try run(["audit", "verify"], database: database, environment: environment).status == 0)
        try database.withConnection {
            try $0.database.executeScript("UPDATE gdpr_audit SET rows_affected = rows_affected + 1")
        }
        let broken = try run(["audit", "verify"], database: database, environment: environment)
        #expect(broken.status == 65)
        #expect(broken.standardError.contains("record 1"))

        let waiting = try run(
            ["enqueue", "someone-else"], database: database, environment: ["GDPR_WORKER_ARCHIVE_DELAY": "5d"])
        let jid = waiting.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let cancelled = try run(["cancel", jid, "--by", "dpo@example.com"], database: database)
        #expect(cancelled.status == 0, "\(cancelled.standardError)")
        #expect(cancelled.standardOutput.contains(#""status":"cancelled""#))
        #expect(try run(["cancel", jid], database: database).status == 65)
        let status = try run(["status", jid], database: database)
        #expect(status.standardOutput.contains(#""cancelled_by":"dpo@example.com""#))
    }
}
