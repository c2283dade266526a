import GDPRWorkerErasure
import GDPRWorkerQueue

extension SQLiteDialect {
    /// Reads the tables of the main database through `sqlite_master` and the table-valued pragmas.
    public func loadCatalog(_ connection: any DatabaseConnection) throws(DatabaseError) -> DatabaseCatalog {
        let names = try connection.query(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
            []
        ).map { row throws(DatabaseError) in try row.string("name") }
        var tables: [DatabaseCatalog.Table] = []
        for name in names {
            var columns: [DatabaseCatalog.Column] = []
            var primaryKey: [(Int, String)] = []
            for row in try connection.query(
                "SELECT name, type, \"notnull\" AS not_null, pk, hidden FROM pragma_table_xinfo(?1, 'main')",
                [.text(name)])
            {
                let column = try row.string("name")
                let declared = row.optionalString("type") ?? ""
                let hidden = row.optionalInt("hidden") ?? 0
                guard hidden != 1 else { continue }
                let position = row.optionalInt("pk") ?? 0
                if position > 0 { primaryKey.append((position, column)) }
                columns.append(
                    DatabaseCatalog.Column(
                        name: column, declaredType: declared, category: Self.category(declaredType: declared),
                        isNullable: (row.optionalInt("not_null") ?? 0) == 0 && position == 0,
                        isGenerated: hidden == 2 || hidden == 3))
            }
            var foreignKeys: [Int: DatabaseCatalog.ForeignKey] = [:]
            var toColumns: [Int: [String?]] = [:]
            for row in try connection.query(
                "SELECT id, seq, \"table\" AS referenced_table, \"from\" AS from_column, \"to\" AS to_column, on_delete FROM pragma_foreign_key_list(?1, 'main') ORDER BY id, seq",
                [.text(name)])
            {
                let id = try row.int("id")
                let referenced = try row.string("referenced_table")
                var key =
                    foreignKeys[id]
                    ?? DatabaseCatalog.ForeignKey(
                        columns: [], referencedTable: referenced, referencedColumns: [],
                        onDelete: Self.deleteAction(row.optionalString("on_delete") ?? ""))
                key.columns.append(try row.string("from_column"))
                foreignKeys[id] = key
                toColumns[id, default: []].append(row.optionalString("to_column"))
            }
            let keys = foreignKeys.keys.sorted().map { id in
                var key = foreignKeys[id]!
                key.referencedColumns = toColumns[id]?.compactMap { $0 } ?? []
                return key
            }
            var indexes: [DatabaseCatalog.Index] = []
            for row in try connection.query(
                "SELECT name, \"unique\" AS is_unique, partial FROM pragma_index_list(?1, 'main') ORDER BY name",
                [.text(name)])
            {
                let index = try row.string("name")
                // Expression columns have no name (cid -2); the rowid (cid -1) is the row itself.
                let columns = try connection.query(
                    "SELECT name FROM pragma_index_info(?1, 'main') ORDER BY seqno", [.text(index)]
                ).map { $0.optionalString("name") }
                indexes.append(
                    DatabaseCatalog.Index(
                        name: index, columns: columns, isUnique: (row.optionalInt("is_unique") ?? 0) == 1,
                        isPartial: (row.optionalInt("partial") ?? 0) == 1))
            }
            // An INTEGER PRIMARY KEY is the rowid, which takes the largest id plus one unless
            // AUTOINCREMENT keeps every id ever used.
            let rowidKey =
                primaryKey.count == 1
                && columns.first { $0.name == primaryKey[0].1 }?.declaredType.uppercased() == "INTEGER"
            let definition =
                try connection.queryFirst(
                    "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?1", [.text(name)])?
                .optionalString("sql") ?? ""
            tables.append(
                DatabaseCatalog.Table(
                    name: name, columns: columns, primaryKey: primaryKey.sorted { $0.0 < $1.0 }.map(\.1),
                    foreignKeys: keys, indexes: indexes,
                    reusesKeys: rowidKey && !definition.uppercased().contains("AUTOINCREMENT")))
        }
        // A foreign key that names no parent columns refers to the parent's primary key.
        let primaryKeys = Dictionary(tables.map { ($0.name, $0.primaryKey) }, uniquingKeysWith: { first, _ in first })
        return DatabaseCatalog(
            tables: tables.map { table in
                var table = table
                table.foreignKeys = table.foreignKeys.map { key in
                    var key = key
                    if key.referencedColumns.count != key.columns.count {
                        key.referencedColumns = primaryKeys[key.referencedTable] ?? []
                    }
                    return key
                }
                return table
            })
    }

    /// SQLite types are declarations, not rules; this follows its affinity rules with a few
    /// common names (UUID, DATE, TIMESTAMP, BOOLEAN, JSON) recognised first.
    static func category(declaredType: String) -> DatabaseCatalog.TypeCategory {
        let type = declaredType.uppercased()
        if type.contains("UUID") { return .uuid }
        if type.contains("DATETIME") || type.contains("TIMESTAMP") { return .timestamp }
        if type.contains("DATE") { return .date }
        if type.contains("BOOL") { return .boolean }
        if type.contains("JSON") { return .json }
        if type.contains("INT") { return .integer }
        if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { return .text }
        if type.contains("BLOB") { return .bytes }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") || type.contains("NUMERIC")
            || type.contains("DECIMAL")
        {
            return .decimal
        }
        return .other
    }

    static func deleteAction(_ text: String) -> DatabaseCatalog.DeleteAction {
        switch text.uppercased() {
        case "RESTRICT": .restrict
        case "CASCADE": .cascade
        case "SET NULL": .setNull
        case "SET DEFAULT": .setDefault
        default: .noAction
        }
    }
}
