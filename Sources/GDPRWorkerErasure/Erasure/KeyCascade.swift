import Foundation
import GDPRWorkerQueue

/// The keys a job covers: the customer's own key and every key linked to it through the link
/// tables, transitively and in both directions, up to `cascade_limit`.
///
/// Computed breadth-first, one statement per round for the whole batch, streaming the new keys.
/// A job past the limit stops collecting at once, so a key linked to millions of others costs
/// time in the database but never memory here. Nothing is written.
struct KeyCascade {
    /// One job's keys, in discovery order, the customer's own first.
    struct Closure {
        var keys: [String]
        /// More keys are linked than `cascade_limit` allows.
        var exceeded = false
        /// Byte-exact: Swift compares strings by canonical equivalence, the database by bytes, and
        /// a key in NFD is a different key from its NFC twin.
        fileprivate var seen: Set<[UInt8]>

        init(key: String) {
            keys = [key]
            seen = [Array(key.utf8)]
        }
    }

    let plan: ErasurePlan
    let statements: ErasureStatements

    /// The closure of every job, by jid text. In a tenant-scoped map only links of the job's
    /// tenant are followed.
    func closures(of jobs: [ClaimedJob], on connection: any DatabaseConnection) throws -> [String: Closure] {
        var closures: [String: Closure] = [:]
        var frontier: [(jid: String, key: String)] = []
        var tenants: [String: String] = [:]
        for job in jobs {
            let jid = job.jid.description
            closures[jid] = Closure(key: job.customerKey.rawValue)
            frontier.append((jid, job.customerKey.rawValue))
            tenants[jid] = job.tenant.name
        }
        guard !plan.links.isEmpty else { return closures }
        while !frontier.isEmpty {
            let statement = round(frontier, tenants: tenants)
            var next: [(jid: String, key: String)] = []
            try connection.stream(statement.sql, statement.binds) { row in
                guard let jid = row.optionalString("jid"), let key = row.optionalString("key"), !key.isEmpty,
                    var closure = closures[jid], !closure.exceeded, closure.seen.insert(Array(key.utf8)).inserted
                else { return }
                if closure.keys.count >= plan.cascadeLimit {
                    closure.exceeded = true
                } else {
                    closure.keys.append(key)
                    next.append((jid, key))
                }
                closures[jid] = closure
            }
            frontier = next.filter { closures[$0.jid]?.exceeded == false }
        }
        return closures
    }

    /// The keys one link away from the frontier's, for every job at once.
    func round(_ frontier: [(jid: String, key: String)], tenants: [String: String]) -> BoundStatement {
        let dialect = statements.dialect
        var statement = BoundStatement(dialect)
        let relation = statement.rows(
            frontier.map { [$0.jid, $0.key] + Self.typedForms($0.key) + [tenants[$0.jid] ?? ""] },
            columns: ["jid", "key", "key_uuid", "key_int", "tenant"])
        var selects: [String] = []
        for link in plan.links {
            for (from, indexed) in zip(link.columns, link.isIndexed) {
                let column = "l.\(statements.q(from.name))"
                let on: String
                switch statements.keyColumn(for: from.category) {
                case "key_uuid": on = "\(column) = \(dialect.cast("NULLIF(z.key_uuid, '')", to: .uuid))"
                case "key_int": on = "\(column) = \(dialect.cast("NULLIF(z.key_int, '')", to: .integer))"
                case _ where from.category == .uuid:
                    // Text UUIDs, in lower or upper case (see ErasureStatements.keyMatch).
                    on = "\(column) IN (NULLIF(z.key_uuid, ''), upper(NULLIF(z.key_uuid, '')))"
                default: on = "\(column) = z.key"
                }
                let scoped = on + statements.tenantMatch(link.tenant, keys: "z", row: "l")
                for to in link.columns where to.name != from.name {
                    let linked = dialect.join(statements.q(link.table), as: "l", on: scoped, indexed: indexed)
                    selects.append(
                        "SELECT z.jid AS jid, \(statements.dialect.text("l.\(statements.q(to.name))")) AS key FROM \(relation) \(linked) WHERE l.\(statements.q(to.name)) IS NOT NULL"
                    )
                }
            }
        }
        statement.sql = selects.joined(separator: " UNION ")
        return statement
    }

    /// A key's forms for UUID and integer columns, or '' where it is no such value: a key matches
    /// such a column only when it is the canonical text of the column's value.
    static func typedForms(_ key: String) -> [String] {
        let uuid = key.utf8.count == 36 ? UUID(uuidString: key).map { $0.uuidString.lowercased() } : nil
        let integer = Int64(key).flatMap { String($0) == key ? key : nil }
        return [uuid ?? "", integer ?? ""]
    }
}
