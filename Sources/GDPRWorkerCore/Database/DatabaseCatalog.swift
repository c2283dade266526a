/// The live schema of the user's database, as far as erasure needs it: tables, columns and their
/// types, primary keys and foreign keys. Read once by a dialect; the data map is checked against it.
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
        /// The type as the database spells it, for messages.
        public var declaredType: String
        public var category: TypeCategory
        public var isNullable: Bool
        /// A generated (computed) column, which cannot be written.
        public var isGenerated: Bool

        public init(name: String, declaredType: String, category: TypeCategory, isNullable: Bool, isGenerated: Bool = false) {
            self.name = name
            self.declaredType = declaredType
            self.category = category
            self.isNullable = isNullable
            self.isGenerated = isGenerated
        }
    }

    /// What the database does to referencing rows when a referenced row is deleted.
    public enum DeleteAction: String, Sendable, Hashable {
        case noAction, restrict, cascade, setNull, setDefault
    }

    public struct ForeignKey: Sendable, Hashable {
        public var columns: [String]
        public var referencedTable: String
        public var referencedColumns: [String]
        public var onDelete: DeleteAction

        public init(columns: [String], referencedTable: String, referencedColumns: [String], onDelete: DeleteAction) {
            self.columns = columns
            self.referencedTable = referencedTable
            self.referencedColumns = referencedColumns
            self.onDelete = onDelete
        }
    }

    public struct Table: Sendable, Hashable {
        public var name: String
        /// In the table's column order.
        public var columns: [Column]
        public var primaryKey: [String]
        public var foreignKeys: [ForeignKey]

        public init(name: String, columns: [Column], primaryKey: [String], foreignKeys: [ForeignKey]) {
            self.name = name
            self.columns = columns
            self.primaryKey = primaryKey
            self.foreignKeys = foreignKeys
        }

        public func column(_ name: String) -> Column? {
            columns.first { $0.name == name }
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
    public func references(to table: String, column: String) -> [(table: String, column: String, onDelete: DeleteAction)] {
        tables.values.sorted { $0.name < $1.name }.flatMap { referencing in
            referencing.foreignKeys.compactMap { key in
                guard key.referencedTable == table, key.columns.count == 1, key.referencedColumns == [column] else { return nil }
                return (referencing.name, key.columns[0], key.onDelete)
            }
        }
    }
}
