import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// The queue statements of `PostgresJobStore` on one connection.
public final class PostgresJobStoreConnection: JobStoreConnection {
    public let postgres: PostgresConnection
    public var database: any DatabaseConnection { postgres }
    public var rules: any QueueRules { engineRules }
    let engineRules = PostgresQueueRules()

    init(database: PostgresConnection) {
        postgres = database
    }

    public func migrate(through version: Int?) throws -> [AppliedMigration] {
        // A migration may wait for another's lock, and may take long on a large table.
        try postgres.executeScript("SET lock_timeout = 0; SET statement_timeout = 0")
        try postgres.execute("SELECT pg_advisory_lock($1)", [.int(PostgresJobStore.migrationLockKey)])
        defer { _ = try? postgres.execute("SELECT pg_advisory_unlock($1)", [.int(PostgresJobStore.migrationLockKey)]) }
        return try Migration.apply(
            Migration.embedded(for: .postgres).filter { $0.version <= version ?? .max }, on: postgres,
            historyTableDDL: """
                CREATE TABLE IF NOT EXISTS gdpr_schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """,
            isAppliedSQL: "SELECT 1 FROM gdpr_schema_migrations WHERE version = $1",
            recordSQL: "INSERT INTO gdpr_schema_migrations (version, name) VALUES ($1, $2)"
        )
    }

    public func schemaVersion() throws(DatabaseError) -> Int? {
        let present = try postgres.queryFirst("SELECT to_regclass('gdpr_schema_migrations') IS NOT NULL AS present")
        guard try present?.bool("present") == true else { return nil }
        return try postgres.queryFirst("SELECT max(version) AS version FROM gdpr_schema_migrations")?.optionalInt(
            "version")
    }

    public func now() throws(DatabaseError) -> Date {
        try postgres.queryFirst("SELECT now() AS now").required("row").date("now")
    }

    private typealias Rules = PostgresQueueRules

    /// The claim commits with `synchronous_commit = off`, set for its own implicit transaction by
    /// `set_config(…, true)` in the statement: it waits for no disk flush, and a crash of the
    /// server in the next fraction of a second loses at most the attempt's bookkeeping, never a
    /// job (the row stays as it was). The rows are addressed by `ctid`, a TID scan, where matching
    /// on jid would probe the primary key once per job; safe, because the row lock taken in the
    /// same statement keeps any other transaction from moving the row first.
    public func claim(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob] {
        let now = engineRules.clock(request.now)
        let rows = try postgres.rows(
            """
            UPDATE gdpr_jobs j
               SET attempts = j.attempts + 1, locked_by = \(request.worker),
                   locked_until = \(now) + make_interval(secs => \(request.lease.seconds)::float8),
                   started_at = coalesce(j.started_at, \(now))
             WHERE j.ctid = ANY(ARRAY(
                       SELECT ctid FROM gdpr_jobs WHERE \(engineRules.claimable(by: request.cutoff, now: request.now))
                        ORDER BY run_at LIMIT \(request.limit) FOR UPDATE SKIP LOCKED))
               AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL
            RETURNING j.jid, j.tenant, j.kind, j.mode, j.customer_key, j.attempts AS attempt, j.max_attempts, j.created_at,
                      j.legal_due_at, j.started_at, j.erased_so_far
            """)
        return try ClaimedJob.decode(rows) { unreadable throws(DatabaseError) in
            try postgres.run(
                """
                WITH gone AS (
                    DELETE FROM gdpr_jobs WHERE jid = ANY(\(unreadable)::uuid[]) AND locked_by = \(request.worker) RETURNING *
                )
                INSERT INTO gdpr_jobs_failed (\(sql: Rules.failedColumns))
                SELECT jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at, started_at, now(),
                       \(request.worker), \(ClaimedJob.unreadableReason), erased_so_far
                  FROM gone
                \(sql: Rules.replaceFailed)
                """)
        }
    }

    public func holdLeases(
        _ jids: [JobID], worker: String, lease: Duration?, now: Date?
    ) throws(DatabaseError) -> Set<JobID> {
        let ids = jids.map(\.description)
        // A row lock alone writes no new row version; the lease is renewed only when asked.
        let rows: [SQLRow]
        if let lease {
            rows = try postgres.rows(
                """
                UPDATE gdpr_jobs SET locked_until = \(engineRules.clock(now)) + make_interval(secs => \(lease.seconds)::float8)
                 WHERE jid = ANY(\(ids)::uuid[]) AND locked_by = \(worker)
                RETURNING jid
                """)
        } else {
            rows = try postgres.rows(
                "SELECT jid FROM gdpr_jobs WHERE jid = ANY(\(ids)::uuid[]) AND locked_by = \(worker) FOR NO KEY UPDATE")
        }
        return Set(try rows.map { row throws(DatabaseError) in try row.jobID() })
    }

