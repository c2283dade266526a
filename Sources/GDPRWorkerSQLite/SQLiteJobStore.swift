import Foundation
import GDPRWorkerCore

/// The embedded queue: one SQLite file, one writer at a time, no server to run.
///
/// SQLite has no row locks, so claims serialise on the database's write lock; a single claim
/// statement takes a whole batch. All workers share one host, so times come from the local clock.
public struct SQLiteJobStore: JobStore {
    public let path: String
    public let configuration: SQLiteConnection.Configuration
    public var engine: DatabaseEngine { .sqlite }
    public var url: DatabaseURL { .sqlite(path: path) }

    public init(path: String, configuration: SQLiteConnection.Configuration = .init()) {
        self.path = path
        self.configuration = configuration
    }

    public func connect() throws(DatabaseError) -> any JobStoreConnection {
        SQLiteJobStoreConnection(database: try SQLiteConnection(path: path, configuration: configuration))
    }

    public func makeWakeupSource() throws(DatabaseError) -> any JobWakeupSource {
        try SQLiteChangeWatcher(connection: SQLiteConnection(path: path, configuration: configuration))
    }
}

/// The queue statements of `SQLiteJobStore` on one connection.
public final class SQLiteJobStoreConnection: JobStoreConnection {
    public let sqlite: SQLiteConnection
    public var database: any DatabaseConnection { sqlite }

    init(database: SQLiteConnection) {
        sqlite = database
    }

    public func migrate() throws -> [AppliedMigration] {
        try Migration.apply(
            Migration.embedded(for: .sqlite), on: sqlite,
            historyTableDDL: """
                CREATE TABLE IF NOT EXISTS gdpr_schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))) STRICT
                """,
            isAppliedSQL: "SELECT 1 FROM gdpr_schema_migrations WHERE version = ?1",
            recordSQL: "INSERT INTO gdpr_schema_migrations (version, name) VALUES (?1, ?2)"
        )
    }

    public func schemaVersion() throws(DatabaseError) -> Int? {
        let present = try sqlite.queryFirst("SELECT count(*) AS present FROM sqlite_master WHERE name = 'gdpr_schema_migrations'")
        guard try present?.int("present") == 1 else { return nil }
        return try sqlite.queryFirst("SELECT max(version) AS version FROM gdpr_schema_migrations")?.optionalInt("version")
    }

