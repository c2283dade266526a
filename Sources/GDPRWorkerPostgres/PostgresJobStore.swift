import Foundation
import GDPRWorkerCore

/// The production queue: many worker processes on many hosts share one PostgreSQL database.
///
/// Claims take `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait on each other or take the
/// same job; an INSERT into `gdpr_jobs` NOTIFYs `gdpr_jobs`, so idle workers wake at once.
public struct PostgresJobStore: JobStore {
    public let parameters: PostgresConnectionParameters
    public var engine: DatabaseEngine { .postgres }
    public var url: DatabaseURL { .postgres(parameters) }

    /// The key of the session advisory lock that serialises concurrent `migrate` runs.
    static let migrationLockKey: Int64 = 0x6764_7072_6d69_6772

    public init(parameters: PostgresConnectionParameters) {
        self.parameters = parameters
    }

    public func connect() throws(DatabaseError) -> any JobStoreConnection {
        PostgresJobStoreConnection(database: try PostgresConnection(parameters: parameters))
    }

    public func makeWakeupSource() throws(DatabaseError) -> any JobWakeupSource {
        try PostgresNotificationListener(parameters: parameters, channel: "gdpr_jobs")
    }
}

/// The queue statements of `PostgresJobStore` on one connection.
public final class PostgresJobStoreConnection: JobStoreConnection {
    public let postgres: PostgresConnection
    public var database: any DatabaseConnection { postgres }

    init(database: PostgresConnection) {
        postgres = database
    }

