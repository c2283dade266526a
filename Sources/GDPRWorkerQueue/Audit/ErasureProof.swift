import Foundation

/// The answer to an auditor's "was this person erased, and when?", from the audit trail alone: the
/// records whose keyed hash is the person's, never the key itself. `gdpr-worker prove` and
/// `GET /api/v2/event-data/prove` print it.
///
/// A record names the job, what it did, the data map version that did it, and its place in the
/// sealed chain (`seq`; none yet if it awaits sealing). A person erased through a key linked to
/// theirs is found under that key.
public struct ErasureProof: Sendable, Encodable {
    public struct Record: Sendable, Encodable {
        public var jid: String
        public var kind: JobKind
        public var mode: ErasureMode
        public var finishedAt: String
        public var keys: Int
        public var tables: [JobResult.TableCount]
        public var dataMap: String?
        public var seq: Int?

        enum CodingKeys: String, CodingKey {
            case jid, kind, mode, keys, tables, seq
            case finishedAt = "finished_at"
            case dataMap = "data_map"
        }
    }

    /// Whether a remove job has erased or anonymised the key's data.
    public var erased: Bool
    public var tenant: String
    public var records: [Record]

    /// The audit records of the tenant's key, by the key's hash, oldest first.
    public static func find(
        keyHash: String, tenant: Tenant, on connection: any JobStoreConnection
    ) throws -> ErasureProof {
        let rows = try connection.database.rows(
            """
            SELECT jid, kind, mode, finished_at, linked_keys, tables, data_map, seq FROM gdpr_audit
             WHERE key_hash = \(keyHash) AND tenant = \(tenant.name) ORDER BY finished_at, jid
            """)
        let records = try rows.map { row in
            Record(
                jid: try row.string("jid"), kind: try JobKind(parsing: row.string("kind")),
                mode: try ErasureMode(parsing: row.string("mode")),
                finishedAt: Timestamp.format(try row.date("finished_at")), keys: try row.int("linked_keys") + 1,
                tables: try JobResult.tableCounts(json: row.optionalString("tables")),
                dataMap: row.optionalString("data_map"), seq: row.optionalInt("seq"))
        }
        return ErasureProof(erased: records.contains { $0.kind == .remove }, tenant: tenant.name, records: records)
    }

    /// The proof as one line of JSON with sorted keys.
    public var json: String {
        CanonicalJSON.string(self)
    }
}
