import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerTestSupport

/// Runs jobs through the real binary, `gdpr-worker work --drain`, as a deployment would: jobs
/// are inserted by SQL, the archive watermark is set so they are eligible, and the process's wall
/// time and peak resident memory (from /usr/bin/time) are measured.
struct WorkerBinaryRun {
    let binary: String
    let parameters: PostgresConnectionParameters
    let workers: Int
    let batch: Int
    let dataMapPath: String

    init(binary: String, parameters: PostgresConnectionParameters, workers: Int, batch: Int) throws {
        self.binary = binary
        self.parameters = parameters
        self.workers = workers
        self.batch = batch
        dataMapPath = FileManager.default.temporaryDirectory.appending(path: "gdpr-worker-bench-shop.yaml").path
        try ShopSample.dataMapYAML.write(toFile: dataMapPath, atomically: true, encoding: .utf8)
    }

    /// Enqueues one job per key in `mode` and drains them; returns seconds and peak MiB.
    func run(_ keys: [String], mode: ErasureMode) throws -> (seconds: Double, megabytes: Double) {
        let connection = try PostgresConnection(parameters: parameters)
        defer { connection.close() }
        try connection.execute(
            "INSERT INTO gdpr_jobs (customer_key, mode) SELECT key, $2 FROM unnest(CAST($1 AS text[])) AS key",
            [.textArray(keys), .text(mode.rawValue)])
        try connection.execute(
            "INSERT INTO gdpr_settings (name, value) VALUES ('archive_watermark', now()::text) ON CONFLICT (name) DO UPDATE SET value = excluded.value"
        )
        let before = try connection.queryFirst("SELECT count(*) AS n FROM gdpr_audit")?.int("n") ?? 0
        try connection.executeScript("CHECKPOINT")
        let timing = FileManager.default.temporaryDirectory.appending(path: "gdpr-worker-bench-time-\(getpid()).txt")
            .path
        let started = ContinuousClock.now
        let outcome = try ProcessRunner.outcome(
            "/usr/bin/time",
            [
                "-o", timing, "-f", "%M", binary, "work", "--drain", "--workers", String(workers), "--batch-size",
                String(batch),
            ],
            environment: [
                "GDPR_WORKER_DATABASE_URL": parameters.urlString, "GDPR_WORKER_DATA_MAP": dataMapPath,
                "GDPR_WORKER_ARCHIVE_DELAY": "0s",
                "GDPR_WORKER_AUDIT_SECRET": "benchmark", "GDPR_WORKER_LOG_LEVEL": "warning",
            ])
        let seconds = (ContinuousClock.now - started).seconds
        guard outcome.status == 0 else {
            throw BenchmarkFailure("gdpr-worker work failed: \(outcome.standardError.suffix(2000))")
        }
        let done = (try connection.queryFirst("SELECT count(*) AS n FROM gdpr_audit")?.int("n") ?? 0) - before
        guard done == keys.count else {
            let failures = try connection.query(
                "SELECT coalesce(last_error, '') AS reason FROM gdpr_jobs UNION ALL SELECT reason FROM gdpr_jobs_failed"
            )
            let reasons = try failures.map { row throws(DatabaseError) in try row.string("reason") }
            throw BenchmarkFailure(
                "\(done) of \(keys.count) jobs were done; reasons: \(reasons.prefix(3)); worker log: \(outcome.standardError.suffix(2000))"
            )
        }
        let kilobytes =
            Double(
                (try? String(contentsOfFile: timing, encoding: .utf8))?.split(separator: "\n").last.map(String.init)
                    ?? "0") ?? 0
        return (seconds, kilobytes / 1024)
    }
}
