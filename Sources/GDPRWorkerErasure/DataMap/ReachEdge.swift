import GDPRWorkerQueue

/// A foreign-key edge through which rows of a table are reached from reached rows of another.
///
/// `references`: the table's column points at a reached row (`orders.customer_id` → `customers.id`),
/// so the rows found are children. `referencedBy`: a reached row points at this table's column
/// (`customers.address_id` → `addresses.id`), so the rows found are parents; a parent row that
/// anyone else still references is shared and left alone.
public struct ReachEdge: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable {
        /// Child edge: rows whose `column` equals `otherTable.otherColumn` of a reached row.
        case references
        /// Parent edge: rows whose `column` a reached row's `otherTable.otherColumn` points at.
        case referencedBy = "referenced_by"
    }

    /// The column of the table being reached.
    public var column: String
    public var direction: Direction
    /// The table the edge comes from: its reached rows lead here.
    public var otherTable: String
    public var otherColumn: String

    public init(column: String, _ direction: Direction, _ otherTable: String, _ otherColumn: String) {
        self.column = column
        self.direction = direction
        self.otherTable = otherTable
        self.otherColumn = otherColumn
    }
}
