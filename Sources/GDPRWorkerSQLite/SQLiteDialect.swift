import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// SQLite's SQL for the erasure engine: `?n` parameters, JSON arrays under `json_each`,
/// `randomblob()` as the random source, and `CROSS JOIN` to keep the small side driving.
public struct SQLiteDialect: ErasureDialect {
    /// SQLite's default limit on function arguments is 127; `json_object` takes two per column.
    static let jsonObjectColumnsPerCall = 60

    public init() {}

    public var engine: DatabaseEngine { .sqlite }

    public func placeholder(_ index: Int) -> String { "?\(index)" }

    public func textRows(
        _ rows: [[String]], columns: [String], firstPlaceholder: Int
    ) -> (relation: String, binds: [SQLValue]) {
        let fields = columns.enumerated().map { index, name in "json_extract(e.value, '$[\(index)]') AS \(quote(name))"
        }
        let relation =
            "(SELECT \(fields.joined(separator: ", ")) FROM json_each(\(placeholder(firstPlaceholder))) AS e) AS z"
        let json = String(decoding: (try? JSONEncoder().encode(rows)) ?? Data("[]".utf8), as: UTF8.self)
        return (relation, [.text(json)])
    }

    public func cast(_ textExpression: String, to category: DatabaseCatalog.TypeCategory) -> String {
        category == .integer ? "CAST(\(textExpression) AS INTEGER)" : textExpression
    }

    public func workColumnType(_ category: DatabaseCatalog.TypeCategory) -> String {
        category == .integer ? "INTEGER" : "TEXT"
    }

    /// No declared type, so no affinity: a copied value keeps its storage class and compares
    /// equal to the original whatever the column's declared type.
    public func workColumnType(copying column: DatabaseCatalog.Column) -> String { "" }

    public var hasNativeUUID: Bool { false }

    public func randomHex(_ count: Int) -> String {
        "substr(lower(hex(randomblob(\((count + 1) / 2)))), 1, \(count))"
    }

    public func randomInteger(below bound: Int) -> String {
        "abs(random() % \(bound))"
    }

    public var randomMarkedUUID: String {
        "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-8' || substr(hex(randomblob(2)), 2) || '-a' || "
            + "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
    }

    public func matches(_ textExpression: String, _ shape: ValueShape, bind: (String) -> String) -> String {
        "\(textExpression) GLOB \(bind(shape.glob))"
    }

    public func workTable(_ name: String) -> String { "temp.\(quote(name))" }

    public var workTableExistsQuery: String {
        "SELECT count(*) > 0 AS present FROM temp.sqlite_master WHERE type = 'table' AND name = ?1"
    }

    public var clearsWorkTablesAtCommit: Bool { false }

    public func createWorkTable(_ name: String, columns: [String], clearedOnCommit: Bool) -> String {
        "CREATE TEMP TABLE \(quote(name)) (\(columns.joined(separator: ", ")))"
    }

    public func createIndexStatement(table: String, column: String) -> String {
        "CREATE INDEX \(quote(Self.indexName(table, column))) ON \(quote(table)) (\(quote(column)));"
    }

    public func createWorkIndex(_ name: String, on table: String, columns: [String]) -> String {
        "CREATE INDEX temp.\(quote(name)) ON \(quote(table)) (\(columns.map(quote).joined(separator: ", ")))"
    }

    public func emptyWorkTable(_ name: String) -> String { "DELETE FROM \(workTable(name))" }

    /// SQLite plans well without statistics when the join order is fixed.
    public func analyzeWorkTable(_ name: String) -> String? { nil }

    /// SQLite keeps the written order of a `CROSS JOIN`: the driving work table is the outer loop.
    /// Without an index it builds an automatic one for the statement, once, rather than scan the
    /// table per driving row.
    public func join(_ table: String, as alias: String, on condition: String, indexed: Bool) -> String {
        "CROSS JOIN \(table) AS \(alias) ON \(condition)"
    }

    public var aggregatesReturningRows: Bool { false }

    public func rowLockClause(alias: String) -> String? { nil }

    public func lockKeysStatement(keysTable: String) -> String? { nil }

    /// `json_object` over the catalog's columns, merged with `json_patch` past SQLite's argument
    /// limit; blobs, which JSON cannot hold, as hexadecimal text.
    public func rowJSON(alias: String, columns: [DatabaseCatalog.Column]) -> String {
        let objects = stride(from: 0, to: columns.count, by: Self.jsonObjectColumnsPerCall).map { start in
            let fields = columns[start..<min(columns.count, start + Self.jsonObjectColumnsPerCall)].map { column in
                let value = "\(alias).\(quote(column.name))"
                let literalName = "'" + column.name.replacingOccurrences(of: "'", with: "''") + "'"
                return "\(literalName), "
                    + (column.category == .bytes
                        ? "hex(\(value))" : "CASE WHEN typeof(\(value)) = 'blob' THEN hex(\(value)) ELSE \(value) END")
            }
            return "json_object(\(fields.joined(separator: ", ")))"
        }
        return objects.dropFirst().reduce(objects.first ?? "json_object()") { "json_patch(\($0), \($1))" }
    }
}
