import GDPRWorkerQueue

/// A column named as `TABLE.COLUMN` in a data map.
public struct QualifiedColumn: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var table: String
    public var column: String

    public init(_ table: String, _ column: String) {
        self.table = table
        self.column = column
    }

    /// Parses `TABLE.COLUMN`; nil unless both parts are present. Splits at the last dot, so a
    /// table name may contain dots only when quoted nowhere else (the catalog decides if it exists).
    public init?(parsing text: String) {
        guard let dot = text.lastIndex(of: "."), dot != text.startIndex, text.index(after: dot) != text.endIndex else {
            return nil
        }
        self.init(String(text[..<dot]), String(text[text.index(after: dot)...]))
    }

    public var description: String { "\(table).\(column)" }

    public static func < (lhs: QualifiedColumn, rhs: QualifiedColumn) -> Bool {
        (lhs.table, lhs.column) < (rhs.table, rhs.column)
    }
}

/// A reference the database does not declare: a column of any table, mapped or not, that points at
/// a column of a mapped table, as a foreign key would.
///
/// Schemas without foreign keys are common. Declared here, the reference counts everywhere a
/// foreign key does: a parent row it points at is shared and left alone, rows are written in an
/// order that respects it, and `check` holds it to the same rules.
public struct DeclaredReference: Sendable, Hashable {
    /// The referencing column.
    public var column: QualifiedColumn
    /// The referenced column, of a mapped table.
    public var references: QualifiedColumn

    public init(column: QualifiedColumn, references: QualifiedColumn) {
        self.column = column
        self.references = references
    }
}
