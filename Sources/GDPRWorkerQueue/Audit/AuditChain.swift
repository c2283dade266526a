import Foundation

/// The audit trail as a hash chain, so that it is tamper-evident: each sealed record carries
/// `seq`, its place in the chain, and `chain_hash`, the HMAC under the audit secret of the
/// previous record's chain hash and its own fields. Editing, removing or inserting a record breaks
/// every hash after it, and rewriting them all needs the secret.
///
/// Workers write records unsealed, so the chain adds nothing to a job's transaction; queue
/// maintenance seals them moments later, oldest first. Two sealers racing for the same `seq`
/// collide on its unique index, and the loser seals on its next pass.
public struct AuditChain: Sendable {
    /// The `gdpr_settings` entry holding the last sealed record as `seq:chain_hash`, so that a
    /// chain cut short at its end is caught too.
    public static let headSetting = "audit_chain_head"
    public static let defaultBatch = 1_000

    /// What `verify` found.
    public struct Verification: Sendable, Equatable {
        public var sealed = 0
        public var unsealed = 0
        /// The first record whose hash or place does not fit the chain, or nil when the chain holds.
        public var firstBroken: Int?
        /// Why the chain does not hold.
        public var problem: String?

        public var holds: Bool { problem == nil }

        public init(sealed: Int = 0, unsealed: Int = 0, firstBroken: Int? = nil, problem: String? = nil) {
            self.sealed = sealed
            self.unsealed = unsealed
            self.firstBroken = firstBroken
            self.problem = problem
        }
    }

    private static let fields = """
        jid, tenant, kind, mode, key_hash, linked_keys, rows_affected, fields_rewritten, attempts, max_attempts,
        created_at, legal_due_at, started_at, finished_at, worker, tables, data_map
        """

    let hasher: AuditKeyHasher

    public init(hasher: AuditKeyHasher) {
        self.hasher = hasher
    }

    /// Seals up to `limit` unsealed records in one transaction; returns how many.
    @discardableResult
    public func seal(on connection: any JobStoreConnection, limit: Int = AuditChain.defaultBatch) throws -> Int {
        let database = connection.database
        return try database.transaction {
            let head = try database.firstRow(
                "SELECT seq, chain_hash FROM gdpr_audit WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
            var seq = head?.optionalInt("seq") ?? 0
            var previous = head?.optionalString("chain_hash") ?? ""
            let rows = try database.rows(
                "SELECT \(sql: Self.fields) FROM gdpr_audit WHERE seq IS NULL ORDER BY finished_at, jid LIMIT \(limit)")
            for row in rows {
                seq += 1
                previous = hasher.chainHash(previous: previous, record: try Self.canonical(row))
                try database.run(
                    "UPDATE gdpr_audit SET seq = \(seq), chain_hash = \(previous) WHERE jid = \(try row.string("jid"))")
            }
            if !rows.isEmpty { try connection.writeSetting(Self.headSetting, value: "\(seq):\(previous)") }
            return rows.count
        }
    }

    /// Walks the whole chain in order and recomputes every hash.
    public func verify(on connection: any JobStoreConnection) throws -> Verification {
        let database = connection.database
        var result = Verification()
        var previous = ""
        var failure: (seq: Int, problem: String)?
        try database.stream(
            "SELECT seq, chain_hash, \(Self.fields) FROM gdpr_audit WHERE seq IS NOT NULL ORDER BY seq", []
        ) { row in
            result.sealed += 1
            guard failure == nil else { return }
            let seq = try row.int("seq")
            if seq != result.sealed {
                failure = (result.sealed, "record \(result.sealed) is missing: the chain goes on at \(seq)")
                return
            }
            let expected = hasher.chainHash(previous: previous, record: try Self.canonical(row))
            guard expected == (try row.string("chain_hash")) else {
                failure = (seq, "record \(seq) (job \(try row.string("jid"))) does not match its chain hash")
                return
            }
            previous = expected
        }
        result.unsealed = try database.firstRow("SELECT count(*) AS n FROM gdpr_audit WHERE seq IS NULL")?.int("n") ?? 0
        if let failure {
            result.firstBroken = failure.seq
            result.problem = failure.problem
        } else if let head = try connection.setting(Self.headSetting), head != "\(result.sealed):\(previous)" {
            result.problem = "the chain ends at record \(result.sealed), but \(Self.headSetting) records a later end"
        } else if result.sealed > 0, try connection.setting(Self.headSetting) == nil {
            result.problem = "\(Self.headSetting) is missing"
        }
        return result
    }

    /// The fields of a record, one per line, as the chain hashes them: times at microseconds,
    /// counts in decimal, NULL as an empty line.
    static func canonical(_ row: SQLRow) throws -> String {
        var lines = ["gdpr-audit-v1"]
        for name in ["jid", "tenant", "kind", "mode", "key_hash"] { lines.append(try row.string(name)) }
        for name in ["linked_keys", "rows_affected", "fields_rewritten", "attempts", "max_attempts"] {
            lines.append(String(try row.int(name)))
        }
        for name in ["created_at", "legal_due_at", "started_at", "finished_at"] {
            lines.append(Timestamp.format(try row.date(name), fractionDigits: 6))
        }
        lines.append(try row.string("worker"))
        lines.append(row.optionalString("tables") ?? "")
        lines.append(row.optionalString("data_map") ?? "")
        return lines.joined(separator: "\n")
    }
}