    public func complete(_ completions: [JobCompletion], worker: String, now: Date?) throws(DatabaseError) -> Int {
        guard !completions.isEmpty else { return 0 }
        // A job leaves the queue here if its lease is still this worker's; the audit rows are
        // written only for the jobs that did. Per-job values travel as parallel arrays.
        let jids = completions.map(\.job.jid.description)
        let keyHashes = completions.map(\.keyHash)
        let linkedKeys = completions.map { String(max($0.result.keys - 1, 0)) }
        let tablesTouched = completions.map { String($0.result.tables.count) }
        let rowsAffected = completions.map { String($0.result.rowsAffected) }
        let fieldsRewritten = completions.map { String($0.result.fieldsRewritten) }
        let startedAt = completions.map { Timestamp.format($0.job.startedAt ?? $0.startedAt, fractionDigits: 6) }
        let tables = completions.map(\.result.tablesJSON)
        let dataMaps = completions.map { $0.result.dataMap ?? "" }
        let row = try postgres.firstRow(
            """
            WITH input AS (
                SELECT * FROM unnest(\(jids)::uuid[], \(keyHashes)::text[], \(linkedKeys)::int[], \(tablesTouched)::int[],
                                     \(rowsAffected)::bigint[], \(fieldsRewritten)::bigint[], \(startedAt)::timestamptz[], \(tables)::jsonb[],
                                     \(dataMaps)::text[])
                    AS r(jid, key_hash, linked_keys, tables_touched, rows_affected, fields_rewritten, started_at, tables, data_map)
            ), gone AS (
                DELETE FROM gdpr_jobs j USING input r
                 WHERE j.jid = r.jid AND j.locked_by = \(worker)
                RETURNING j.jid, j.tenant, j.kind, j.mode, j.attempts, j.max_attempts, j.created_at, j.legal_due_at
            ), audit AS (
                INSERT INTO gdpr_audit (jid, tenant, kind, mode, key_hash, linked_keys, tables_touched, rows_affected, fields_rewritten,
                                        attempts, max_attempts, created_at, legal_due_at, started_at, finished_at, worker, tables, data_map)
                SELECT g.jid, g.tenant, g.kind, g.mode, r.key_hash, r.linked_keys, r.tables_touched, r.rows_affected, r.fields_rewritten,
                       g.attempts, g.max_attempts, g.created_at, g.legal_due_at, r.started_at, \(engineRules.clock(now)), \(worker), r.tables,
                       NULLIF(r.data_map, '')
                  FROM gone g JOIN input r ON r.jid = g.jid
                RETURNING jid
            )
            SELECT count(*) AS finished FROM audit
            """)
        return try row?.int("finished") ?? 0
    }

    public func retry(
        _ job: ClaimedJob, worker: String, after delay: Duration, reason: String, now: Date?
    ) throws(DatabaseError) -> Bool {
        try postgres.run(
            """
            UPDATE gdpr_jobs
               SET attempts = \(job.attempt), run_at = \(engineRules.clock(now)) + make_interval(secs => \(delay.seconds)::float8),
                   started_at = coalesce(started_at, \(engineRules.clock(now))),
                   last_error = \(reason), locked_by = NULL, locked_until = NULL
             WHERE jid = \(job.jid.description)::uuid AND locked_by = \(worker)
            """) == 1
    }

    public func fail(_ job: ClaimedJob, worker: String, reason: String, now: Date?) throws(DatabaseError) -> Bool {
        // Only while the lease is this worker's.
        try postgres.run(
            """
            WITH gone AS (
                DELETE FROM gdpr_jobs WHERE jid = \(job.jid.description)::uuid AND locked_by = \(worker) RETURNING *
            )
            INSERT INTO gdpr_jobs_failed (\(sql: Rules.failedColumns))
            SELECT jid, tenant, kind, mode, customer_key, \(job.attempt), max_attempts, created_at, legal_due_at,
                   coalesce(started_at, \(engineRules.clock(now))), \(engineRules.clock(now)), \(worker), \(reason), erased_so_far
              FROM gone
            \(sql: Rules.replaceFailed)
            """) == 1
    }

