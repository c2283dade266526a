import Foundation

/// One engine's queue: the seam between the core and a storage driver (River's driver split).
///
/// A store is shared between threads; each thread opens its own `JobStoreConnection`, because the
/// C clients underneath block and are not thread-safe.
public protocol JobStore: Sendable {
    var engine: DatabaseEngine { get }
    var url: DatabaseURL { get }

    /// Opens a connection owned by the calling thread.
    func connect() throws(DatabaseError) -> any JobStoreConnection

    /// Opens a source of wake-ups for idle workers: LISTEN/NOTIFY on PostgreSQL, change polling on SQLite.
    func makeWakeupSource() throws(DatabaseError) -> any JobWakeupSource
}

/// Queue operations on one connection. Every method is one statement or one short transaction.
public protocol JobStoreConnection: AnyObject {
    var database: any DatabaseConnection { get }

    /// Applies the migrations this binary carries that the database lacks; safe to run concurrently.
    func migrate() throws -> [AppliedMigration]

    /// The newest migration applied, or nil on an empty database.
    func schemaVersion() throws(DatabaseError) -> Int?

    /// Adds a job, or returns the pending one it duplicates when `request.deduplicate` is set.
    func enqueue(_ request: EnqueueRequest) throws(DatabaseError) -> EnqueueResult

    /// A job, live or finished, optionally only within one tenant.
    func job(_ jid: JobID, tenant: Tenant?) throws(DatabaseError) -> Job?

    /// The database's clock, for status reports that must agree with claims.
    func now() throws(DatabaseError) -> Date

    /// Claims up to `request.limit` eligible jobs: marks them running under a lease and counts an attempt.
    func claim(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob]

    /// Inside a transaction: locks the claimed jobs still owned by `worker` and returns them.
    /// A job rescued from this worker meanwhile is missing from the answer and must not be worked.
    func lockOwned(_ jids: [JobID], worker: String) throws(DatabaseError) -> Set<JobID>

    /// Inside a transaction: moves jobs owned by `worker` to done with their audit records.
    /// Returns how many it finished; fewer than given means some were rescued meanwhile.
    func complete(_ completions: [JobCompletion], worker: String, now: Date?) throws(DatabaseError) -> Int

    /// Schedules another attempt of a job owned by `worker`. False if the worker no longer owns it.
    func retry(_ jid: JobID, worker: String, after delay: Duration, reason: String, now: Date?) throws(DatabaseError) -> Bool

    /// Moves a job owned by `worker` to failed with its reason. False if the worker no longer owns it.
    func fail(_ jid: JobID, worker: String, reason: String, now: Date?) throws(DatabaseError) -> Bool

    /// Returns claimed but unstarted jobs to the queue without counting the attempt (on shutdown).
    func release(_ jids: [JobID], worker: String) throws(DatabaseError) -> Int

    /// Extends the leases of every job the given workers hold.
    func extendLeases(workers: [String], lease: Duration, now: Date?) throws(DatabaseError) -> Int

    /// Returns jobs whose lease expired to the queue, or fails them when out of attempts.
    func rescueExpired(now: Date?, retryDelay: Duration) throws(DatabaseError) -> RescueReport

    /// Reads a deployment-wide setting.
    func setting(_ name: String) throws(DatabaseError) -> String?

    /// Stores a setting unless one exists; returns the value that won.
    func insertSettingIfAbsent(_ name: String, value: String) throws(DatabaseError) -> String

    /// The live queue in numbers, for the metrics endpoint.
    func statistics(cutoff: ArchiveCutoff, now: Date?) throws(DatabaseError) -> QueueStatistics

    /// Stores a new key's hash for a tenant.
    func insertAPIKey(_ key: APIKey, tenant: Tenant, name: String?) throws(DatabaseError)

    /// The tenant of an unrevoked key, by the hash of the presented token.
    func tenant(forAPIKeyHash hash: String) throws(DatabaseError) -> Tenant?

    /// Revokes a key by id; false when no unrevoked key has that id.
    func revokeAPIKey(id: String, now: Date?) throws(DatabaseError) -> Bool

    /// Every key, newest first, without secrets.
    func apiKeys() throws(DatabaseError) -> [APIKeyRecord]
}

/// Wakes idle workers when jobs arrive.
public protocol JobWakeupSource: AnyObject {
    /// Blocks up to `timeout`; true if jobs may have arrived, false on timeout.
    func wait(timeout: Duration) throws(DatabaseError) -> Bool
    func close()
}

public struct AppliedMigration: Sendable, Hashable {
    public var version: Int
    public var name: String

    public init(version: Int, name: String) {
        self.version = version
        self.name = name
    }
}

