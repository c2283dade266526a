import Foundation
import GDPRWorkerCore

/// The production queue: many worker processes on many hosts share one PostgreSQL database.
///
/// Claims take `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait on each other or take the
/// same job; an INSERT into `gdpr_jobs` NOTIFYs `gdpr_jobs`, so idle workers wake at once.
public struct PostgresJobStore: JobStore {
    public let parameters: PostgresConnectionParameters
    /// The timeouts of every connection the store opens for work.
    public let session: PostgresSessionSettings
    public var engine: DatabaseEngine { .postgres }
    public var url: DatabaseURL { .postgres(parameters) }

    /// The key of the session advisory lock that serialises concurrent `migrate` runs.
    static let migrationLockKey: Int64 = 0x6764_7072_6d69_6772

    public init(parameters: PostgresConnectionParameters, session: PostgresSessionSettings = .init()) {
        self.parameters = parameters
        self.session = session
    }

    public func connect() throws(DatabaseError) -> any JobStoreConnection {
        PostgresJobStoreConnection(database: try PostgresConnection(parameters: parameters, session: session))
    }

    public func makeWakeupSource() throws(DatabaseError) -> any JobWakeupSource {
        try PostgresNotificationListener(parameters: parameters, channel: "gdpr_jobs")
    }

    public func announcePresence(processID: String) throws(DatabaseError) -> any WorkerPresence {
        try PostgresWorkerPresence(parameters: parameters, processID: processID)
    }
}