    public func enqueue(_ request: EnqueueRequest) throws(DatabaseError) -> EnqueueResult {
        let (insert, binds) = request.insertStatement { "?\($0)" }
        guard request.deduplicate else {
            return EnqueueResult(jid: try sqlite.queryFirst(insert, binds).required("jid").jobID(), deduplicated: false)
        }
        do {
            // BEGIN IMMEDIATE holds the write lock, so the check and the insert cannot interleave with another request's.
            return try sqlite.transaction {
                if let existing = try sqlite.queryFirst("""
                    SELECT jid FROM gdpr_jobs
                     WHERE tenant = ?1 AND kind = ?2 AND mode = ?3 AND customer_key = ?4 AND state = 'pending'
                     ORDER BY created_at LIMIT 1
                    """, Array(binds.prefix(4)))
                {
                    return EnqueueResult(jid: try existing.jobID(), deduplicated: true)
                }
                return EnqueueResult(jid: try sqlite.queryFirst(insert, binds).required("jid").jobID(), deduplicated: false)
            }
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unexpectedResult, "enqueue failed: \(error)")
        }
    }

    public func job(_ jid: JobID, tenant: Tenant?) throws(DatabaseError) -> Job? {
        guard let row = try sqlite.queryFirst("""
            SELECT jid, tenant, kind, mode, state, attempts, max_attempts, created_at, legal_due_at, run_at, started_at,
                   NULL AS finished_at, last_error, NULL AS result
              FROM gdpr_jobs WHERE jid = ?1 AND (?2 IS NULL OR tenant = ?2)
            UNION ALL
            SELECT jid, tenant, kind, mode, state, attempts, max_attempts, created_at, legal_due_at, NULL, started_at,
                   finished_at, last_error, result
              FROM gdpr_jobs_finished WHERE jid = ?1 AND (?2 IS NULL OR tenant = ?2)
            LIMIT 1
            """, [.text(jid.description), .optional(tenant?.name)])
        else { return nil }
        do {
            return try Job(row: row)
        } catch {
            throw DatabaseError(.unexpectedResult, "a stored job could not be read: \(error)")
        }
    }

    public func now() throws(DatabaseError) -> Date {
        Date()
    }

    public func claim(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob] {
        let now = request.now ?? Date()
        let rows = try sqlite.query("""
            UPDATE gdpr_jobs
               SET state = 'running', attempts = attempts + 1, locked_by = ?5, locked_until = ?6,
                   started_at = coalesce(started_at, ?1)
             WHERE jid IN (
                SELECT jid FROM gdpr_jobs
                 WHERE state = 'pending' AND run_at <= ?1
                   AND (kind = 'export' OR (created_at <= ?2
                        AND (NOT ?3 OR created_at <= coalesce((SELECT value FROM gdpr_settings WHERE name = 'archive_watermark'), ''))))
                 ORDER BY run_at
                 LIMIT ?4)
            RETURNING jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at
            """,
            [
                .timestamp(now), .timestamp(now.addingTimeInterval(-request.cutoff.delay.seconds)),
                .bool(request.cutoff.requiresWatermark), .int(request.limit), .text(request.worker),
                .timestamp(now.addingTimeInterval(request.lease.seconds)),
            ])
        return try rows.map(ClaimedJob.init(row:))
    }

    public func lockOwned(_ jids: [JobID], worker: String) throws(DatabaseError) -> Set<JobID> {
        // The enclosing BEGIN IMMEDIATE already holds the database's only write lock.
        let rows = try sqlite.query("""
            SELECT jid FROM gdpr_jobs WHERE jid IN (SELECT value FROM json_each(?1)) AND locked_by = ?2 AND state = 'running'
            """, [.textArray(jids.map(\.description)), .text(worker)])
        return Set(try rows.map { row throws(DatabaseError) in try row.jobID() })
    }

    public func complete(_ completions: [JobCompletion], worker: String, now: Date?) throws(DatabaseError) -> Int {
        guard !completions.isEmpty else { return 0 }
        let input: [SQLValue] = [.text(Self.completionJSON(completions)), .text(worker), .timestamp(now ?? Date())]
        let owned = """
            FROM json_each(?1) r JOIN gdpr_jobs j ON j.jid = r.value ->> 'jid'
            WHERE j.locked_by = ?2 AND j.state = 'running'
            """
        try sqlite.execute("""
            INSERT INTO gdpr_audit (jid, tenant, kind, mode, key_hash, linked_keys, tables_touched, rows_affected,
                                    fields_rewritten, started_at, finished_at, worker)
            SELECT j.jid, j.tenant, j.kind, j.mode, r.value ->> 'key_hash', r.value ->> 'linked_keys',
                   json_array_length(r.value -> 'result', '$.tables'), r.value ->> 'rows', r.value ->> 'fields',
                   r.value ->> 'started_at', ?3, ?2
            \(owned)
            """, input)
        try sqlite.execute("""
            INSERT INTO gdpr_audit_tables (jid, table_name, method, rows_affected, fields_rewritten)
            SELECT j.jid, t.value ->> 'table', t.value ->> 'method', t.value ->> 'rows', t.value ->> 'fields'
              FROM json_each(?1) r JOIN gdpr_jobs j ON j.jid = r.value ->> 'jid', json_each(r.value -> 'result', '$.tables') t
             WHERE j.locked_by = ?2 AND j.state = 'running'
            """, Array(input.prefix(2)))
        try sqlite.execute("""
            INSERT INTO gdpr_jobs_finished (jid, tenant, kind, mode, customer_key, key_hash, state, attempts, max_attempts,
                                            created_at, legal_due_at, started_at, finished_at, worker, result)
            SELECT j.jid, j.tenant, j.kind, j.mode, NULL, r.value ->> 'key_hash', 'done', j.attempts, j.max_attempts,
                   j.created_at, j.legal_due_at, j.started_at, ?3, ?2, r.value ->> 'result'
            \(owned)
            """, input)
        return try sqlite.execute("""
            DELETE FROM gdpr_jobs
             WHERE jid IN (SELECT value ->> 'jid' FROM json_each(?1)) AND locked_by = ?2 AND state = 'running'
            """, Array(input.prefix(2)))
    }

    public func retry(_ jid: JobID, worker: String, after delay: Duration, reason: String, now: Date?) throws(DatabaseError) -> Bool {
        try sqlite.execute("""
            UPDATE gdpr_jobs SET state = 'pending', run_at = ?3, last_error = ?4, locked_by = NULL, locked_until = NULL
             WHERE jid = ?1 AND locked_by = ?2 AND state = 'running'
            """, [.text(jid.description), .text(worker), .timestamp((now ?? Date()).addingTimeInterval(delay.seconds)), .text(reason)]) == 1
    }

    public func fail(_ jid: JobID, worker: String, reason: String, now: Date?) throws(DatabaseError) -> Bool {
        do {
            // A savepoint, not a transaction: the pool fails jobs inside its batch transaction too.
            return try sqlite.savepoint("gdpr_fail") {
                let moved = try sqlite.execute("""
                    INSERT INTO gdpr_jobs_finished (jid, tenant, kind, mode, customer_key, state, attempts, max_attempts, created_at,
                                                    legal_due_at, started_at, finished_at, worker, last_error)
                    SELECT jid, tenant, kind, mode, customer_key, 'failed', attempts, max_attempts, created_at,
                           legal_due_at, started_at, ?3, ?2, ?4
                      FROM gdpr_jobs WHERE jid = ?1 AND locked_by = ?2 AND state = 'running'
                    """, [.text(jid.description), .text(worker), .timestamp(now ?? Date()), .text(reason)])
                try sqlite.execute("DELETE FROM gdpr_jobs WHERE jid = ?1 AND locked_by = ?2 AND state = 'running'", [.text(jid.description), .text(worker)])
                return moved == 1
            }
        } catch {
            throw Self.databaseError(error)
        }
    }

    public func release(_ jids: [JobID], worker: String) throws(DatabaseError) -> Int {
        guard !jids.isEmpty else { return 0 }
        return try sqlite.execute("""
            UPDATE gdpr_jobs SET state = 'pending', attempts = max(attempts - 1, 0), locked_by = NULL, locked_until = NULL
             WHERE jid IN (SELECT value FROM json_each(?1)) AND locked_by = ?2 AND state = 'running'
            """, [.textArray(jids.map(\.description)), .text(worker)])
    }

    public func extendLeases(workers: [String], lease: Duration, now: Date?) throws(DatabaseError) -> Int {
        guard !workers.isEmpty else { return 0 }
        return try sqlite.execute("""
            UPDATE gdpr_jobs SET locked_until = ?2 WHERE state = 'running' AND locked_by IN (SELECT value FROM json_each(?1))
            """, [.textArray(workers), .timestamp((now ?? Date()).addingTimeInterval(lease.seconds))])
    }

    public func rescueExpired(now: Date?, retryDelay: Duration) throws(DatabaseError) -> RescueReport {
        let now = now ?? Date()
        do {
            return try sqlite.savepoint("gdpr_rescue") {
                let failed = try sqlite.execute("""
                    INSERT INTO gdpr_jobs_finished (jid, tenant, kind, mode, customer_key, state, attempts, max_attempts, created_at,
                                                    legal_due_at, started_at, finished_at, worker, last_error)
                    SELECT jid, tenant, kind, mode, customer_key, 'failed', attempts, max_attempts, created_at,
                           legal_due_at, started_at, ?1, locked_by, 'lease_expired: the worker stopped responding on its last attempt'
                      FROM gdpr_jobs WHERE state = 'running' AND locked_until < ?1 AND attempts >= max_attempts
                    """, [.timestamp(now)])
                try sqlite.execute(
                    "DELETE FROM gdpr_jobs WHERE state = 'running' AND locked_until < ?1 AND attempts >= max_attempts", [.timestamp(now)])
                let requeued = try sqlite.execute("""
                    UPDATE gdpr_jobs SET state = 'pending', locked_by = NULL, locked_until = NULL, run_at = ?2,
                                         last_error = 'lease_expired: the worker stopped responding'
                     WHERE state = 'running' AND locked_until < ?1
                    """, [.timestamp(now), .timestamp(now.addingTimeInterval(retryDelay.seconds))])
                return RescueReport(requeued: requeued, failed: failed)
            }
        } catch {
            throw Self.databaseError(error)
        }
    }

    public func setting(_ name: String) throws(DatabaseError) -> String? {
        try sqlite.queryFirst("SELECT value FROM gdpr_settings WHERE name = ?1", [.text(name)])?.optionalString("value")
    }

    public func insertSettingIfAbsent(_ name: String, value: String) throws(DatabaseError) -> String {
        try sqlite.execute("INSERT INTO gdpr_settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING", [.text(name), .text(value)])
        return try setting(name) ?? value
    }

    // MARK: Internals

    /// One completion as the JSON object the completion statements read with `json_each`.
    private struct CompletionRow: Encodable {
        var jid: String
        var key_hash: String
        var result: JobResult
        var started_at: String
        var linked_keys: Int
        var rows: Int
        var fields: Int
    }

    private static func completionJSON(_ completions: [JobCompletion]) -> String {
        let rows = completions.map { completion in
            CompletionRow(
                jid: completion.job.jid.description, key_hash: completion.keyHash, result: completion.result,
                started_at: Timestamp.format(completion.startedAt), linked_keys: max(completion.result.keys - 1, 0),
                rows: completion.result.rowsAffected, fields: completion.result.fieldsRewritten)
        }
        return String(decoding: (try? JSONEncoder().encode(rows)) ?? Data("[]".utf8), as: UTF8.self)
    }

    private static func databaseError(_ error: any Error) -> DatabaseError {
        (error as? DatabaseError) ?? DatabaseError(.unexpectedResult, "\(error)")
    }
}