    public func migrate() throws -> [AppliedMigration] {
        try postgres.execute("SELECT pg_advisory_lock($1)", [.int(PostgresJobStore.migrationLockKey)])
        defer { _ = try? postgres.execute("SELECT pg_advisory_unlock($1)", [.int(PostgresJobStore.migrationLockKey)]) }
        return try Migration.apply(
            Migration.embedded(for: .postgres), on: postgres,
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
            SELECT jid, tenant, kind, mode, state, attempts, max_attempts, created_at, legal_due_at, run_at, started_at,
                   NULL::timestamptz AS finished_at, last_error, NULL::text AS result
              FROM gdpr_jobs WHERE jid = $1::uuid AND ($2::text IS NULL OR tenant = $2::text)
            UNION ALL
            SELECT jid, tenant, kind, mode, state, attempts, max_attempts, created_at, legal_due_at, NULL, started_at,
                   finished_at, last_error, result::text
              FROM gdpr_jobs_finished WHERE jid = $1::uuid AND ($2::text IS NULL OR tenant = $2::text)
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
        guard let row = try postgres.queryFirst("SELECT now() AS now") else {
            throw DatabaseError(.unexpectedResult, "SELECT now() returned no row")
        }
        return try row.date("now")
    }

    public func claim(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob] {
        let rows = try postgres.query("""
            WITH candidates AS (
                SELECT jid FROM gdpr_jobs
                 WHERE state = 'pending'
                   AND run_at <= coalesce($1::timestamptz, now())
                   AND (kind = 'export' OR (
                        created_at <= coalesce($1::timestamptz, now()) - make_interval(secs => $2::float8)
                        AND (NOT $3::boolean OR created_at <= coalesce(
                            (SELECT value::timestamptz FROM gdpr_settings WHERE name = 'archive_watermark'), '-infinity'))))
                 ORDER BY run_at
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED
            )
            UPDATE gdpr_jobs j
               SET state = 'running', attempts = j.attempts + 1, locked_by = $5,
                   locked_until = coalesce($1::timestamptz, now()) + make_interval(secs => $6::float8),
                   started_at = coalesce(j.started_at, coalesce($1::timestamptz, now()))
              FROM candidates c
             WHERE j.jid = c.jid
            RETURNING j.jid, j.tenant, j.kind, j.mode, j.customer_key, j.attempts, j.max_attempts, j.created_at, j.legal_due_at
            """,
            [
                .optional(request.now), .double(request.cutoff.delay.seconds), .bool(request.cutoff.requiresWatermark),
                .int(request.limit), .text(request.worker), .double(request.lease.seconds),
            ])
        return try rows.map(ClaimedJob.init(row:))
    }

    public func lockOwned(_ jids: [JobID], worker: String) throws(DatabaseError) -> Set<JobID> {
        let rows = try postgres.query("""
            SELECT jid FROM gdpr_jobs WHERE jid = ANY($1::uuid[]) AND locked_by = $2 AND state = 'running' FOR UPDATE
            """, [.textArray(jids.map(\.description)), .text(worker)])
        return Set(try rows.map { row throws(DatabaseError) in try row.jobID() })
    }

    public func complete(_ completions: [JobCompletion], worker: String, now: Date?) throws(DatabaseError) -> Int {
        guard !completions.isEmpty else { return 0 }
        let row = try postgres.queryFirst("""
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[], $5::int[], $6::bigint[], $7::bigint[])
                    AS r(jid, key_hash, result, attempt_started_at, linked_keys, rows_affected, fields_rewritten)
            ), finished AS (
                DELETE FROM gdpr_jobs j USING input r
                 WHERE j.jid = r.jid AND j.locked_by = $8 AND j.state = 'running'
                RETURNING j.jid, j.tenant, j.kind, j.mode, j.attempts, j.max_attempts, j.created_at, j.legal_due_at, j.started_at,
                          r.key_hash, r.result, r.attempt_started_at, r.linked_keys, r.rows_affected, r.fields_rewritten
            ), moved AS (
                INSERT INTO gdpr_jobs_finished (jid, tenant, kind, mode, customer_key, key_hash, state, attempts, max_attempts,
                                                created_at, legal_due_at, started_at, finished_at, worker, result)
                SELECT jid, tenant, kind, mode, NULL, key_hash, 'done', attempts, max_attempts,
                       created_at, legal_due_at, started_at, coalesce($9::timestamptz, now()), $8, result
                  FROM finished
                RETURNING jid
            ), audit AS (
                INSERT INTO gdpr_audit (jid, tenant, kind, mode, key_hash, linked_keys, tables_touched, rows_affected,
                                        fields_rewritten, started_at, finished_at, worker)
                SELECT jid, tenant, kind, mode, key_hash, linked_keys, jsonb_array_length(result -> 'tables'), rows_affected,
                       fields_rewritten, attempt_started_at, coalesce($9::timestamptz, now()), $8
                  FROM finished
            ), audit_tables AS (
                INSERT INTO gdpr_audit_tables (jid, table_name, method, rows_affected, fields_rewritten)
                SELECT f.jid, t."table", t.method, t.rows, t.fields
                  FROM finished f, jsonb_to_recordset(f.result -> 'tables') AS t("table" text, method text, rows bigint, fields bigint)
            )
            SELECT count(*) AS finished FROM moved
            """,
            [
                .textArray(completions.map(\.job.jid.description)),
                .textArray(completions.map(\.keyHash)),
                .textArray(completions.map(\.result.json)),
                .textArray(completions.map { Timestamp.format($0.startedAt, fractionDigits: 6) }),
                .textArray(completions.map { String(max($0.result.keys - 1, 0)) }),
                .textArray(completions.map { String($0.result.rowsAffected) }),
                .textArray(completions.map { String($0.result.fieldsRewritten) }),
                .text(worker), .optional(now),
            ])
        return try row?.int("finished") ?? 0
    }

    public func retry(_ jid: JobID, worker: String, after delay: Duration, reason: String, now: Date?) throws(DatabaseError) -> Bool {
        try postgres.execute("""
            UPDATE gdpr_jobs
               SET state = 'pending', run_at = coalesce($3::timestamptz, now()) + make_interval(secs => $4::float8),
                   last_error = $5, locked_by = NULL, locked_until = NULL
             WHERE jid = $1::uuid AND locked_by = $2 AND state = 'running'
            """, [.text(jid.description), .text(worker), .optional(now), .double(delay.seconds), .text(reason)]) == 1
    }

    public func fail(_ jid: JobID, worker: String, reason: String, now: Date?) throws(DatabaseError) -> Bool {
        try postgres.execute("""
            WITH failed AS (
                DELETE FROM gdpr_jobs WHERE jid = $1::uuid AND locked_by = $2 AND state = 'running' RETURNING *
            )
            INSERT INTO gdpr_jobs_finished (jid, tenant, kind, mode, customer_key, state, attempts, max_attempts, created_at,
                                            legal_due_at, started_at, finished_at, worker, last_error)
            SELECT jid, tenant, kind, mode, customer_key, 'failed', attempts, max_attempts, created_at,
                   legal_due_at, started_at, coalesce($3::timestamptz, now()), $2, $4
              FROM failed
            """, [.text(jid.description), .text(worker), .optional(now), .text(reason)]) == 1
    }

    public func release(_ jids: [JobID], worker: String) throws(DatabaseError) -> Int {
        guard !jids.isEmpty else { return 0 }
        return try postgres.execute("""
            UPDATE gdpr_jobs
               SET state = 'pending', attempts = greatest(attempts - 1, 0), locked_by = NULL, locked_until = NULL
             WHERE jid = ANY($1::uuid[]) AND locked_by = $2 AND state = 'running'
            """, [.textArray(jids.map(\.description)), .text(worker)])
    }

    public func extendLeases(workers: [String], lease: Duration, now: Date?) throws(DatabaseError) -> Int {
        guard !workers.isEmpty else { return 0 }
        // A job whose worker holds its row lock is mid-transaction and cannot be rescued; skip it rather than wait.
        return try postgres.execute("""
            UPDATE gdpr_jobs SET locked_until = coalesce($2::timestamptz, now()) + make_interval(secs => $3::float8)
             WHERE jid IN (SELECT jid FROM gdpr_jobs WHERE state = 'running' AND locked_by = ANY($1::text[]) FOR UPDATE SKIP LOCKED)
            """, [.textArray(workers), .optional(now), .double(lease.seconds)])
    }

    public func rescueExpired(now: Date?, retryDelay: Duration) throws(DatabaseError) -> RescueReport {
        // SKIP LOCKED: a job whose worker is inside its transaction holds the row lock and is alive,
        // whatever its lease says; and a job that completes meanwhile is gone, never overwritten.
        let row = try postgres.queryFirst("""
            WITH expired AS (
                SELECT jid FROM gdpr_jobs
                 WHERE state = 'running' AND locked_until < coalesce($1::timestamptz, now())
                 FOR UPDATE SKIP LOCKED
            ), exhausted AS (
                DELETE FROM gdpr_jobs j USING expired e
                 WHERE j.jid = e.jid AND j.attempts >= j.max_attempts
                RETURNING j.*
            ), failed AS (
                INSERT INTO gdpr_jobs_finished (jid, tenant, kind, mode, customer_key, state, attempts, max_attempts, created_at,
                                                legal_due_at, started_at, finished_at, worker, last_error)
                SELECT jid, tenant, kind, mode, customer_key, 'failed', attempts, max_attempts, created_at,
                       legal_due_at, started_at, coalesce($1::timestamptz, now()), locked_by,
                       'lease_expired: the worker stopped responding on its last attempt'
                  FROM exhausted
                RETURNING 1
            ), requeued AS (
                UPDATE gdpr_jobs j
                   SET state = 'pending', locked_by = NULL, locked_until = NULL,
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

    public func setting(_ name: String) throws(DatabaseError) -> String? {
        try postgres.queryFirst("SELECT value FROM gdpr_settings WHERE name = $1", [.text(name)])?.optionalString("value")
    }

    public func insertSettingIfAbsent(_ name: String, value: String) throws(DatabaseError) -> String {
        try postgres.execute("INSERT INTO gdpr_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [.text(name), .text(value)])
        return try setting(name) ?? value
    }
}
