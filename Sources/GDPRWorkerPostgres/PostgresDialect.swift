import GDPRWorkerErasure
import GDPRWorkerQueue

/// PostgreSQL's SQL for the erasure engine: `$n` parameters, `text[]` arrays, `gen_random_uuid()`
/// as the random source, and temporary tables cleared at commit.
public struct PostgresDialect: ErasureDialect {
    public init() {}

    public var engine: DatabaseEngine { .postgres }

    public func placeholder(_ index: Int) -> String { "$\(index)" }

    public func textRows(
        _ rows: [[String]], columns: [String], firstPlaceholder: Int
    ) -> (relation: String, binds: [SQLValue]) {
        let arrays = columns.indices.map { column in "CAST(\(placeholder(firstPlaceholder + column)) AS text[])" }
        let relation = "unnest(\(arrays.joined(separator: ", "))) AS z(\(columns.map(quote).joined(separator: ", ")))"
        return (relation, columns.indices.map { column in .textArray(rows.map { $0[column] }) })
    }

    public func cast(_ textExpression: String, to category: DatabaseCatalog.TypeCategory) -> String {
        switch category {
        case .uuid: "CAST(\(textExpression) AS uuid)"
        case .integer: "CAST(\(textExpression) AS bigint)"
        case .inet: "CAST(\(textExpression) AS inet)"
        case .date: "CAST(\(textExpression) AS date)"
        case .timestamp: "CAST(\(textExpression) AS timestamp)"
        default: textExpression
        }
    }

    public func workColumnType(_ category: DatabaseCatalog.TypeCategory) -> String {
        switch category {
        case .uuid: "uuid"
        case .integer: "bigint"
        default: "text"
        }
    }

    /// The column's own type, as `format_type` spells it: a timestamp stays a timestamp, so the
    /// copy compares equal to the original and uses its indexes.
    public func workColumnType(copying column: DatabaseCatalog.Column) -> String {
        column.declaredType
    }

    public var hasNativeUUID: Bool { true }

    /// Hex digits of an MD5 over a fresh `gen_random_uuid()`: 122 random bits, spread evenly.
    public func randomHex(_ count: Int) -> String {
        stride(from: 0, to: count, by: 32).map { start in
            "substr(md5(CAST(gen_random_uuid() AS text)), 1, \(min(32, count - start)))"
        }.joined(separator: " || ")
    }

    /// `random()`: the database's generator, ample for placeholder digits, which are not secrets;
    /// tokens and keys take their hex digits from `gen_random_uuid()`.
    public func randomInteger(below bound: Int) -> String {
        "CAST(floor(random() * \(bound)) AS bigint)"
    }

    public var randomMarkedUUID: String {
        "overlay(overlay(CAST(gen_random_uuid() AS text) placing '8' from 15 for 1) placing 'a' from 20 for 1)"
    }

    /// A LIKE prefix first: it rejects personal data at its first characters, so the regular
    /// expression only runs on values that may be anonymised already.
    public func matches(_ textExpression: String, _ shape: ValueShape, bind: (String) -> String) -> String {
        "(\(textExpression) LIKE CAST(\(bind(shape.likePrefix)) AS text) AND \(textExpression) ~ CAST(\(bind(shape.regex)) AS text))"
    }

    public func workTable(_ name: String) -> String { "pg_temp.\(quote(name))" }

    public var workTableExistsQuery: String {
        "SELECT to_regclass('pg_temp.' || quote_ident(CAST($1 AS text))) IS NOT NULL AS present"
    }

    public var clearsWorkTablesAtCommit: Bool { true }

    public func createWorkTable(_ name: String, columns: [String], clearedOnCommit: Bool) -> String {
        "CREATE TEMPORARY TABLE \(quote(name)) (\(columns.joined(separator: ", "))) ON COMMIT \(clearedOnCommit ? "DELETE" : "PRESERVE") ROWS"
    }

    /// CONCURRENTLY: built without blocking the application's writes to the table.
    public func createIndexStatement(table: String, column: String) -> String {
        "CREATE INDEX CONCURRENTLY \(quote(Self.indexName(table, column))) ON \(quote(table)) (\(quote(column)));"
    }

    public func createWorkIndex(_ name: String, on table: String, columns: [String]) -> String {
        "CREATE INDEX \(quote(name)) ON \(workTable(table)) (\(columns.map(quote).joined(separator: ", ")))"
    }

    /// TRUNCATE rather than DELETE: temporary tables are never vacuumed, so deleted rows would pile up.
    public func emptyWorkTable(_ name: String) -> String { "TRUNCATE \(workTable(name))" }

    /// Temporary tables are never analysed by autovacuum, and the truncation at every commit
    /// resets what ANALYZE found; without fresh statistics the planner misjudges the joins of the
    /// writes against the user's tables (measured: half the throughput).
    public func analyzeWorkTable(_ name: String) -> String? { "ANALYZE \(workTable(name))" }

    /// Indexed: a LATERAL subquery behind `OFFSET 0`, which the planner cannot flatten into a
    /// merge or hash join over the whole table, nor push outer filters into. Unindexed: a plain
    /// join, which the planner makes one hash join over one scan of the table.
    public func join(_ table: String, as alias: String, on condition: String, indexed: Bool) -> String {
        indexed
            ? "CROSS JOIN LATERAL (SELECT \(alias).* FROM \(table) AS \(alias) WHERE \(condition) OFFSET 0) AS \(alias)"
            : "JOIN \(table) AS \(alias) ON \(condition)"
    }

    public var aggregatesReturningRows: Bool { true }

    public func rowLockClause(alias: String) -> String? { "FOR UPDATE OF \(alias)" }

    /// Locks in a class of their own (the two-integer form), so they never meet the one-integer
    /// locks of migrations, sweeps and enqueue deduplication. The sorted subquery is not flattened
    /// (it has DISTINCT and ORDER BY), so the locks are taken in its order. Two keys whose hashes
    /// collide share a lock, which only makes one wait for the other.
    public func lockKeysStatement(keysTable: String) -> String? {
        """
        SELECT count(pg_advisory_xact_lock(1735159154, s.h)) AS locked
          FROM (SELECT DISTINCT hashtext(k.key) AS h FROM \(keysTable) AS k ORDER BY 1) AS s
        """
    }

    public func rowJSON(alias: String, columns: [DatabaseCatalog.Column]) -> String {
        "CAST(row_to_json(\(alias)) AS text)"
    }
}
