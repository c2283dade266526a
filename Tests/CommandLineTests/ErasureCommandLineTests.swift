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
}
