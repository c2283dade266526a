import Foundation

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
    /// What earlier transactions of the job committed (a large job's chunks), per table.
    public var erasedSoFar: [JobResult.TableCount]

    public init(
        jid: JobID, tenant: Tenant, kind: JobKind, mode: ErasureMode, customerKey: CustomerKey, attempt: Int,
        maxAttempts: Int,
        createdAt: Date, legalDueAt: Date, startedAt: Date? = nil, erasedSoFar: [JobResult.TableCount] = []
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
        self.erasedSoFar = erasedSoFar
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
        erasedSoFar = try JobResult.tableCounts(json: row.optionalString("erased_so_far"))
    }
}

extension ClaimedJob {
    /// The reason a claimed row that cannot be read is failed with.
    public static let unreadableReason =
        "unreadable_job: the job's row holds a value this version cannot read; see the worker's log"

    /// Decodes the rows of a claim. Rows that cannot be read go to `failUnreadable`, by jid, to be
    /// failed rather than returned: retried, they would fail every claim that takes them.
    public static func decode(
        _ rows: [SQLRow], failUnreadable: ([String]) throws(DatabaseError) -> Void
    ) throws(DatabaseError) -> [ClaimedJob] {
        var jobs: [ClaimedJob] = []
        var unreadable: [String] = []
        for row in rows {
            do {
                jobs.append(try ClaimedJob(row: row))
            } catch {
                if let jid = row.optionalString("jid") { unreadable.append(jid) }
            }
        }
        if !unreadable.isEmpty { try failUnreadable(unreadable) }
        return jobs
    }
}
