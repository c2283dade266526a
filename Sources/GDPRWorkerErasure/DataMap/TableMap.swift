import GDPRWorkerQueue

/// One mapped table: how its rows are found for a job, and what erasure does to each column.
public struct TableMap: Sendable, Hashable {
    /// What a delete-mode job does to this table's rows.
    public enum DeletePolicy: String, Sendable, Hashable, CaseIterable {
        /// The rows are deleted (the default).
        case delete
        /// The rows are kept for legal retention (bookkeeping, say) and anonymised instead.
        case anonymise
    }

    /// The archive table paired with a hot table.
    public struct Archive: Sendable, Hashable {
        public var table: String
        public var timeColumn: String

        public init(table: String, timeColumn: String) {
            self.table = table
            self.timeColumn = timeColumn
        }
    }

    public var name: String
    /// The columns identifying a row, when declared; otherwise discovered from the catalog.
    public var primaryKey: [String]?
    /// Columns holding job keys: a row matches when any of them equals one of the job's keys.
    public var match: [String]
    /// The column naming the tenant a row belongs to. Matched rows must then hold the job's tenant
    /// there; rows reached from them inherit the scope.
    public var tenant: String?
    /// Foreign-key edges through which rows of this table are reached from other reached rows.
    public var reachedBy: [ReachEdge]
    public var onDelete: DeletePolicy
    public var archive: Archive?
    /// Every column's strategy, in document order.
    public var columns: [ColumnRule]
    /// For an archive table expanded from its hot table's map: the hot table's name.
    public internal(set) var archiveOf: String?
    /// Columns named in the document whose strategy could not be read; reported once, never as unclassified.
    var unreadableColumns: Set<String> = []

    public init(
        name: String, primaryKey: [String]? = nil, match: [String] = [], tenant: String? = nil,
        reachedBy: [ReachEdge] = [], onDelete: DeletePolicy = .delete,
        archive: Archive? = nil, columns: [ColumnRule]
    ) {
        self.name = name
        self.primaryKey = primaryKey
        self.match = match
        self.tenant = tenant
        self.reachedBy = reachedBy
        self.onDelete = onDelete
        self.archive = archive
        self.columns = columns
    }

    /// The strategy of a column, or nil when the map does not classify it.
    public func strategy(for column: String) -> ColumnStrategy? {
        columns.first { $0.column == column }?.strategy
    }

    /// Whether the document names a column, with a readable strategy or not.
    func classifies(_ column: String) -> Bool {
        strategy(for: column) != nil || unreadableColumns.contains(column)
    }
}

/// One column and its strategy.
public struct ColumnRule: Sendable, Hashable {
    public var column: String
    public var strategy: ColumnStrategy

    public init(_ column: String, _ strategy: ColumnStrategy) {
        self.column = column
        self.strategy = strategy
    }
}
