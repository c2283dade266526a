import GDPRWorkerErasure
import GDPRWorkerQueue

extension PostgresDialect {
    /// Reads the ordinary and partitioned tables of the current schema from pg_catalog.
    public func loadCatalog(_ connection: any DatabaseConnection) throws(DatabaseError) -> DatabaseCatalog {
        var columns: [String: [DatabaseCatalog.Column]] = [:]
        for row in try connection.query(Self.columnsQuery, []) {
            let table = try row.string("table_name")
            columns[table, default: []].append(
                DatabaseCatalog.Column(
                    name: try row.string("column_name"), declaredType: try row.string("declared_type"),
                    category: Self.category(
                        typeName: try row.string("type_name"), typeType: try row.string("type_type")),
                    isNullable: try row.bool("nullable"), isGenerated: try row.bool("generated"),
                    isComparable: try row.bool("comparable")))
        }
        var primaryKeys: [String: [String]] = [:]
        var assignedKeys: Set<String> = []
        for row in try connection.query(Self.primaryKeysQuery, []) {
            primaryKeys[try row.string("table_name"), default: []].append(try row.string("column_name"))
            if try row.bool("assigned") { assignedKeys.insert(try row.string("table_name")) }
        }
        var foreignKeys: [String: [DatabaseCatalog.ForeignKey]] = [:]
        var current: (id: Int, table: String, key: DatabaseCatalog.ForeignKey)?
        func flush() {
            if let current { foreignKeys[current.table, default: []].append(current.key) }
        }
        for row in try connection.query(Self.foreignKeysQuery, []) {
            let id = try row.int("id")
            if current?.id != id {
                flush()
                current = (
                    id, try row.string("table_name"),
                    DatabaseCatalog.ForeignKey(
                        columns: [], referencedTable: try row.string("referenced_table"), referencedColumns: [],
                        onDelete: Self.deleteAction(try row.string("on_delete")))
                )
            }
            current?.key.columns.append(try row.string("column_name"))
            current?.key.referencedColumns.append(try row.string("referenced_column"))
        }
        flush()
        var indexes: [String: [DatabaseCatalog.Index]] = [:]
        var index: (table: String, value: DatabaseCatalog.Index)?
        func flushIndex() {
            if let index { indexes[index.table, default: []].append(index.value) }
        }
        for row in try connection.query(Self.indexesQuery, []) {
            let name = try row.string("index_name")
            if index?.value.name != name {
                flushIndex()
                index = (
                    try row.string("table_name"),
                    DatabaseCatalog.Index(
                        name: name, columns: [], isUnique: try row.bool("is_unique"),
                        isPartial: try row.bool("is_partial"))
                )
            }
            index?.value.columns.append(row.optionalString("column_name"))
        }
        flushIndex()
        return DatabaseCatalog(
            tables: columns.map { name, columns in
                DatabaseCatalog.Table(
                    name: name, columns: columns, primaryKey: primaryKeys[name] ?? [],
                    foreignKeys: foreignKeys[name] ?? [],
                    indexes: indexes[name] ?? [],
                    reusesKeys: Self.reusesKeys(primaryKeys[name] ?? [], columns, assigned: assignedKeys.contains(name))
                )
            })
    }

    /// A single integer key that no sequence or identity assigns: whatever assigns it may hand out
    /// a key again once its row is gone from the table.
    static func reusesKeys(_ primaryKey: [String], _ columns: [DatabaseCatalog.Column], assigned: Bool) -> Bool {
        guard primaryKey.count == 1, let column = columns.first(where: { $0.name == primaryKey[0] }) else {
            return false
        }
        return column.category == .integer && !assigned
    }

    static func category(typeName: String, typeType: String) -> DatabaseCatalog.TypeCategory {
        guard typeType == "b" else { return .other }
        switch typeName {
        case "text", "varchar", "bpchar", "name", "citext": return .text
        case "uuid": return .uuid
        case "int2", "int4", "int8": return .integer
        case "numeric", "float4", "float8", "money": return .decimal
        case "bool": return .boolean
        case "date": return .date
        case "timestamp", "timestamptz": return .timestamp
        case "inet", "cidr": return .inet
        case "json", "jsonb": return .json
        case "bytea": return .bytes
        default: return .other
        }
    }

    static func deleteAction(_ code: String) -> DatabaseCatalog.DeleteAction {
        switch code {
        case "r": .restrict
        case "c": .cascade
        case "n": .setNull
        case "d": .setDefault
        default: .noAction
        }
    }

    /// Columns with their base types (a domain counts as its base type). A type is comparable when
    /// it has a default b-tree operator class, or is an enum, an array or a range, which share one.
    static let columnsQuery = """
        SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS declared_type,
               b.typname AS type_name, b.typtype AS type_type, NOT a.attnotnull AS nullable, a.attgenerated <> '' AS generated,
               (b.typtype IN ('e', 'r') OR b.typcategory = 'A' OR EXISTS (
                   SELECT 1 FROM pg_opclass o JOIN pg_am m ON m.oid = o.opcmethod
                    WHERE m.amname = 'btree' AND o.opcdefault AND o.opcintype = b.oid)) AS comparable
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          JOIN pg_type t ON t.oid = a.atttypid
          JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         ORDER BY c.relname, a.attnum
        """

    static let primaryKeysQuery = """
        SELECT c.relname AS table_name, a.attname AS column_name,
               a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) AS assigned
          FROM pg_index i
          JOIN pg_class c ON c.oid = i.indrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN LATERAL unnest(CAST(i.indkey AS int2[])) WITH ORDINALITY AS k(attnum, position)
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
          LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
         WHERE i.indisprimary AND n.nspname = current_schema()
         ORDER BY c.relname, k.position
        """

    /// Valid indexes with their key columns in order; an expression's column name is NULL.
    static let indexesQuery = """
        SELECT c.relname AS table_name, i.relname AS index_name, x.indisunique AS is_unique, x.indpred IS NOT NULL AS is_partial,
               a.attname AS column_name
          FROM pg_index x
          JOIN pg_class c ON c.oid = x.indrelid
          JOIN pg_class i ON i.oid = x.indexrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN LATERAL unnest(CAST(x.indkey AS int2[])) WITH ORDINALITY AS k(attnum, position)
          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum > 0
         WHERE n.nspname = current_schema() AND x.indisvalid AND k.position <= x.indnkeyatts
         ORDER BY c.relname, i.relname, k.position
        """

    static let foreignKeysQuery = """
        SELECT CAST(con.oid AS bigint) AS id, c.relname AS table_name, rc.relname AS referenced_table,
               a.attname AS column_name, ra.attname AS referenced_column, CAST(con.confdeltype AS text) AS on_delete
          FROM pg_constraint con
          JOIN pg_class c ON c.oid = con.conrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_class rc ON rc.oid = con.confrelid AND rc.relnamespace = n.oid
         CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, referenced_attnum, position)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
          JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.referenced_attnum
         WHERE con.contype = 'f' AND n.nspname = current_schema()
         ORDER BY con.oid, k.position
        """
}
