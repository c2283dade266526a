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
