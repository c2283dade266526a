import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerTestSupport

/// Erasure on a schema where most parent rows are shared: the storefront corpus schema (no
/// foreign keys; addresses shared by customers, staff, orders and cards), with and without the
/// indexes `check` advises, at 1, 2 and 4 workers and with two processes of 4 workers, against
/// hand-written set-based SQL doing the same changes. Counts the deadlocks PostgreSQL detected.
struct SharedParentsRun {
    /// One measurement: the variant, how it ran, and what it reached.
    struct Figure: Encodable {
        var variant: String
        var workers: Int
        var processes: Int
        var jobsPerSecond: [Double] = []
        var peerJobsPerSecond: [Double] = []
        var deadlocks = 0
    }

    let admin: PostgresConnection
    let server: PostgresConnectionParameters
    let binary: String
    let scale: Int
    let jobs: Int
    let batch: Int
    let schema = CorpusSchema("storefront")

    func database(_ name: String) -> PostgresConnectionParameters { server.setting("dbname", to: name) }

    /// Loads the two templates: the bare schema, and the same with the advised indexes.
    func prepare() throws {
        for (name, indexed) in [("bench_sf_bare", false), ("bench_sf_indexed", true)] {
            try admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try admin.executeScript("CREATE DATABASE \(name)")
            let store = PostgresJobStore(parameters: database(name))
            let connection = try store.connect()
            defer { connection.database.close() }
            _ = try connection.migrate()
            try schema.load(on: connection.database, variant: .bare, scale: scale)
            if indexed {
                let report = try DataMapCheck.report(yaml: try schema.dataMapYAML(.bare), on: connection.database)
                for fix in report.warnings.compactMap(\.fix) {
                    try connection.database.executeScript(fix.replacingOccurrences(of: "CONCURRENTLY ", with: ""))
                }
                try connection.database.executeScript("ANALYZE")
            }
        }
    }

    /// Every fifth customer, alternately anonymised and deleted.
    func subjects(on connection: PostgresConnection) throws -> [(key: String, mode: ErasureMode)] {
        let emails = try connection.query("SELECT email FROM customer ORDER BY email", []).map {
            try $0.string("email")
        }
        return stride(from: 0, to: emails.count, by: max(1, emails.count / jobs)).prefix(jobs).enumerated().map {
            index, position in
            (emails[position], index % 2 == 0 ? .anonymise : .delete)
        }
    }

    func run(runs: Int) throws -> [Figure] {
        try prepare()
        let template = try PostgresConnection(parameters: database("bench_sf_bare"))
        let subjects = try subjects(on: template)
        template.close()
        let mapPath = FileManager.default.temporaryDirectory.appending(path: "gdpr-worker-bench-storefront.yaml").path
        try schema.dataMapYAML(.bare).write(toFile: mapPath, atomically: true, encoding: .utf8)
        var figures: [Figure] = []
        for (variant, template) in [("indexed", "bench_sf_indexed"), ("unindexed", "bench_sf_bare")] {
            for (workers, processes) in [(1, 1), (2, 1), (4, 1), (4, 2)] {
                var figure = Figure(variant: variant, workers: workers, processes: processes)
                for _ in 1...runs {
                    let ours = try copy(template, to: "bench_sf_engine")
                    let before = try deadlocks(ours)
                    let seconds = try drain(subjects, on: ours, map: mapPath, workers: workers, processes: processes)
                    figure.deadlocks += try deadlocks(ours) - before
                    figure.jobsPerSecond.append(Double(subjects.count) / seconds)
                    let peer = try copy(template, to: "bench_sf_peer")
                    figure.peerJobsPerSecond.append(Double(subjects.count) / (try peerRun(subjects, on: peer)))
                    try compare(ours, peer, sequential: workers * processes == 1)
                }
                say(
                    String(
                        format:
                            "  storefront %@, %d worker%@ × %d process%@: %6.0f jobs/s, hand-written SQL %6.0f jobs/s, deadlocks %d",
                        variant, workers, workers == 1 ? "" : "s", processes, processes == 1 ? "" : "es",
                        median(figure.jobsPerSecond), median(figure.peerJobsPerSecond), figure.deadlocks))
                figures.append(figure)
            }
        }
        return figures
    }

    private func copy(_ template: String, to name: String) throws -> PostgresConnectionParameters {
        try admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try admin.executeScript("CREATE DATABASE \(name) TEMPLATE \(template) STRATEGY FILE_COPY")
        try admin.executeScript("CHECKPOINT")
        return database(name)
    }

