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

    /// Inside a transaction: takes up to `request.limit` eligible jobs out of the queue for that
    /// transaction, in one statement. The fast path: each job must then be completed, retried or
    /// failed before the commit; if the transaction rolls back, or the worker dies, the jobs are
    /// back in the queue untouched, claimable by anyone at once.
    func claimBatch(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob]

    /// Claims up to `request.limit` eligible jobs durably: marks them running under a lease and
    /// commits the attempt. The path for work that spans transactions.
    func claim(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob]

    /// Claims one pending job durably, skipping it if another worker holds it.
    func claim(_ jid: JobID, worker: String, lease: Duration, now: Date?) throws(DatabaseError) -> ClaimedJob?

    /// Inside a transaction: locks the claimed jobs still leased to `worker` and returns them.
    /// A job rescued from this worker meanwhile is missing from the answer and must not be worked.
    func lockOwned(_ jids: [JobID], worker: String) throws(DatabaseError) -> Set<JobID>

    /// Inside the transaction that holds the jobs: writes their audit records, which are also
    /// their done status, and removes leased ones from the queue. Returns how many it finished.
    func complete(_ completions: [JobCompletion], ownership: JobOwnership, now: Date?) throws(DatabaseError) -> Int

    /// Schedules another attempt. False if the caller does not own the job.
    func retry(_ job: ClaimedJob, ownership: JobOwnership, after delay: Duration, reason: String, now: Date?) throws(DatabaseError) -> Bool

    /// Moves a job to failed with its reason. False if the caller does not own the job.
    func fail(_ job: ClaimedJob, ownership: JobOwnership, reason: String, now: Date?) throws(DatabaseError) -> Bool

    /// Returns claimed but unstarted jobs to the queue without counting the attempt (on shutdown).
    func release(_ jids: [JobID], worker: String) throws(DatabaseError) -> Int

    /// Extends the leases of every job the given workers hold.
    func extendLeases(workers: [String], lease: Duration, now: Date?) throws(DatabaseError) -> Int

    /// Returns jobs whose lease expired to the queue, or fails them when out of attempts.
    func rescueExpired(now: Date?, retryDelay: Duration) throws(DatabaseError) -> RescueReport

    /// Clears the dead rows finished jobs leave at the head of the claim index. Cheap, because the
    /// queue table holds live jobs only; a no-op where the engine reclaims space itself.
    func vacuumQueue() throws(DatabaseError)

    /// Takes the session lock that lets one archive sweep run at a time; false if another holds it.
    func acquireSweepLock() throws(DatabaseError) -> Bool

    /// Releases the sweep lock.
    func releaseSweepLock()

    /// Moves the archive watermark forward to `instant`, never back; returns it before and after,
    /// as stored.
    func advanceArchiveWatermark(to instant: Date) throws(DatabaseError) -> (previous: Date?, current: Date)

    /// Pending remove jobs created in `(after, upTo]`: the jobs a watermark advance releases.
    func countRemoveJobs(createdAfter after: Date?, upTo: Date) throws(DatabaseError) -> Int

    /// Wakes idle workers in every process, after a sweep released jobs.
    func wakeWorkers() throws(DatabaseError)

    /// Deletes failed jobs (and with them the customer keys they kept) that failed before `cutoff`.
    func pruneFailedJobs(failedBefore cutoff: Date) throws(DatabaseError) -> Int

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

/// How a caller holds a job it writes to.
public enum JobOwnership: Sendable, Hashable {
    /// The worker's open transaction took the job out of the queue with a batch claim: writes
    /// record the job from what the claim returned.
    case taken(by: String)
    /// The worker holds the job's lease from a durable claim; writes check the lease.
    case leased(by: String)

    /// The worker acting on the job, recorded on its audit or failure record.
    public var worker: String {
        switch self {
        case .taken(let worker), .leased(let worker): worker
        }
    }

    /// The lease holder to check, or nil when the job was taken by the caller's transaction.
    public var leaseHolder: String? {
        switch self {
        case .taken: nil
        case .leased(let worker): worker
        }
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
    /// When the job's first attempt started, if an earlier attempt ran.
    public var startedAt: Date?

    public init(
        jid: JobID, tenant: Tenant, kind: JobKind, mode: ErasureMode, customerKey: CustomerKey, attempt: Int, maxAttempts: Int,
        createdAt: Date, legalDueAt: Date, startedAt: Date? = nil
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
        self.startedAt = startedAt
    }
}

/// A finished job's outcome, written with its audit record in the transaction that did the work.
public struct JobCompletion: Sendable {
    public var job: ClaimedJob
    /// HMAC-SHA-256 of the customer key under the audit secret: the only form of the key kept.
    public var keyHash: String
    public var result: JobResult
    /// When this attempt started; the job's first start when it is its first attempt.
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
        attempt = try row.int("attempt")
        maxAttempts = try row.int("max_attempts")
        createdAt = try row.date("created_at")
        legalDueAt = try row.date("legal_due_at")
        startedAt = row.optionalDate("started_at")
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
