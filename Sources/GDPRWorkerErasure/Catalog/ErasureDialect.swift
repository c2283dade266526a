import GDPRWorkerQueue

/// The SQL that differs between the engines, so the erasure engine can build one set of statements
/// for every engine without importing any: work tables, casts, masks, archive moves and the
/// catalog. A driver's dialect conforms to it; a driver without it can run the queue but not erase.
///
/// Everything returned is SQL text built from identifiers the catalog has validated and from
/// constants of this program; values always travel as bound parameters.
public protocol ErasureDialect: SQLDialect {
    /// A list of text rows as statement parameters, starting at parameter `firstPlaceholder`, and the
    /// relation (aliased `z`) that reads them back with the given column names: parallel `text[]`
    /// arrays under `unnest` on PostgreSQL, one JSON array of arrays under `json_each` on SQLite.
    func textRows(_ rows: [[String]], columns: [String], firstPlaceholder: Int) -> (relation: String, binds: [SQLValue])

    /// A text expression converted to a column type category, for assignment and comparison.
    func cast(_ textExpression: String, to category: DatabaseCatalog.TypeCategory) -> String

    /// The column type a work table uses for a category.
    func workColumnType(_ category: DatabaseCatalog.TypeCategory) -> String

    /// The column type a work table uses to hold a copy of the column's values exactly, so that a
    /// key of any comparable type (a timestamp, a numeric, bytes) finds its row again.
    func workColumnType(copying column: DatabaseCatalog.Column) -> String

    /// Whether UUID columns hold a native UUID type; otherwise they hold text, compared literally.
    var hasNativeUUID: Bool { get }

    // MARK: Random values, from the database's own random source

    /// A text expression of `count` random lowercase hexadecimal digits.
    func randomHex(_ count: Int) -> String
    /// An integer expression uniformly below `bound`.
    func randomInteger(below bound: Int) -> String
    /// A text expression of a random UUID with version nibble 8 and variant nibble `a`.
    var randomMarkedUUID: String { get }

    // MARK: Recognising rewritten values

    /// A condition: the text expression has the shape. `bind` binds a pattern and returns its
    /// placeholder; patterns are constants of this program, bound like any value.
    func matches(_ textExpression: String, _ shape: ValueShape, bind: (String) -> String) -> String

    // MARK: Work tables, private to the connection

    /// The qualified name of a connection-private temporary table.
    func workTable(_ name: String) -> String
    /// A query with one boolean column `present`, binding the unqualified name as parameter 1.
    var workTableExistsQuery: String { get }
    /// Whether work tables created `clearedOnCommit` are empty at the start of every transaction.
    var clearsWorkTablesAtCommit: Bool { get }
    /// DDL creating a temporary table with the given column definitions.
    /// `clearedOnCommit` tables lose their rows at every commit; the others keep them for the session.
    func createWorkTable(_ name: String, columns: [String], clearedOnCommit: Bool) -> String
    /// The statement a user runs to index a column of their own table, without blocking writes
    /// where the engine can.
    func createIndexStatement(table: String, column: String) -> String

    /// DDL creating an index on a work table.
    func createWorkIndex(_ name: String, on table: String, columns: [String]) -> String
    /// A statement removing every row of a work table.
    func emptyWorkTable(_ name: String) -> String
    /// A statement refreshing the planner's statistics of a work table, where the engine needs it.
    func analyzeWorkTable(_ name: String) -> String?
    /// A join clause that reaches rows of `table` from the rows before it. With `indexed`, an
    /// index serves the condition: the rows are looked up one driving row at a time, so a small
    /// work table drives index probes into the user's large tables whatever the planner's
    /// estimates. Without one, a plain join lets the planner read the table once for the whole
    /// batch (a hash join) instead of scanning it once per driving row.
    func join(_ table: String, as alias: String, on condition: String, indexed: Bool) -> String
    /// Whether rows returned by a data-modifying CTE can be aggregated in the same statement.
    var aggregatesReturningRows: Bool { get }
    /// The clause that locks the selected rows of `alias` for writing (`FOR UPDATE OF alias`), or
    /// nil where the engine has no row locks: SQLite's one writer at a time serialises erasures.
    func rowLockClause(alias: String) -> String?

    /// A query taking a transaction-scoped advisory lock for every distinct key of the keys work
    /// table, in sorted order; nil where the engine has no such locks.
    func lockKeysStatement(keysTable: String) -> String?

    // MARK: Export

    /// A text expression with the JSON object of one row of `alias`, every column included.
    func rowJSON(alias: String, columns: [DatabaseCatalog.Column]) -> String

    // MARK: Archive

    /// The statements that move one batch of rows older than a cutoff from a hot table to its
    /// archive, in one transaction: the first placeholder is the cutoff instant, the second the
    /// batch size. The first statement's changed-row count is the number of rows moved.
    func archiveBatch(hot: String, archive: String, timeColumn: String, columns: [String]) -> [String]

    /// The statements that move one batch as `archiveBatch` does, around the rows whose key
    /// (`key`, the hot table's primary key) the archive already holds: those stay where they are.
    /// Placeholders as for `archiveBatch`; the last statement's changed-row count is the number
    /// of rows moved.
    func archiveBatchAroundConflicts(
        hot: String, archive: String, timeColumn: String, columns: [String], key: [String]
    ) -> [String]

    /// Deletes the hot table's rows older than the cutoff (placeholder 1) that the archive already
    /// holds with the same values in every column: a move that finished elsewhere.
    func archiveDropIdentical(
        hot: String, archive: String, timeColumn: String, columns: [String], key: [String]
    ) -> String

    /// `n`: the hot table's rows older than the cutoff (placeholder 1) whose key the archive holds.
    func archiveConflicts(hot: String, archive: String, timeColumn: String, key: [String]) -> String

    /// A condition true for rows whose `timeColumn` is before the instant in placeholder 1.
    func isBefore(_ timeColumn: String) -> String

    /// A text expression with the instant in `timeColumn` as `Timestamp.parse` reads it; its
    /// values sort in time order.
    func instantText(_ timeColumn: String) -> String

    // MARK: Catalog

    /// Reads the tables, columns, primary keys and foreign keys of the schema erasure works in.
    func loadCatalog(_ connection: any DatabaseConnection) throws(DatabaseError) -> DatabaseCatalog
}

extension ErasureDialect {
    /// `table_column_idx`, cut to PostgreSQL's 63-byte identifier limit.
    public static func indexName(_ table: String, _ column: String) -> String {
        var name = "\(table)_\(column)_idx"
        while name.utf8.count > 63 { name.removeFirst() }
        return name
    }
}

extension DatabaseConnection {
    /// The connection's dialect for erasure statements. A driver whose dialect lacks them can run
    /// the queue but cannot erase, check a data map or sweep.
    public func erasureDialect() throws(DatabaseError) -> any ErasureDialect {
        guard let dialect = dialect as? any ErasureDialect else {
            throw DatabaseError(.unsupported, "the \(engine.displayName) driver cannot build erasure statements")
        }
        return dialect
    }
}