    /// The deadlocks PostgreSQL has detected in a database, its statistics flushed first.
    private func deadlocks(_ parameters: PostgresConnectionParameters) throws -> Int {
        let connection = try PostgresConnection(parameters: parameters)
        defer { connection.close() }
        _ = try connection.query("SELECT pg_stat_force_next_flush()", [])
        _ = try connection.query("SELECT pg_sleep(0.2)", [])
        return try connection.queryFirst(
            "SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()")?.int("n") ?? 0
    }

    /// Enqueues the jobs and runs `processes` × `gdpr-worker work --drain --workers N` at once.
    private func drain(
        _ subjects: [(key: String, mode: ErasureMode)], on parameters: PostgresConnectionParameters, map: String,
        workers: Int, processes: Int
    ) throws -> Double {
        let connection = try PostgresConnection(parameters: parameters)
        defer { connection.close() }
        try connection.execute(
            "INSERT INTO gdpr_jobs (customer_key, mode) SELECT * FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]))",
            [.textArray(subjects.map(\.key)), .textArray(subjects.map(\.mode.rawValue))])
        let environment = [
            "GDPR_WORKER_DATABASE_URL": parameters.urlString, "GDPR_WORKER_DATA_MAP": map,
            "GDPR_WORKER_ARCHIVE_DELAY": "0s",
            "GDPR_WORKER_AUDIT_SECRET": "benchmark", "GDPR_WORKER_LOG_LEVEL": "warning",
        ]
        let started = ContinuousClock.now
        let children = try (0..<processes).map { _ in
            try ProcessRunner.spawn(
                binary, ["work", "--drain", "--workers", String(workers), "--batch-size", String(batch)],
                environment: environment)
        }
        var logs = ""
        for child in children {
            close(child.input)
            let error = BackgroundReader(child.error)
            _ = ProcessRunner.readAll(child.output)
            logs += String(decoding: error.finish(), as: UTF8.self)
            guard child.wait() == 0 else { throw BenchmarkFailure("gdpr-worker work failed: \(logs.suffix(2000))") }
        }
        let seconds = (ContinuousClock.now - started).seconds
        let done = try connection.queryFirst("SELECT count(*) AS n FROM gdpr_audit")?.int("n") ?? 0
        guard done == subjects.count else {
            throw BenchmarkFailure("\(done) of \(subjects.count) storefront jobs were done: \(logs.suffix(2000))")
        }
        if logs.contains("deadlock") || logs.contains("40P01") { say("  the workers logged a deadlock") }
        return seconds
    }

    /// The same changes by hand-written set-based SQL, in the queue's batches, each split by mode.
    private func peerRun(
        _ subjects: [(key: String, mode: ErasureMode)], on parameters: PostgresConnectionParameters
    ) throws -> Double {
        let connection = try PostgresConnection(parameters: parameters)
        defer { connection.close() }
        try connection.executeScript(
            "CREATE TEMPORARY TABLE peer_keys (key text PRIMARY KEY, surrogate text NOT NULL) ON COMMIT DELETE ROWS")
        let started = ContinuousClock.now
        for start in stride(from: 0, to: subjects.count, by: batch) {
            let slice = subjects[start..<min(subjects.count, start + batch)]
            for mode in [ErasureMode.delete, .anonymise] {
                let keys = slice.filter { $0.mode == mode }.map(\.key)
                guard !keys.isEmpty else { continue }
                try connection.transaction {
                    try connection.execute(
                        "INSERT INTO peer_keys SELECT k, overlay(overlay(CAST(gen_random_uuid() AS text) placing '8' from 15 for 1) placing 'a' from 20 for 1) FROM unnest(CAST($1 AS text[])) AS k",
                        [.textArray(keys)])
                    for statement in mode == .anonymise ? Self.anonymise : Self.delete {
                        try connection.executeScript(statement)
                    }
                }
            }
        }
        return (ContinuousClock.now - started).seconds
    }