public struct EnqueueRequest: Sendable {
    public var tenant: Tenant
    public var kind: JobKind
    public var mode: ErasureMode
    public var customerKey: CustomerKey
    public var maxAttempts: Int?
    /// Return the pending job for the same tenant, kind, mode and key instead of adding another.
    public var deduplicate: Bool

    public init(
        customerKey: CustomerKey, tenant: Tenant = .default, kind: JobKind = .remove, mode: ErasureMode = .anonymise,
        maxAttempts: Int? = nil, deduplicate: Bool = false
    ) {
        self.tenant = tenant
        self.kind = kind
        self.mode = mode
        self.customerKey = customerKey
        self.maxAttempts = maxAttempts
        self.deduplicate = deduplicate
    }
}

public struct EnqueueResult: Sendable, Hashable {
    public var jid: JobID
    /// True when an existing pending job was returned instead of a new one.
    public var deduplicated: Bool

    public init(jid: JobID, deduplicated: Bool) {
        self.jid = jid
        self.deduplicated = deduplicated
    }
}

public struct ClaimRequest: Sendable {
    /// The claiming worker's id; the job's lease is held in its name.
    public var worker: String
    public var limit: Int
    public var lease: Duration
    public var cutoff: ArchiveCutoff
    /// The instant to claim at, or nil for the database's clock.
    public var now: Date?

    public init(worker: String, limit: Int, lease: Duration, cutoff: ArchiveCutoff, now: Date?) {
        self.worker = worker
        self.limit = limit
        self.lease = lease
        self.cutoff = cutoff
        self.now = now
    }
}

/// A job a worker holds: what its handler needs, and nothing more.
public struct ClaimedJob: Sendable {
    public var jid: JobID
    public var tenant: Tenant
    public var kind: JobKind
    public var mode: ErasureMode
    public var customerKey: CustomerKey
    /// This attempt's number, starting at 1.
    public var attempt: Int
    public var maxAttempts: Int
    public var createdAt: Date
    public var legalDueAt: Date

    public init(
        jid: JobID, tenant: Tenant, kind: JobKind, mode: ErasureMode, customerKey: CustomerKey, attempt: Int, maxAttempts: Int,
        createdAt: Date, legalDueAt: Date
    ) {
        self.jid = jid
        self.tenant = tenant
        self.kind = kind
        self.mode = mode
        self.customerKey = customerKey
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.createdAt = createdAt
        self.legalDueAt = legalDueAt
    }
}

/// A finished job's outcome, written with its audit record in the transaction that did the work.
public struct JobCompletion: Sendable {
    public var job: ClaimedJob
    /// HMAC-SHA-256 of the customer key under the audit secret: the only form of the key kept.
    public var keyHash: String
    public var result: JobResult
    public var startedAt: Date

    public init(job: ClaimedJob, keyHash: String, result: JobResult, startedAt: Date) {
        self.job = job
        self.keyHash = keyHash
        self.result = result
        self.startedAt = startedAt
    }
}

public struct RescueReport: Sendable, Hashable {
    public var requeued: Int
    public var failed: Int

    public init(requeued: Int = 0, failed: Int = 0) {
        self.requeued = requeued
        self.failed = failed
    }
}

extension ClaimedJob {
    /// Decodes the row a claim statement returns, the same on both engines.
    public init(row: SQLRow) throws(DatabaseError) {
        do {
            jid = try JobID(parsing: row.string("jid"))
            kind = try JobKind(parsing: row.string("kind"))
            mode = try ErasureMode(parsing: row.string("mode"))
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unexpectedResult, "a claimed job could not be read: \(error)")
        }
        tenant = Tenant(trusted: try row.string("tenant"))
        customerKey = CustomerKey(trusted: try row.string("customer_key"))
        attempt = try row.int("attempts")
        maxAttempts = try row.int("max_attempts")
        createdAt = try row.date("created_at")
        legalDueAt = try row.date("legal_due_at")
    }
}

extension EnqueueRequest {
    /// The INSERT of this request, with the engine's placeholder style (`$1` or `?1`), and its arguments.
    /// Columns the request leaves unset are left to the table's defaults, exactly as an SQL enqueue does.
    public func insertStatement(placeholder: (Int) -> String) -> (sql: String, binds: [SQLValue]) {
        var columns = ["tenant", "kind", "mode", "customer_key"]
        var binds: [SQLValue] = [.text(tenant.name), .text(kind.rawValue), .text(mode.rawValue), .text(customerKey.rawValue)]
        if let maxAttempts {
            columns.append("max_attempts")
            binds.append(.int(maxAttempts))
        }
        let values = (1...binds.count).map(placeholder).joined(separator: ", ")
        return ("INSERT INTO gdpr_jobs (\(columns.joined(separator: ", "))) VALUES (\(values)) RETURNING jid", binds)
    }
}