/// The queue statements of `PostgresJobStore` on one connection.
public final class PostgresJobStoreConnection: JobStoreConnection {
    public let postgres: PostgresConnection
    public var database: any DatabaseConnection { postgres }

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
        return try postgres.queryFirst("SELECT max(version) AS version FROM gdpr_schema_migrations")?.optionalInt("version")
    }

    public func enqueue(_ request: EnqueueRequest) throws(DatabaseError) -> EnqueueResult {
        let (insert, binds) = request.insertStatement { "$\($0)" }
        guard request.deduplicate else {
            return EnqueueResult(jid: try postgres.queryFirst(insert, binds).required("jid").jobID(), deduplicated: false)
        }
        do {
            return try postgres.transaction {
                // One request at a time per tenant and key, so two concurrent requests cannot both insert.
                try postgres.execute("SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))", [binds[0], binds[3]])
                if let existing = try postgres.queryFirst("""
                    SELECT jid FROM gdpr_jobs
                     WHERE tenant = $1 AND kind = $2 AND mode = $3 AND customer_key = $4 AND state = 'pending'
                       AND NOT \(Self.held)
                     ORDER BY created_at LIMIT 1
                    """, Array(binds.prefix(4)))
                {
                    return EnqueueResult(jid: try existing.jobID(), deduplicated: true)
                }
                return EnqueueResult(jid: try postgres.queryFirst(insert, binds).required("jid").jobID(), deduplicated: false)
            }
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unexpectedResult, "enqueue failed: \(error)")
        }
    }

    public func job(_ jid: JobID, tenant: Tenant?) throws(DatabaseError) -> Job? {
        let binds: [SQLValue] = [.text(jid.description), .optional(tenant?.name)]
        guard let row = try postgres.queryFirst("""
            SELECT jid, tenant, kind, mode, CASE WHEN \(Self.held) THEN 'running' ELSE 'pending' END AS state, attempts, max_attempts,
                   created_at, legal_due_at, run_at, started_at,
                   NULL::timestamptz AS finished_at, last_error, NULL::int AS keys, erased_so_far AS tables
              FROM gdpr_jobs WHERE jid = $1::uuid AND ($2::text IS NULL OR tenant = $2::text)
            UNION ALL
            SELECT a.jid, a.tenant, a.kind, a.mode, 'done', a.attempts, a.max_attempts, a.created_at, a.legal_due_at, NULL,
                   a.started_at, a.finished_at, NULL, a.linked_keys + 1, a.tables::text
              FROM gdpr_audit a WHERE a.jid = $1::uuid AND ($2::text IS NULL OR a.tenant = $2::text)
            UNION ALL
            SELECT jid, tenant, kind, mode, 'failed', attempts, max_attempts, created_at, legal_due_at, NULL, started_at,
                   failed_at, reason, NULL, erased_so_far
              FROM gdpr_jobs_failed WHERE jid = $1::uuid AND ($2::text IS NULL OR tenant = $2::text)
            LIMIT 1
            """, binds)
        else { return nil }
        do {
            return try Job(row: row)
        } catch {
            throw DatabaseError(.unexpectedResult, "a stored job could not be read: \(error)")
        }
    }

    public func now() throws(DatabaseError) -> Date {
        try postgres.queryFirst("SELECT now() AS now").required("row").date("now")
    }

    /// A job a worker holds: claimed, its lease not expired. (Every live job's `state` is
    /// 'pending'; a claim changes no indexed column, so that it is an in-place update.)
    static let held = "(locked_by IS NOT NULL AND locked_until > now())"

    /// The eligibility condition of a claim: not held (a lease that expired frees the job), its
    /// attempts not used up, its run time reached, and for remove jobs the archive cutoff ($2
    /// seconds) and, when the data map archives ($3), the sweep's watermark.
    private static let eligible = """
        state = 'pending' AND (locked_until IS NULL OR locked_until <= coalesce($1::timestamptz, now())) AND attempts < max_attempts
        AND run_at <= coalesce($1::timestamptz, now())
        AND (kind = 'export' OR (
             created_at <= coalesce($1::timestamptz, now()) - make_interval(secs => $2::float8)
             AND (NOT $3::boolean OR created_at <= coalesce(
                 (SELECT value::timestamptz FROM gdpr_settings WHERE name = 'archive_watermark'), '-infinity'))))
        """

    /// The claim commits with `synchronous_commit = off`, set for its own implicit transaction by
    /// `set_config(…, true)` in the statement: it waits for no disk flush, and a crash of the
    /// server in the next fraction of a second loses at most the attempt's bookkeeping, never a
    /// job (the row stays as it was). The rows are addressed by `ctid`, a TID scan, where matching
    /// on jid would probe the primary key once per job; safe, because the row lock taken in the
    /// same statement keeps any other transaction from moving the row first.
    public func claim(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob] {
        let rows = try postgres.query("""
            UPDATE gdpr_jobs j
               SET attempts = j.attempts + 1, locked_by = $5,
                   locked_until = coalesce($1::timestamptz, now()) + make_interval(secs => $6::float8),
                   started_at = coalesce(j.started_at, coalesce($1::timestamptz, now()))
             WHERE j.ctid = ANY(ARRAY(SELECT ctid FROM gdpr_jobs WHERE \(Self.eligible) ORDER BY run_at LIMIT $4 FOR UPDATE SKIP LOCKED))
               AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL
            RETURNING j.jid, j.tenant, j.kind, j.mode, j.customer_key, j.attempts AS attempt, j.max_attempts, j.created_at,
                      j.legal_due_at, j.started_at, j.erased_so_far
            """,
            [
                .optional(request.now), .double(request.cutoff.delay.seconds), .bool(request.cutoff.requiresWatermark),
                .int(request.limit), .text(request.worker), .double(request.lease.seconds),
            ])
        return try ClaimedJob.decode(rows) { unreadable throws(DatabaseError) in
            try postgres.execute("""
                WITH gone AS (
                    DELETE FROM gdpr_jobs WHERE jid = ANY($1::uuid[]) AND locked_by = $2 RETURNING *
                )
                INSERT INTO gdpr_jobs_failed (jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at,
                                              started_at, failed_at, worker, reason, erased_so_far)
                SELECT jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at, started_at, now(), $2, $3,
                       erased_so_far
                  FROM gone
                ON CONFLICT (jid) DO UPDATE SET reason = excluded.reason, failed_at = excluded.failed_at, attempts = excluded.attempts
                """, [.textArray(unreadable), .text(request.worker), .text(ClaimedJob.unreadableReason)])
        }
    }

    public func holdLeases(_ jids: [JobID], worker: String, lease: Duration?, now: Date?) throws(DatabaseError) -> Set<JobID> {
        // A row lock alone writes no new row version; the lease is renewed only when asked.
        guard let lease else {
            return Set(
                try postgres.query("""
                    SELECT jid FROM gdpr_jobs WHERE jid = ANY($1::uuid[]) AND locked_by = $2 FOR NO KEY UPDATE
                    """, [.textArray(jids.map(\.description)), .text(worker)]
                ).map { row throws(DatabaseError) in try row.jobID() })
        }
        let rows = try postgres.query("""
            UPDATE gdpr_jobs SET locked_until = coalesce($3::timestamptz, now()) + make_interval(secs => $4::float8)
             WHERE jid = ANY($1::uuid[]) AND locked_by = $2
            RETURNING jid
            """, [.textArray(jids.map(\.description)), .text(worker), .optional(now), .double(lease.seconds)])
        return Set(try rows.map { row throws(DatabaseError) in try row.jobID() })
    }

    public func complete(_ completions: [JobCompletion], worker: String, now: Date?) throws(DatabaseError) -> Int {
        guard !completions.isEmpty else { return 0 }
        let jobs = completions.map(\.job)
        // A job leaves the queue here if its lease is still this worker's; the audit rows are
        // written only for the jobs that did.
        let row = try postgres.queryFirst("""
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::bigint[], $6::bigint[], $7::timestamptz[], $10::jsonb[])
                    AS r(jid, key_hash, linked_keys, tables_touched, rows_affected, fields_rewritten, started_at, tables)
            ), gone AS (
                DELETE FROM gdpr_jobs j USING input r
                 WHERE j.jid = r.jid AND j.locked_by = $8
                RETURNING j.jid, j.tenant, j.kind, j.mode, j.attempts, j.max_attempts, j.created_at, j.legal_due_at
            ), audit AS (
                INSERT INTO gdpr_audit (jid, tenant, kind, mode, key_hash, linked_keys, tables_touched, rows_affected, fields_rewritten,
                                        attempts, max_attempts, created_at, legal_due_at, started_at, finished_at, worker, tables)
                SELECT g.jid, g.tenant, g.kind, g.mode, r.key_hash, r.linked_keys, r.tables_touched, r.rows_affected, r.fields_rewritten,
                       g.attempts, g.max_attempts, g.created_at, g.legal_due_at, r.started_at, coalesce($9::timestamptz, now()), $8, r.tables
                  FROM gone g JOIN input r ON r.jid = g.jid
                RETURNING jid
            )
            SELECT count(*) AS finished FROM audit
            """,
            [
                .textArray(jobs.map(\.jid.description)), .textArray(completions.map(\.keyHash)),
                .textArray(completions.map { String(max($0.result.keys - 1, 0)) }), .textArray(completions.map { String($0.result.tables.count) }),
                .textArray(completions.map { String($0.result.rowsAffected) }), .textArray(completions.map { String($0.result.fieldsRewritten) }),
                .textArray(completions.map { Timestamp.format($0.job.startedAt ?? $0.startedAt, fractionDigits: 6) }),
                .text(worker), .optional(now), .textArray(completions.map(\.result.tablesJSON)),
            ])
        return try row?.int("finished") ?? 0
    }

    public func retry(_ job: ClaimedJob, worker: String, after delay: Duration, reason: String, now: Date?) throws(DatabaseError) -> Bool {
        try postgres.execute("""
            UPDATE gdpr_jobs
               SET attempts = $3, run_at = coalesce($4::timestamptz, now()) + make_interval(secs => $5::float8),
                   started_at = coalesce(started_at, coalesce($4::timestamptz, now())),
                   last_error = $6, locked_by = NULL, locked_until = NULL
             WHERE jid = $1::uuid AND locked_by = $2
            """, [.text(job.jid.description), .text(worker), .int(job.attempt), .optional(now), .double(delay.seconds), .text(reason)]) == 1
    }

    public func fail(_ job: ClaimedJob, worker: String, reason: String, now: Date?) throws(DatabaseError) -> Bool {
        // Only while the lease is this worker's. A failed record of the same jid, left by an
        // earlier run that an operator retried, is replaced rather than refused.
        try postgres.execute("""
            WITH gone AS (
                DELETE FROM gdpr_jobs WHERE jid = $1::uuid AND locked_by = $2
                RETURNING jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at, started_at, erased_so_far
            )
            INSERT INTO gdpr_jobs_failed (jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at,
                                          started_at, failed_at, worker, reason, erased_so_far)
            SELECT jid, tenant, kind, mode, customer_key, $3, max_attempts, created_at, legal_due_at,
                   coalesce(started_at, coalesce($4::timestamptz, now())), coalesce($4::timestamptz, now()), $2, $5, erased_so_far
              FROM gone
            ON CONFLICT (jid) DO UPDATE SET tenant = excluded.tenant, kind = excluded.kind, mode = excluded.mode,
                customer_key = excluded.customer_key, attempts = excluded.attempts, max_attempts = excluded.max_attempts,
                started_at = excluded.started_at, failed_at = excluded.failed_at, worker = excluded.worker, reason = excluded.reason,
                erased_so_far = excluded.erased_so_far
            """,
            [.text(job.jid.description), .text(worker), .int(job.attempt), .optional(now), .text(reason)]) == 1
    }

    public func recordProgress(_ jid: JobID, worker: String, erasedSoFar: String) throws(DatabaseError) -> Bool {
        try postgres.execute(
            "UPDATE gdpr_jobs SET erased_so_far = $3 WHERE jid = $1::uuid AND locked_by = $2",
            [.text(jid.description), .text(worker), .text(erasedSoFar)]) == 1
    }

    public func retryFailed(_ jid: JobID, tenant: Tenant?, now: Date?) throws(DatabaseError) -> OperatorRetry {
        // The job returns under its jid with fresh attempts and what it had erased, so its
        // client's poll goes on and its audit record will count everything.
        let moved = try postgres.execute("""
            WITH gone AS (
                DELETE FROM gdpr_jobs_failed WHERE jid = $1::uuid AND ($2::text IS NULL OR tenant = $2::text) RETURNING *
            )
            INSERT INTO gdpr_jobs (jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, run_at, started_at,
                                   last_error, erased_so_far)
            SELECT jid, tenant, kind, mode, customer_key, 0, max_attempts, created_at, coalesce($3::timestamptz, now()), started_at,
                   'operator_retry: ' || reason, erased_so_far
              FROM gone
            """, [.text(jid.description), .optional(tenant?.name), .optional(now)])
        if moved == 1 { return .retried }
        return try job(jid, tenant: tenant).map { .notFailed($0.state) } ?? .notFound
    }

    public func release(_ jids: [JobID], worker: String) throws(DatabaseError) -> Int {
        guard !jids.isEmpty else { return 0 }
        return try postgres.execute("""
            UPDATE gdpr_jobs
               SET attempts = greatest(attempts - 1, 0), locked_by = NULL, locked_until = NULL
             WHERE jid = ANY($1::uuid[]) AND locked_by = $2
            """, [.textArray(jids.map(\.description)), .text(worker)])
    }

    public func extendLeases(workers: [String], lease: Duration, now: Date?) throws(DatabaseError) -> Int {
        guard !workers.isEmpty else { return 0 }
        // A job whose worker holds its row lock is mid-transaction and cannot be rescued; skip it rather than wait.
        return try postgres.execute("""
            UPDATE gdpr_jobs SET locked_until = coalesce($2::timestamptz, now()) + make_interval(secs => $3::float8)
             WHERE jid IN (SELECT jid FROM gdpr_jobs WHERE locked_by = ANY($1::text[]) FOR UPDATE SKIP LOCKED)
            """, [.textArray(workers), .optional(now), .double(lease.seconds)])
    }

    public func rescueExpired(now: Date?, retryDelay: Duration) throws(DatabaseError) -> RescueReport {
        // A claimed job whose lease expired, or whose process holds no presence lock (rescued
        // before its lease expires): failed if that was its last attempt, else back in the queue
        // with the reason. SKIP LOCKED: a job that completes meanwhile is gone, never overwritten.
        let row = try postgres.queryFirst("""
            WITH present AS (
                SELECT objid FROM pg_locks
                 WHERE locktype = 'advisory' AND classid = \(PostgresWorkerPresence.lockClass) AND objsubid = 2 AND granted
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            ), expired AS (
                SELECT jid FROM gdpr_jobs j
                 WHERE locked_by IS NOT NULL
                   AND (locked_until < coalesce($1::timestamptz, now())
                        OR CAST(hashtext(regexp_replace(locked_by, '/[^/]*$', '')) AS oid) NOT IN (SELECT objid FROM present))
                 FOR UPDATE SKIP LOCKED
            ), exhausted AS (
                DELETE FROM gdpr_jobs j USING expired e
                 WHERE j.jid = e.jid AND j.attempts >= j.max_attempts
                RETURNING j.*
            ), failed AS (
                INSERT INTO gdpr_jobs_failed (jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at,
                                              legal_due_at, started_at, failed_at, worker, reason, erased_so_far)
                SELECT jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at,
                       legal_due_at, started_at, coalesce($1::timestamptz, now()), locked_by,
                       'lease_expired: the worker stopped responding on its last attempt', erased_so_far
                  FROM exhausted
                ON CONFLICT (jid) DO UPDATE SET attempts = excluded.attempts, failed_at = excluded.failed_at, worker = excluded.worker,
                    reason = excluded.reason, erased_so_far = excluded.erased_so_far
                RETURNING 1
            ), requeued AS (
                UPDATE gdpr_jobs j
                   SET locked_by = NULL, locked_until = NULL,
                       run_at = coalesce($1::timestamptz, now()) + make_interval(secs => $2::float8),
                       last_error = 'lease_expired: the worker stopped responding'
                  FROM expired e
                 WHERE j.jid = e.jid AND j.attempts < j.max_attempts
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM requeued) AS requeued, (SELECT count(*) FROM failed) AS failed
            """, [.optional(now), .double(retryDelay.seconds)])
        return RescueReport(requeued: try row?.int("requeued") ?? 0, failed: try row?.int("failed") ?? 0)
    }

    public func vacuumQueue() throws(DatabaseError) {
        try postgres.executeScript("VACUUM (SKIP_LOCKED) gdpr_jobs")
    }

    public func setting(_ name: String) throws(DatabaseError) -> String? {
        try postgres.queryFirst("SELECT value FROM gdpr_settings WHERE name = $1", [.text(name)])?.optionalString("value")
    }

    public func insertSettingIfAbsent(_ name: String, value: String) throws(DatabaseError) -> String {
        try postgres.execute("INSERT INTO gdpr_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [.text(name), .text(value)])
        return try setting(name) ?? value
    }

    public func writeSetting(_ name: String, value: String?) throws(DatabaseError) {
        guard let value else {
            _ = try postgres.execute("DELETE FROM gdpr_settings WHERE name = $1", [.text(name)])
            return
        }
        _ = try postgres.execute(
            "INSERT INTO gdpr_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [.text(name), .text(value)])
    }
}
