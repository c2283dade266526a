import Foundation

/// A job as stored, live or finished.
public struct Job: Sendable {
    public var jid: JobID
    public var tenant: Tenant
    public var kind: JobKind
    public var mode: ErasureMode
    public var state: JobState
    public var attempts: Int
    public var maxAttempts: Int
    public var createdAt: Date
    public var legalDueAt: Date
    /// When a pending job may next be claimed; nil once finished.
    public var runAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The failure reason of the last attempt, or of the job once failed. Never personal data.
    public var lastError: String?
    public var result: JobResult?
    /// What a job not done committed in transactions of its own before it finished or failed.
    public var erasedSoFar: [JobResult.TableCount] = []
    /// Whether a live remove job waits for the archive cutoff; true for finished jobs.
    public var waitsForArchive = true
    /// Who cancelled a cancelled job: an API key's id or a command-line user.
    public var cancelledBy: String?
    /// Why the legal due date was extended, when it was (the latest reason).
    public var legalDueReason: String?
    /// What a waiting remove job will do, once queue maintenance has previewed it.
    public var preview: JobPreview?

    public init(
        jid: JobID, tenant: Tenant, kind: JobKind, mode: ErasureMode, state: JobState, attempts: Int, maxAttempts: Int,
        createdAt: Date, legalDueAt: Date, runAt: Date?, startedAt: Date?, finishedAt: Date?, lastError: String?,
        result: JobResult?
    ) {
        self.jid = jid
        self.tenant = tenant
        self.kind = kind
        self.mode = mode
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.createdAt = createdAt
        self.legalDueAt = legalDueAt
        self.runAt = runAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.lastError = lastError
        self.result = result
    }
}

extension Job {
    /// Decodes a job row, the same on both engines; a done job's `keys` and `tables` (a JSON array)
    /// come from its audit record.
    public init(row: SQLRow) throws {
        jid = try JobID(parsing: row.string("jid"))
        tenant = Tenant(trusted: try row.string("tenant"))
        kind = try JobKind(parsing: row.string("kind"))
        mode = try ErasureMode(parsing: row.string("mode"))
        guard let state = JobState(rawValue: try row.string("state")) else {
            throw DatabaseError(.unexpectedResult, "unknown job state in gdpr_jobs")
        }
        self.state = state
        attempts = try row.int("attempts")
        maxAttempts = try row.int("max_attempts")
        createdAt = try row.date("created_at")
        legalDueAt = try row.date("legal_due_at")
        runAt = row.optionalDate("run_at")
        startedAt = row.optionalDate("started_at")
        finishedAt = row.optionalDate("finished_at")
        lastError = row.optionalString("last_error")
        waitsForArchive = row.isNull("waits_for_archive") ? true : try row.bool("waits_for_archive")
        cancelledBy = row.optionalString("cancelled_by")
        legalDueReason = row.optionalString("legal_due_reason")
        preview = JobPreview(row: row)
        if let keys = row.optionalInt("keys") {
            result = JobResult(keys: keys, tables: try JobResult.tableCounts(json: row.optionalString("tables")))
        } else {
            result = nil
            erasedSoFar = try JobResult.tableCounts(json: row.optionalString("tables"))
        }
    }
}

/// What a finished job did, kept on the job for the status endpoint. Counts and table names only.
public struct JobResult: Sendable, Hashable, Codable {
    /// One table's share of the work.
    public struct TableCount: Sendable, Hashable, Codable {
        public var table: String
        public var method: String
        public var rows: Int
        public var fields: Int

        public init(table: String, method: String, rows: Int, fields: Int) {
            self.table = table
            self.method = method
            self.rows = rows
            self.fields = fields
        }
    }

    /// How many keys the job covered, the customer's own included.
    public var keys: Int
    public var tables: [TableCount]
    /// The version of the data map that did the work (`sha256:…` of the file), for the audit record.
    public var dataMap: String?

    public init(keys: Int = 1, tables: [TableCount] = [], dataMap: String? = nil) {
        self.keys = keys
        self.tables = tables
        self.dataMap = dataMap
    }

    /// This result with what earlier transactions of the job committed added in, table by table.
    public func adding(_ earlier: [TableCount]) -> JobResult {
        guard !earlier.isEmpty else { return self }
        var merged = tables
        for count in earlier {
            if let index = merged.firstIndex(where: { $0.table == count.table && $0.method == count.method }) {
                merged[index].rows += count.rows
                merged[index].fields += count.fields
            } else {
                merged.append(count)
            }
        }
        return JobResult(keys: keys, tables: merged, dataMap: dataMap)
    }

    /// Per-table counts stored as JSON (`gdpr_audit.tables`, `erased_so_far`); none for NULL.
    public static func tableCounts(json: String?) throws(DatabaseError) -> [TableCount] {
        guard let json, !json.isEmpty else { return [] }
        do {
            return try JSONDecoder().decode([TableCount].self, from: Data(json.utf8))
        } catch {
            throw DatabaseError(.unexpectedResult, "stored per-table counts are not the JSON this version writes")
        }
    }

    public var rowsAffected: Int { tables.reduce(0) { $0 + $1.rows } }
    public var fieldsRewritten: Int { tables.reduce(0) { $0 + $1.fields } }

    /// The per-table counts as the audit record stores them: a JSON array ordered by table.
    public var tablesJSON: String {
        guard !tables.isEmpty else { return "[]" }
        return CanonicalJSON.string(tables.sorted { $0.table < $1.table }, fallback: "[]")
    }
}
