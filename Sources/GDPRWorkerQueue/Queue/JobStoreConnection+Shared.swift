import Foundation

/// The queue statements whose SQL is the same on every engine, written once here. A driver
/// supplies its `QueueRules`, and keeps only the statements its engine spells differently.
extension JobStoreConnection {
    public func enqueue(_ request: EnqueueRequest) throws(DatabaseError) -> EnqueueResult {
        guard request.deduplicate || request.sealedContact != nil else {
            return EnqueueResult(
                jid: try database.firstRow(request.insertQuery).required("jid").jobID(), deduplicated: false)
        }
        do {
            return try database.transaction {
                var result: EnqueueResult?
                if request.deduplicate {
                    if let serialise = rules.serialiseEnqueue(of: request) { try database.run(serialise) }
                    if let existing = try database.firstRow(
                        """
                        SELECT jid FROM gdpr_jobs
                         WHERE \(request.sameRequest) AND state = 'pending' AND NOT \(rules.held(now: nil))
                         ORDER BY created_at LIMIT 1
                        """)
                    {
                        result = EnqueueResult(jid: try existing.jobID(), deduplicated: true)
                    }
                }
                let enqueued =
                    try result
                    ?? EnqueueResult(
                        jid: try database.firstRow(request.insertQuery).required("jid").jobID(), deduplicated: false)
                if let confirmation = request.confirmationQuery(for: enqueued.jid) { try database.run(confirmation) }
                return enqueued
            }
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unexpectedResult, "enqueue failed: \(error)")
        }
    }

    /// Read from the `gdpr_job_status` view, the one union of live, done and failed jobs that a
    /// client's own SELECT reads too.
    public func job(_ jid: JobID, tenant: Tenant?) throws(DatabaseError) -> Job? {
        guard
            let row = try database.firstRow(
                """
                SELECT \(sql: Self.statusColumns)
                  FROM gdpr_job_status WHERE jid = \(jid.description) AND tenant = coalesce(\(tenant?.name), tenant)
                 LIMIT 1
                """)
        else { return nil }
        return try Self.job(from: row)
    }

    /// Many jobs by jid in one statement, for a status endpoint under a storm of polls; jids that
    /// match nothing are missing from the answer. Callers check each job's tenant.
    public func jobs(_ jids: [JobID]) throws(DatabaseError) -> [JobID: Job] {
        guard !jids.isEmpty else { return [:] }
        var jobs: [JobID: Job] = [:]
        for row in try database.rows(
            "SELECT \(sql: Self.statusColumns) FROM gdpr_job_status WHERE \(rules.jid(in: jids))")
        {
            let job = try Self.job(from: row)
            jobs[job.jid] = job
        }
        return jobs
    }

    /// The columns of `gdpr_job_status` that make a `Job`, in every status read.
    static var statusColumns: String {
        """
        jid, tenant, kind, mode, state, attempts, max_attempts, created_at, legal_due_at, run_at, started_at, finished_at,
        last_error, keys, tables, waits_for_archive, cancelled_by, legal_due_reason, preview, previewed_at
        """
    }

    private static func job(from row: SQLRow) throws(DatabaseError) -> Job {
        do {
            return try Job(row: row)
        } catch {
            throw DatabaseError(.unexpectedResult, "a stored job could not be read: \(error)")
        }
    }

    /// Withdraws a job that no worker has claimed yet. The point of no return is its first claim:
    /// from then on, erasure may have begun. The queue row goes, key and all, and a record of
    /// who cancelled it and when takes its place, in one transaction; a claim racing with it
    /// either takes the job first (and the cancel finds it started) or never sees it.
    public func cancel(
        _ jid: JobID, tenant: Tenant?, by who: String, now: Date?
    ) throws(DatabaseError) -> JobCancellation {
        do {
            let cancelledAt = try database.transaction { () throws -> Date? in
                guard
                    let row = try database.firstRow(
                        """
                        DELETE FROM gdpr_jobs
                         WHERE jid = \(jid.description) AND tenant = coalesce(\(tenant?.name), tenant) AND attempts = 0
                           AND NOT \(rules.held(now: now))
                        RETURNING tenant, kind, mode, max_attempts, created_at, legal_due_at, \(rules.clock(now)) AS now
                        """)
                else { return nil }
                let at = try row.date("now")
                try database.run(
                    """
                    INSERT INTO gdpr_jobs_cancelled (jid, tenant, kind, mode, max_attempts, created_at, legal_due_at, cancelled_at, cancelled_by)
                    VALUES (\(jid.description), \(try row.string("tenant")), \(try row.string("kind")), \(try row.string("mode")),
                            \(try row.int("max_attempts")), \(try row.date("created_at")), \(try row.date("legal_due_at")), \(at), \(who))
                    """)
                return at
            }
            if let cancelledAt { return .cancelled(at: cancelledAt) }
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unexpectedResult, "cancel failed: \(error)")
        }
        return try job(jid, tenant: tenant).map { .alreadyStarted($0) } ?? .notFound
    }

    public func setting(_ name: String) throws(DatabaseError) -> String? {
        try database.firstRow("SELECT value FROM gdpr_settings WHERE name = \(name)")?.optionalString("value")
    }

    public func insertSettingIfAbsent(_ name: String, value: String) throws(DatabaseError) -> String {
        try database.run(
            "INSERT INTO gdpr_settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING")
        return try setting(name) ?? value
    }

    public func writeSetting(_ name: String, value: String?) throws(DatabaseError) {
        guard let value else {
            try database.run("DELETE FROM gdpr_settings WHERE name = \(name)")
            return
        }
        try database.run(
            """
            INSERT INTO gdpr_settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO UPDATE SET value = excluded.value
            """)
    }

    public func insertAPIKey(_ key: APIKey, tenant: Tenant, name: String?) throws(DatabaseError) {
        try insertAPIKey(key, tenant: tenant, name: name, passwordHash: nil)
    }

    public func insertAPIKey(
        _ key: APIKey, tenant: Tenant, name: String?, passwordHash: String?
    ) throws(DatabaseError) {
        try database.run(
            """
            INSERT INTO gdpr_api_keys (id, tenant, key_hash, name, password_hash)
            VALUES (\(key.id), \(tenant.name), \(key.hash), \(name), \(passwordHash))
            """)
    }

    /// The tenant of an unrevoked key, by the hash of the presented token.
    public func tenant(forAPIKeyHash hash: String) throws(DatabaseError) -> Tenant? {
        try apiKey(forHash: hash)?.tenant
    }

    public func apiKey(forHash hash: String) throws(DatabaseError) -> APIKeyIdentity? {
        guard
            let row = try database.firstRow(
                "SELECT id, tenant, name, password_hash FROM gdpr_api_keys WHERE key_hash = \(hash) AND revoked_at IS NULL"
            )
        else { return nil }
        return APIKeyIdentity(
            id: try row.string("id"), tenant: Tenant(trusted: try row.string("tenant")),
            name: row.optionalString("name"),
            passwordHash: row.optionalString("password_hash"))
    }

    public func revokeAPIKey(id: String, now: Date?) throws(DatabaseError) -> Bool {
        try database.run(
            "UPDATE gdpr_api_keys SET revoked_at = \(rules.clock(now)) WHERE id = \(id) AND revoked_at IS NULL") == 1
    }

    public func apiKeys() throws(DatabaseError) -> [APIKeyRecord] {
        try database.rows(
            "SELECT id, tenant, name, created_at, revoked_at FROM gdpr_api_keys ORDER BY created_at DESC, id"
        )
        .map(APIKeyRecord.init(row:))
    }
}
