import GDPRWorkerQueue

/// One thing wrong with a data map, on one line naming the table and column.
///
/// Messages name schema objects and strategies from the map, never data values.
public struct DataMapProblem: Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable class of problem.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file cannot be read.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The text is not valid YAML.
        public static let invalidYAML = Code(rawValue: "invalid_yaml")
        /// An entry has the wrong shape, an unknown key, or a missing required key.
        public static let invalidEntry = Code(rawValue: "invalid_entry")
        /// The same table, column or key is named twice.
        public static let duplicate = Code(rawValue: "duplicate")
        /// A column names a strategy or placeholder that does not exist.
        public static let unknownStrategy = Code(rawValue: "unknown_strategy")
        /// The database has no such table.
        public static let missingTable = Code(rawValue: "missing_table")
        /// The table has no such column.
        public static let missingColumn = Code(rawValue: "missing_column")
        /// A column of a mapped table has no strategy, so a new PII column cannot slip through.
        public static let unclassifiedColumn = Code(rawValue: "unclassified_column")
        /// A strategy cannot apply to its column: its type, NOT NULL, or a generated column.
        public static let strategyMismatch = Code(rawValue: "strategy_mismatch")
        /// Key or edge columns whose types cannot be compared.
        public static let keyTypeMismatch = Code(rawValue: "key_type_mismatch")
        /// The reach graph, or the order rows must be deleted in, has a cycle.
        public static let cycle = Code(rawValue: "cycle")
        /// A table without a primary key, which rows are located by.
        public static let missingPrimaryKey = Code(rawValue: "missing_primary_key")
        /// A mapped table no key or edge reaches, so it would never be erased.
        public static let unreachableTable = Code(rawValue: "unreachable_table")
        /// A table outside the map references a mapped table, so its rows are unaccounted for.
        public static let unmappedReference = Code(rawValue: "unmapped_reference")
        /// A column that looks like a reference into a mapped table, declared by neither a foreign
        /// key nor the data map. A warning; `check --strict` refuses it.
        public static let undeclaredReference = Code(rawValue: "undeclared_reference")
        /// An archived table whose key the engine may assign again once its row left the table.
        public static let reusableArchiveKey = Code(rawValue: "reusable_archive_key")
        /// A column erasure looks rows up by that no index serves. A warning.
        public static let missingIndex = Code(rawValue: "missing_index")
        /// A tenant-scoped map matches a table's rows, or follows a link table, without a tenant
        /// column: one tenant's keys could reach another tenant's rows.
        public static let unscopedTable = Code(rawValue: "unscoped_table")
    }

    public var code: Code
    public var table: String?
    public var column: String?
    public var message: String
    /// A statement that fixes it, where one does: the index to create.
    public var fix: String?

    public init(_ code: Code, table: String? = nil, column: String? = nil, _ message: String, fix: String? = nil) {
        self.code = code
        self.table = table
        self.column = column
        self.message = message
        self.fix = fix
    }

    /// `table.column: message`, `table: message`, or the message alone.
    public var description: String {
        switch (table, column) {
        case (let table?, let column?): "\(table).\(column): \(message)"
        case (let table?, nil): "\(table): \(message)"
        default: message
        }
    }
}
