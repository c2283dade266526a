import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// The queue statements of `SQLiteJobStore` on one connection.
public final class SQLiteJobStoreConnection: JobStoreConnection {
    public let sqlite: SQLiteConnection
    public var database: any DatabaseConnection { sqlite }
    public var rules: any QueueRules { engineRules }
    let engineRules = SQLiteQueueRules()
    /// The descriptor of the held sweep lock file, if this connection holds it.
    var sweepLock: Int32?

    init(database: SQLiteConnection) {
        sqlite = database
    }

    public func migrate(through version: Int?) throws -> [AppliedMigration] {
        try Migration.apply(
            Migration.embedded(for: .sqlite).filter { $0.version <= version ?? .max }, on: sqlite,
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
        let present = try sqlite.queryFirst(
            "SELECT count(*) AS present FROM sqlite_master WHERE name = 'gdpr_schema_migrations'")
        guard try present?.int("present") == 1 else { return nil }
        return try sqlite.queryFirst("SELECT max(version) AS version FROM gdpr_schema_migrations")?.optionalInt(
            "version")
    }

    public func now() throws(DatabaseError) -> Date {
        Date()
    }

    private typealias Rules = SQLiteQueueRules

    /// One short IMMEDIATE transaction: the write lock is held for the claim alone, and the commit
    /// skips the WAL's fsync (`synchronous = NORMAL` for it), since a claim lost to a power cut
    /// only loses its attempt's bookkeeping.
    public func claim(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob] {
        let now = request.now ?? Date()
        do {
            try sqlite.executeScript("PRAGMA synchronous = NORMAL")
            defer { try? sqlite.executeScript("PRAGMA synchronous = FULL") }
            return try sqlite.transaction {
                let rows = try sqlite.rows(
                    """
                    UPDATE gdpr_jobs
                       SET attempts = attempts + 1, locked_by = \(request.worker), locked_until = \(now.addingTimeInterval(request.lease.seconds)),
                           started_at = coalesce(started_at, \(now))
                     WHERE jid IN (SELECT jid FROM gdpr_jobs WHERE \(engineRules.claimable(by: request.cutoff, now: now)) ORDER BY run_at
                                   LIMIT \(request.limit))
                    RETURNING jid, tenant, kind, mode, customer_key, attempts AS attempt, max_attempts, created_at, legal_due_at, started_at,
                              erased_so_far
                    """)
                return try ClaimedJob.decode(rows) { unreadable throws(DatabaseError) in
                    try sqlite.run(
                        """
                        INSERT OR REPLACE INTO gdpr_jobs_failed (\(sql: Rules.failedColumns))
                        SELECT jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at,
                               coalesce(started_at, \(now)), \(now), \(request.worker), \(ClaimedJob.unreadableReason), erased_so_far
                          FROM gdpr_jobs WHERE jid IN (SELECT value FROM json_each(\(unreadable))) AND locked_by = \(request.worker)
                        """)
                    try sqlite.run(
                        """
                        DELETE FROM gdpr_jobs WHERE jid IN (SELECT value FROM json_each(\(unreadable))) AND locked_by = \(request.worker)
                        """)
                }
            }
        } catch {
            throw Self.databaseError(error)
        }
    }

    public func holdLeases(
        _ jids: [JobID], worker: String, lease: Duration?, now: Date?
    ) throws(DatabaseError) -> Set<JobID> {
        // The enclosing BEGIN IMMEDIATE already holds the database's only write lock.
        let until = lease.map { (now ?? Date()).addingTimeInterval($0.seconds) }
        let rows = try sqlite.rows(
            """
            UPDATE gdpr_jobs SET locked_until = coalesce(\(until), locked_until)
             WHERE jid IN (SELECT value FROM json_each(\(jids.map(\.description)))) AND locked_by = \(worker)
            RETURNING jid
            """)
        return Set(try rows.map { row throws(DatabaseError) in try row.jobID() })
    }

    public func complete(_ completions: [JobCompletion], worker: String, now: Date?) throws(DatabaseError) -> Int {
        guard !completions.isEmpty else { return 0 }
        // Two set-based statements for the batch, fed one JSON array of per-job values: a job
        // leaves the queue if its lease is this worker's, and its audit record copies the queue
        // row's own bookkeeping.
        let batch = Self.completionsJSON(completions)
        try sqlite.run(
            """
            INSERT INTO gdpr_audit (jid, tenant, kind, mode, key_hash, linked_keys, tables_touched, rows_affected, fields_rewritten,
                                    attempts, max_attempts, created_at, legal_due_at, started_at, finished_at, worker, tables, data_map)
            SELECT j.jid, j.tenant, j.kind, j.mode, json_extract(c.value, '$[1]'), json_extract(c.value, '$[2]'),
                   json_extract(c.value, '$[3]'), json_extract(c.value, '$[4]'), json_extract(c.value, '$[5]'),
                   j.attempts, j.max_attempts, j.created_at, j.legal_due_at, coalesce(j.started_at, json_extract(c.value, '$[6]')),
                   \(now ?? Date()), \(worker), json_extract(c.value, '$[7]'), json_extract(c.value, '$[8]')
              FROM json_each(\(batch)) c JOIN gdpr_jobs j ON j.jid = json_extract(c.value, '$[0]') AND j.locked_by = \(worker)
            """)
        return try sqlite.run(
            """
            DELETE FROM gdpr_jobs WHERE jid IN (SELECT json_extract(value, '$[0]') FROM json_each(\(batch))) AND locked_by = \(worker)
            """)
    }

    /// `[[jid, key hash, linked keys, tables, rows, fields, started at, per-table counts, data map], …]`:
    /// every value is a number, hex, a UUID, a timestamp, a `sha256:` version or already JSON, so
    /// none needs escaping.
    private static func completionsJSON(_ completions: [JobCompletion]) -> String {
        var json = "["
        json.reserveCapacity(completions.count * 160)
        for (index, completion) in completions.enumerated() {
            let result = completion.result
            if index > 0 { json += "," }
            json +=
                "[\"\(completion.job.jid)\",\"\(completion.keyHash)\",\(max(result.keys - 1, 0)),\(result.tables.count),"
            json +=
                "\(result.rowsAffected),\(result.fieldsRewritten),\"\(Timestamp.format(completion.job.startedAt ?? completion.startedAt))\","
            json += result.tablesJSON + "," + (result.dataMap.map { "\"\($0)\"" } ?? "null") + "]"
        }
        return json + "]"
    }

    public func retry(
        _ job: ClaimedJob, worker: String, after delay: Duration, reason: String, now: Date?
    ) throws(DatabaseError) -> Bool {
        let now = now ?? Date()
        return try sqlite.run(
            """
            UPDATE gdpr_jobs
               SET attempts = \(job.attempt), run_at = \(now.addingTimeInterval(delay.seconds)), started_at = coalesce(started_at, \(now)),
                   last_error = \(reason), locked_by = NULL, locked_until = NULL
             WHERE jid = \(job.jid.description) AND locked_by = \(worker)
            """) == 1
    }

    public func fail(_ job: ClaimedJob, worker: String, reason: String, now: Date?) throws(DatabaseError) -> Bool {
        let now = now ?? Date()
        do {
            // A savepoint, not a transaction: the pool fails jobs inside its group's transaction too.
            // A failed record of the same jid, from a run an operator retried, is replaced.
            return try sqlite.savepoint("gdpr_fail") {
                let moved = try sqlite.run(
                    """
                    INSERT OR REPLACE INTO gdpr_jobs_failed (\(sql: Rules.failedColumns))
                    SELECT jid, tenant, kind, mode, customer_key, \(job.attempt), max_attempts, created_at, legal_due_at,
                           coalesce(started_at, \(now)), \(now), \(worker), \(reason), erased_so_far
                      FROM gdpr_jobs WHERE jid = \(job.jid.description) AND locked_by = \(worker)
                    """)
                guard moved == 1 else { return false }
                try sqlite.run("DELETE FROM gdpr_jobs WHERE jid = \(job.jid.description)")
                return true
            }
        } catch {
            throw Self.databaseError(error)
        }
    }

    public func recordProgress(_ jid: JobID, worker: String, erasedSoFar: String) throws(DatabaseError) -> Bool {
        try sqlite.run(
            "UPDATE gdpr_jobs SET erased_so_far = \(erasedSoFar) WHERE jid = \(jid.description) AND locked_by = \(worker)"
        ) == 1
    }

    public func retryFailed(_ jid: JobID, tenant: Tenant?, now: Date?) throws(DatabaseError) -> OperatorRetry {
        // The job returns under its jid with fresh attempts and what it had erased, so its
        // client's poll goes on and its audit record will count everything.
        do {
            let moved = try sqlite.transaction {
                let moved = try sqlite.run(
                    """
                    INSERT INTO gdpr_jobs (jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, run_at, started_at,
                                           last_error, erased_so_far)
                    SELECT jid, tenant, kind, mode, customer_key, 0, max_attempts, created_at, \(now ?? Date()), started_at,
                           'operator_retry: ' || reason, erased_so_far
                      FROM gdpr_jobs_failed WHERE jid = \(jid.description) AND (\(tenant?.name) IS NULL OR tenant = \(tenant?.name))
                    """)
                if moved == 1 { try sqlite.run("DELETE FROM gdpr_jobs_failed WHERE jid = \(jid.description)") }
                return moved
            }
            if moved == 1 { return .retried }
        } catch {
            throw Self.databaseError(error)
        }
        return try job(jid, tenant: tenant).map { .notFailed($0.state) } ?? .notFound
    }

    public func release(_ jids: [JobID], worker: String) throws(DatabaseError) -> Int {
        guard !jids.isEmpty else { return 0 }
        return try sqlite.run(
            """
            UPDATE gdpr_jobs SET attempts = max(attempts - 1, 0), locked_by = NULL, locked_until = NULL
             WHERE jid IN (SELECT value FROM json_each(\(jids.map(\.description)))) AND locked_by = \(worker)
            """)
    }

    public func extendLeases(workers: [String], lease: Duration, now: Date?) throws(DatabaseError) -> Int {
        guard !workers.isEmpty else { return 0 }
        return try sqlite.run(
            """
            UPDATE gdpr_jobs SET locked_until = \((now ?? Date()).addingTimeInterval(lease.seconds))
             WHERE locked_by IN (SELECT value FROM json_each(\(workers)))
            """)
    }

    public func rescueExpired(now: Date?, retryDelay: Duration) throws(DatabaseError) -> RescueReport {
        let now = now ?? Date()
        do {
            return try sqlite.transaction {
                // Workers of processes that announced no presence, or whose presence is gone.
                let holders = try sqlite.rows(
                    "SELECT DISTINCT locked_by FROM gdpr_jobs WHERE locked_by IS NOT NULL AND locked_until >= \(now)"
                ).compactMap { $0.optionalString("locked_by") }
                let gone = holders.filter {
                    !SQLiteWorkerPresence.isHeld(
                        processID: SQLiteWorkerPresence.processID(ofWorker: $0), database: sqlite.path)
                }
                let abandoned = engineRules.abandoned(now: now, goneWorkers: gone)
                let failed = try sqlite.run(
                    """
                    INSERT OR REPLACE INTO gdpr_jobs_failed (\(sql: Rules.failedColumns))
                    SELECT jid, tenant, kind, mode, customer_key, attempts, max_attempts, created_at, legal_due_at,
                           coalesce(started_at, \(now)), \(now), locked_by, 'lease_expired: the worker stopped responding on its last attempt',
                           erased_so_far
                      FROM gdpr_jobs WHERE \(abandoned) AND attempts >= max_attempts
                    """)
                try sqlite.run("DELETE FROM gdpr_jobs WHERE \(abandoned) AND attempts >= max_attempts")
                let requeued = try sqlite.run(
                    """
                    UPDATE gdpr_jobs SET locked_by = NULL, locked_until = NULL, run_at = \(now.addingTimeInterval(retryDelay.seconds)),
                                         last_error = 'lease_expired: the worker stopped responding'
                     WHERE \(abandoned)
                    """)
                return RescueReport(requeued: requeued, failed: failed)
            }
        } catch {
            throw Self.databaseError(error)
        }
    }

    /// SQLite frees deleted rows' space in place; there is nothing to vacuum between jobs.
    public func vacuumQueue() throws(DatabaseError) {}

    // MARK: Internals

    private static func databaseError(_ error: any Error) -> DatabaseError {
        (error as? DatabaseError) ?? DatabaseError(.unexpectedResult, "\(error)")
    }
}
