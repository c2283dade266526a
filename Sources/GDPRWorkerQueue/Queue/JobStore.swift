import Foundation

/// One engine's queue: the seam between the core and a storage driver (River's driver split).
///
/// A store is shared between threads; each thread opens its own `JobStoreConnection`, because the
/// C clients underneath block and are not thread-safe.
public protocol JobStore: Sendable {
    var engine: DatabaseEngine { get }
    /// Where the database is, for messages and logs: never with a password.
    var location: String { get }

    /// Opens a connection owned by the calling thread.
    func connect() throws(DatabaseError) -> any JobStoreConnection

    /// Opens a source of wake-ups for idle workers: LISTEN/NOTIFY on PostgreSQL, change polling on SQLite.
    func makeWakeupSource() throws(DatabaseError) -> any JobWakeupSource

    /// Announces that the worker process `processID` is alive, for as long as the returned
    /// presence is held; a rescuer returns the jobs of a process without one at once.
    func announcePresence(processID: String) throws(DatabaseError) -> any WorkerPresence
}

/// Queue operations on one connection. Every method is one statement or one short transaction.
public protocol JobStoreConnection: AnyObject {
    var database: any DatabaseConnection { get }

    /// The engine's SQL for the queue's rules, read by the shared statements.
    var rules: any QueueRules { get }

    /// Applies the migrations this binary carries that the database lacks, up to `version` when
    /// given (a staged upgrade, or a test of one migration); safe to run concurrently.
    func migrate(through version: Int?) throws -> [AppliedMigration]

    /// The newest migration applied, or nil on an empty database.
    func schemaVersion() throws(DatabaseError) -> Int?

    /// Adds a job, or returns the pending one it duplicates when `request.deduplicate` is set.
    func enqueue(_ request: EnqueueRequest) throws(DatabaseError) -> EnqueueResult

    /// A job, live or finished, optionally only within one tenant.
    func job(_ jid: JobID, tenant: Tenant?) throws(DatabaseError) -> Job?

    /// The database's clock, for status reports that must agree with claims.
    func now() throws(DatabaseError) -> Date

    /// Claims up to `request.limit` eligible jobs, oldest first: marks them running under the
    /// worker's lease and counts the attempt, in a transaction of its own that commits before any
    /// work starts. A worker that dies mid-job is therefore charged for the attempt, and a rescuer
    /// returns its jobs once the lease expires. A row that cannot be read is failed, not returned,
    /// so one bad row cannot stall every claim.
    func claim(_ request: ClaimRequest) throws(DatabaseError) -> [ClaimedJob]

    /// Inside a transaction: locks the jobs still leased to `worker` and, with `lease`, extends
    /// their leases to that long from now; returns those. A job rescued from this worker meanwhile
    /// is missing from the answer and must not be worked. While the transaction holds the rows, no
    /// rescuer can take them, whatever their lease says.
    func holdLeases(_ jids: [JobID], worker: String, lease: Duration?, now: Date?) throws(DatabaseError) -> Set<JobID>

    /// Inside the transaction that did the work: removes the jobs from the queue and writes their
    /// audit records, which are also their done status, for the jobs `worker` still holds.
    /// Returns how many it finished.
    func complete(_ completions: [JobCompletion], worker: String, now: Date?) throws(DatabaseError) -> Int

    /// Schedules another attempt after `delay`, keeping the attempt count. False if `worker` does
    /// not hold the job.
    func retry(
        _ job: ClaimedJob, worker: String, after delay: Duration, reason: String, now: Date?
    ) throws(DatabaseError) -> Bool

    /// Inside the transaction of a checkpoint: records what the job's transactions have erased so
    /// far (per-table counts as JSON), so that a job failing later still says what it erased.
    /// False if `worker` does not hold the job.
    func recordProgress(_ jid: JobID, worker: String, erasedSoFar: String) throws(DatabaseError) -> Bool

    /// Returns a failed job to the queue under its jid, with fresh attempts and what it had
    /// erased; `tenant` confines it to one tenant's jobs.
    func retryFailed(_ jid: JobID, tenant: Tenant?, now: Date?) throws(DatabaseError) -> OperatorRetry

    /// Withdraws a job no worker has claimed, keeping who cancelled it and when, never its key.
    func cancel(_ jid: JobID, tenant: Tenant?, by who: String, now: Date?) throws(DatabaseError) -> JobCancellation

    /// Moves a job to failed with its reason. False if `worker` does not hold the job.
    func fail(_ job: ClaimedJob, worker: String, reason: String, now: Date?) throws(DatabaseError) -> Bool

    /// Returns claimed but unstarted jobs to the queue without counting the attempt (on shutdown).
    func release(_ jids: [JobID], worker: String) throws(DatabaseError) -> Int

    /// Extends the leases of every job the given workers hold.
    func extendLeases(workers: [String], lease: Duration, now: Date?) throws(DatabaseError) -> Int

    /// Returns jobs whose lease expired, or whose worker process announced no presence, to the
    /// queue, or fails them when out of attempts. Skips jobs a live transaction holds.
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

    /// Reads a deployment-wide setting.
    func setting(_ name: String) throws(DatabaseError) -> String?

    /// Stores a setting unless one exists; returns the value that won.
    func insertSettingIfAbsent(_ name: String, value: String) throws(DatabaseError) -> String

    /// Stores a deployment-wide setting, or removes it when `value` is nil.
    func writeSetting(_ name: String, value: String?) throws(DatabaseError)

    /// The live queue in numbers, for the metrics endpoint.
    func statistics(cutoff: ArchiveCutoff, now: Date?) throws(DatabaseError) -> QueueStatistics

    /// Stores a new key's hash for a tenant, with its operator's name and password hash when given.
    func insertAPIKey(_ key: APIKey, tenant: Tenant, name: String?, passwordHash: String?) throws(DatabaseError)

    /// An unrevoked key's tenant, name and operator password hash, by the hash of the presented token.
    func apiKey(forHash hash: String) throws(DatabaseError) -> APIKeyIdentity?

    /// Revokes a key by id; false when no unrevoked key has that id.
    func revokeAPIKey(id: String, now: Date?) throws(DatabaseError) -> Bool

    /// Every key, newest first, without secrets.
    func apiKeys() throws(DatabaseError) -> [APIKeyRecord]
}

extension JobStoreConnection {
    /// Applies every migration the database lacks.
    public func migrate() throws -> [AppliedMigration] {
        try migrate(through: nil)
    }
}

/// Wakes idle workers when jobs arrive.
///
/// Sendable because `interrupt` is called from whichever thread stops the pool.
public protocol JobWakeupSource: AnyObject, Sendable {
    /// Blocks up to `timeout`; true if jobs may have arrived, false on timeout or once interrupted.
    func wait(timeout: Duration) throws(DatabaseError) -> Bool
    /// Ends a blocked `wait` at once, and every later one, from any thread: a stopping pool must not
    /// sit out the rest of a poll interval before it can return.
    func interrupt()
    func close()
}
