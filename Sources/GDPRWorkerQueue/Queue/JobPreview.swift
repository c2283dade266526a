import Foundation

/// What a waiting remove job will do, previewed while it waits and shown in its status: the
/// linked keys it covers (a count), and per table the rows it reaches and the fields it rewrites.
public struct JobPreview: Sendable, Hashable, Codable {
    public var keys: Int
    public var tables: [JobResult.TableCount]
    /// Why the job would fail instead, when it would.
    public var failure: String?
    public var previewedAt: Date?

    public init(keys: Int, tables: [JobResult.TableCount], failure: String? = nil, previewedAt: Date? = nil) {
        self.keys = keys
        self.tables = tables
        self.failure = failure
        self.previewedAt = previewedAt
    }

    enum CodingKeys: String, CodingKey {
        case keys, tables, failure
        case previewedAt = "previewed_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keys, forKey: .keys)
        try container.encode(tables, forKey: .tables)
        try container.encodeIfPresent(failure, forKey: .failure)
        try container.encodeIfPresent(previewedAt.map { Timestamp.format($0) }, forKey: .previewedAt)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keys = try container.decode(Int.self, forKey: .keys)
        tables = try container.decode([JobResult.TableCount].self, forKey: .tables)
        failure = try container.decodeIfPresent(String.self, forKey: .failure)
        previewedAt = try container.decodeIfPresent(String.self, forKey: .previewedAt).flatMap(Timestamp.parse)
    }

    /// The stored form: compact JSON of the counts, without the time (a column of its own).
    public var json: String {
        var counts = self
        counts.previewedAt = nil
        return CanonicalJSON.string(counts)
    }

    /// The preview stored in a status row's `preview` and `previewed_at`; nil where there is none
    /// or it cannot be read (a preview is advice, never a reason to fail a status).
    public init?(row: SQLRow) {
        guard let json = row.optionalString("preview"),
            let decoded = try? JSONDecoder().decode(JobPreview.self, from: Data(json.utf8))
        else { return nil }
        self = decoded
        previewedAt = row.optionalDate("previewed_at")
    }
}

/// A remove job that no worker has claimed and that has no preview yet.
public struct JobAwaitingPreview: Sendable {
    public var jid: JobID
    public var tenant: Tenant
    public var mode: ErasureMode
    public var customerKey: CustomerKey
}

extension JobStoreConnection {
    /// Up to `limit` unclaimed remove jobs without a preview, oldest first.
    public func jobsAwaitingPreview(limit: Int) throws(DatabaseError) -> [JobAwaitingPreview] {
        let rows = try database.rows(
            """
            SELECT jid, tenant, mode, customer_key FROM gdpr_jobs
             WHERE kind = 'remove' AND preview IS NULL AND attempts = 0 AND locked_by IS NULL
             ORDER BY created_at LIMIT \(limit)
            """)
        return rows.compactMap { row in
            guard let jid = try? row.jobID(), let tenant = try? row.string("tenant"),
                let mode = try? ErasureMode(parsing: try row.string("mode")),
                let key = try? CustomerKey(try row.string("customer_key"))
            else { return nil }
            return JobAwaitingPreview(jid: jid, tenant: Tenant(trusted: tenant), mode: mode, customerKey: key)
        }
    }

    /// Keeps a job's preview, unless a worker has claimed it meanwhile; false then.
    @discardableResult
    public func storePreview(_ preview: JobPreview, for jid: JobID, now: Date?) throws(DatabaseError) -> Bool {
        try database.run(
            """
            UPDATE gdpr_jobs SET preview = \(preview.json), previewed_at = \(rules.clock(now))
             WHERE jid = \(jid.description) AND attempts = 0 AND locked_by IS NULL
            """) == 1
    }
}
