import GDPRWorkerQueue

/// The live schema of the user's database, as far as erasure needs it: tables, columns and their
/// types, primary keys, unique and plain indexes, and foreign keys. Read once by a dialect; the data
/// map is checked against it.
public struct DatabaseCatalog: Sendable {
    /// How a column's type behaves for matching keys and writing placeholders.
    public enum TypeCategory: String, Sendable, Hashable {
        case text, uuid, integer, decimal, boolean, date, timestamp, inet, json, bytes, other

        /// Whether job keys (text) can be compared with the column: literally, or as a UUID or integer.
        public var canHoldKeys: Bool {
            switch self {
            case .text, .uuid, .integer: true
            default: false
            }
        }
    }

    public struct Column: Sendable, Hashable {
        public var name: String
        /// The type as the database spells it, for messages and for work-table columns that must
        /// hold the column's values exactly.
        public var declaredType: String
        public var category: TypeCategory
        public var isNullable: Bool
        /// A generated (computed) column, which cannot be written.
        public var isGenerated: Bool
        /// Whether the type has an equality the engine can locate rows by: false for `json`,
        /// geometric types and the like, which have no default b-tree operator class.
        public var isComparable: Bool

        public init(
            name: String, declaredType: String, category: TypeCategory, isNullable: Bool, isGenerated: Bool = false,
            isComparable: Bool = true
        ) {
            self.name = name
            self.declaredType = declaredType
            self.category = category
            self.isNullable = isNullable
            self.isGenerated = isGenerated
            self.isComparable = isComparable
        }
    }

    /// What the database does to referencing rows when a referenced row is deleted.
    public enum DeleteAction: String, Sendable, Hashable {
        case noAction, restrict, cascade, setNull, setDefault

        /// The words of the SQL clause, for messages.
        public var sql: String {
            switch self {
            case .noAction: "NO ACTION"
            case .restrict: "RESTRICT"
            case .cascade: "CASCADE"
            case .setNull: "SET NULL"
            case .setDefault: "SET DEFAULT"
            }
        }
    }

    public struct ForeignKey: Sendable, Hashable {
        public var columns: [String]
        public var referencedTable: String
        public var referencedColumns: [String]
        public var onDelete: DeleteAction
        /// Declared in the data map's `references` rather than by the database: nothing enforces it,
        /// so erasure alone keeps the rows it links consistent.
        public var isDeclared: Bool

        public init(
            columns: [String], referencedTable: String, referencedColumns: [String], onDelete: DeleteAction,
            isDeclared: Bool = false
        ) {
            self.columns = columns
            self.referencedTable = referencedTable
            self.referencedColumns = referencedColumns
            self.onDelete = onDelete
            self.isDeclared = isDeclared
        }
    }

    /// An index, as far as it can serve a lookup or prove a key unique.
    public struct Index: Sendable, Hashable {
        public var name: String
        /// The key columns in order; nil for an expression.
        public var columns: [String?]
        public var isUnique: Bool
        /// A partial index (`WHERE …`) serves only some rows, so it neither proves uniqueness nor
        /// serves every lookup.
        public var isPartial: Bool

        public init(name: String, columns: [String?], isUnique: Bool, isPartial: Bool) {
            self.name = name
            self.columns = columns
            self.isUnique = isUnique
            self.isPartial = isPartial
        }

        /// The plain columns of a whole-table index, or nil when it has expressions or a predicate.
        public var plainColumns: [String]? {
            guard !isPartial, columns.allSatisfy({ $0 != nil }) else { return nil }
            return columns.compactMap { $0 }
        }
    }

    public struct Table: Sendable, Hashable {
        public var name: String
        /// In the table's column order.
        public var columns: [Column]
        public var primaryKey: [String]
        public var foreignKeys: [ForeignKey]
        /// Every index but the primary key's own, where the engine lists that separately.
        public var indexes: [Index]
        /// Whether a new row may get the key of a row deleted before: an integer key the engine
        /// assigns as one more than the largest present (SQLite's rowid without AUTOINCREMENT), or
        /// one no sequence or identity assigns at all. A row archived and then deleted from the hot
        /// table frees its key for the next row, which then collides with it in the archive.
        public var reusesKeys: Bool

        public init(
            name: String, columns: [Column], primaryKey: [String], foreignKeys: [ForeignKey], indexes: [Index] = [],
            reusesKeys: Bool = false
        ) {
            self.name = name
            self.columns = columns
            self.primaryKey = primaryKey
            self.foreignKeys = foreignKeys
            self.indexes = indexes
            self.reusesKeys = reusesKeys
        }

        public func column(_ name: String) -> Column? {
            columns.first { $0.name == name }
        }

        /// Whether equality on `columns` selects at most one row: they include the primary key or
        /// the columns of a unique, whole-table index without expressions.
        public func isUnique(_ columns: [String]) -> Bool {
            let set = Set(columns)
            if !primaryKey.isEmpty && Set(primaryKey).isSubset(of: set) { return true }
            return indexes.contains { index in
                guard index.isUnique, let plain = index.plainColumns else { return false }
                return Set(plain).isSubset(of: set)
            }
        }

        /// Whether an index (or the primary key) leads with `column`, so a lookup by it is a probe
        /// rather than a scan.
        public func isIndexed(_ column: String) -> Bool {
            if primaryKey.first == column { return true }
            return indexes.contains { !$0.isPartial && $0.columns.first == column }
        }
    }

    public var tables: [String: Table]

    public init(tables: [Table]) {
        self.tables = Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func table(_ name: String) -> Table? {
        tables[name]
    }

    /// Every single-column reference into `table.column`, from any table: (referencing table, its column).
    public func references(
        to table: String, column: String
    ) -> [(table: String, column: String, onDelete: DeleteAction)] {
        tables.values.sorted { $0.name < $1.name }.flatMap { referencing in
            referencing.foreignKeys.compactMap { key in
                guard key.referencedTable == table, key.columns.count == 1, key.referencedColumns == [column] else {
                    return nil
                }
                return (referencing.name, key.columns[0], key.onDelete)
            }
        }
    }

    /// Every foreign key into `table`, from any table, in a stable order.
    public func foreignKeys(into table: String) -> [(table: String, key: ForeignKey)] {
        tables.values.sorted { $0.name < $1.name }.flatMap { referencing in
            referencing.foreignKeys.filter { $0.referencedTable == table }.map { (referencing.name, $0) }
        }
    }

    /// The catalog with references the database does not declare added as foreign keys, so that
    /// ordering, shared-parent judgements and checks treat them exactly like declared ones.
    public func adding(_ references: [(table: String, key: ForeignKey)]) -> DatabaseCatalog {
        var copy = self
        for (table, key) in references {
            guard var live = copy.tables[table] else { continue }
            let duplicate = live.foreignKeys.contains {
                $0.columns == key.columns && $0.referencedTable == key.referencedTable
                    && $0.referencedColumns == key.referencedColumns
            }
            if !duplicate { live.foreignKeys.append(key) }
            copy.tables[table] = live
        }
        return copy
    }
}