    /// Addresses of the batch's people that nobody else points at: no other customer, no other
    /// person's order or card, no member of staff.
    static let unsharedAddresses = """
        SELECT a.id FROM address AS a
         WHERE a.id IN (SELECT c.address_id FROM customer AS c JOIN peer_keys AS k ON k.key = c.email
                        UNION SELECT o.address_id FROM orders AS o JOIN peer_keys AS k ON k.key = o.customer_email
                        UNION SELECT d.address_id FROM card AS d JOIN peer_keys AS k ON k.key = d.customer_email)
           AND NOT EXISTS (SELECT 1 FROM customer AS c WHERE c.address_id = a.id AND c.email NOT IN (SELECT key FROM peer_keys))
           AND NOT EXISTS (SELECT 1 FROM orders AS o WHERE o.address_id = a.id AND (o.customer_email IS NULL OR o.customer_email NOT IN (SELECT key FROM peer_keys)))
           AND NOT EXISTS (SELECT 1 FROM card AS d WHERE d.address_id = a.id AND d.customer_email NOT IN (SELECT key FROM peer_keys))
           AND NOT EXISTS (SELECT 1 FROM staff AS s WHERE s.address_id = a.id)
        """

    static let anonymise = [
        "UPDATE address SET street = 'REDACTED', zip = '00000' WHERE id IN (\(unsharedAddresses))",
        "UPDATE orders AS o SET customer_email = k.surrogate, address_id = NULL FROM peer_keys AS k WHERE o.customer_email = k.key",
        """
        UPDATE card AS d SET customer_email = k.surrogate, holder = 'Anon ' || upper(substr(md5(CAST(gen_random_uuid() AS text)), 1, 8)), last4 = '0000'
          FROM peer_keys AS k WHERE d.customer_email = k.key
        """,
        "UPDATE device AS v SET email = k.surrogate FROM peer_keys AS k WHERE v.email = k.key",
        "UPDATE visit AS v SET email = k.surrogate FROM peer_keys AS k WHERE v.email = k.key",
        """
        UPDATE customer AS c SET email = k.surrogate, full_name = 'Anon ' || upper(substr(md5(CAST(gen_random_uuid() AS text)), 1, 8)),
               phone = CASE WHEN c.phone IS NULL THEN NULL ELSE '+99900' || (10000000 + floor(random() * 90000000)) END, address_id = NULL
          FROM peer_keys AS k WHERE c.email = k.key
        """,
    ]

    static let delete = [
        "CREATE TEMPORARY TABLE IF NOT EXISTS peer_addresses (id integer) ON COMMIT DROP",
        "INSERT INTO peer_addresses \(unsharedAddresses)",
        "UPDATE orders AS o SET customer_email = NULL, address_id = NULL FROM peer_keys AS k WHERE o.customer_email = k.key",
        "DELETE FROM card AS d USING peer_keys AS k WHERE d.customer_email = k.key",
        "DELETE FROM device AS v USING peer_keys AS k WHERE v.email = k.key",
        "DELETE FROM visit AS v USING peer_keys AS k WHERE v.email = k.key",
        "DELETE FROM customer AS c USING peer_keys AS k WHERE c.email = k.key",
        "DELETE FROM address WHERE id IN (SELECT id FROM peer_addresses)",
    ]

    /// Counts that must agree between the two databases. What becomes of an address people of a
    /// household shared depends on which of them went last (an anonymised person's card keeps
    /// pointing at it), which concurrent workers decide; so addresses are compared only when one
    /// worker took the batches in the peer's order.
    private func compare(
        _ ours: PostgresConnectionParameters, _ theirs: PostgresConnectionParameters, sequential: Bool
    ) throws {
        let addresses =
            sequential
            ? ["SELECT count(*) AS n FROM address", "SELECT count(*) AS n FROM address WHERE street = 'REDACTED'"] : []
        let checks =
            addresses + [
                "SELECT count(*) AS n FROM customer",
                "SELECT count(*) AS n FROM customer WHERE full_name LIKE 'Anon %'",
                "SELECT count(*) AS n FROM orders", "SELECT count(*) AS n FROM orders WHERE customer_email IS NULL",
                "SELECT count(*) AS n FROM orders WHERE address_id IS NULL", "SELECT count(*) AS n FROM card",
                "SELECT count(*) AS n FROM card WHERE last4 = '0000'", "SELECT count(*) AS n FROM device",
                "SELECT count(*) AS n FROM visit",
                "SELECT count(*) AS n FROM visit WHERE email LIKE '%-8___-a___-%'",
            ]
        let left = try PostgresConnection(parameters: ours)
        let right = try PostgresConnection(parameters: theirs)
        defer {
            left.close()
            right.close()
        }
        for check in checks {
            let a = try left.queryFirst(check)?.int("n")
            let b = try right.queryFirst(check)?.int("n")
            guard a == b else {
                throw BenchmarkFailure(
                    "storefront: gdpr-worker and the hand-written SQL differ on \(check): \(a ?? -1) against \(b ?? -1)"
                )
            }
        }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}