    public func recordProgress(_ jid: JobID, worker: String, erasedSoFar: String) throws(DatabaseError) -> Bool {
        try postgres.run(
            """
            UPDATE gdpr_jobs SET erased_so_far = \(erasedSoFar) WHERE jid = \(jid.description)::uuid AND locked_by = \(worker)
            """) == 1
    }

    public func retryFailed(_ jid: JobID, tenant: Tenant?, now: Date?) throws(DatabaseError) -> OperatorRetry {
        // The job returns under its jid with fresh attempts and what it had erased, so its
        // client's poll goes on and its audit record will count everything.
        let moved = try postgres.run(
            """
            WITH gone AS (
                DELETE FROM gdpr_jobs_failed
                 WHERE jid = \(jid.description)::uuid AND (\(tenant?.name)::text IS NULL OR tenant = \(tenant?.name)::text)
                RETURNING *
            )
            INSERT INTO gdpr_jobs (jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, run_at, started_at,
                                   last_error, erased_so_far)
            SELECT jid, tenant, kind, mode, customer_key, 0, max_attempts, created_at, \(engineRules.clock(now)), started_at,
                   'operator_retry: ' || reason, erased_so_far
              FROM gone
            """)
        if moved == 1 { return .retried }
        return try job(jid, tenant: tenant).map { .notFailed($0.state) } ?? .notFound
    }

    public func release(_ jids: [JobID], worker: String) throws(DatabaseError) -> Int {
        guard !jids.isEmpty else { return 0 }
        return try postgres.run(
            """
            UPDATE gdpr_jobs
               SET attempts = greatest(attempts - 1, 0), locked_by = NULL, locked_until = NULL
             WHERE jid = ANY(\(jids.map(\.description))::uuid[]) AND locked_by = \(worker)
            """)
    }

    public func extendLeases(workers: [String], lease: Duration, now: Date?) throws(DatabaseError) -> Int {
        guard !workers.isEmpty else { return 0 }
        // A job whose worker holds its row lock is mid-transaction and cannot be rescued; skip it rather than wait.
        return try postgres.run(
            """
            UPDATE gdpr_jobs SET locked_until = \(engineRules.clock(now)) + make_interval(secs => \(lease.seconds)::float8)
             WHERE jid IN (SELECT jid FROM gdpr_jobs WHERE locked_by = ANY(\(workers)::text[]) FOR UPDATE SKIP LOCKED)
            """)
    }

    public func rescueExpired(now: Date?, retryDelay: Duration) throws(DatabaseError) -> RescueReport {
        // A job whose worker is gone: failed if that was its last attempt, else back in the queue
        // with the reason. SKIP LOCKED: a job that completes meanwhile is gone, never overwritten.
        let row = try postgres.firstRow(
            """
            WITH expired AS (
                SELECT jid FROM gdpr_jobs WHERE \(engineRules.abandoned(now: now)) FOR UPDATE SKIP LOCKED
            ), exhausted AS (
                DELETE FROM gdpr_jobs j USING expired e
                 WHERE j.jid = e.jid AND j.attempts >= j.max_attempts
                RETURNING j.*
            ), failed AS (
                INSERT INTO gdpr_jobs_failed (\(sql: Rules.failedColumns))
                SELECT jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at,
                       legal_due_at, started_at, \(engineRules.clock(now)), locked_by,
                       'lease_expired: the worker stopped responding on its last attempt', erased_so_far
                  FROM exhausted
                \(sql: Rules.replaceFailed)
                RETURNING 1
            ), requeued AS (
                UPDATE gdpr_jobs j
                   SET locked_by = NULL, locked_until = NULL,
                       run_at = \(engineRules.clock(now)) + make_interval(secs => \(retryDelay.seconds)::float8),
                       last_error = 'lease_expired: the worker stopped responding'
                  FROM expired e
                 WHERE j.jid = e.jid AND j.attempts < j.max_attempts
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM requeued) AS requeued, (SELECT count(*) FROM failed) AS failed
            """)
        return RescueReport(requeued: try row?.int("requeued") ?? 0, failed: try row?.int("failed") ?? 0)
    }

    public func vacuumQueue() throws(DatabaseError) {
        try postgres.executeScript("VACUUM (SKIP_LOCKED) gdpr_jobs")
    }
}
