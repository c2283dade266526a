import GDPRWorkerQueue

/// The rows a batch works on, held in the connection's temporary tables: the jobs' keys, and the
/// reached rows of every materialized table, found before anything is written.
///
/// Materializing first is what lets delete go children-first: a parent reached through a row is
/// known before that row is deleted, and a parent still referenced by anyone else is known to be
/// shared. The tables are private to the connection and, on PostgreSQL, emptied at every commit.
final class WorkingSet {
    let plan: ErasurePlan
    let statements: ErasureStatements
    let connection: any DatabaseConnection
    /// Whether the keys and reached rows may hold an earlier group's rows.
    private var mayHoldRows = true
    /// How many rows each materialized table's work table received, by plan index; a judgement
    /// only removes rows, so this bounds what a write of the table touches.
    private(set) var materializedRows: [Int: Int] = [:]

    init(plan: ErasurePlan, statements: ErasureStatements, connection: any DatabaseConnection) {
        self.plan = plan
        self.statements = statements
        self.connection = connection
    }

    /// Creates the work tables on this connection, unless an earlier batch already did.
    func prepare() throws {
        let dialect = statements.dialect
        let present = try connection.queryFirst(dialect.workTableExistsQuery, [.text(plan.keysWorkTable)]).required(
            "answer"
        ).bool("present")
        if !present {
            for sql in statements.createWorkTables() { try connection.execute(sql, []) }
        }
        mayHoldRows = !dialect.clearsWorkTablesAtCommit
    }

    /// Loads the keys, takes their locks, and materializes the reached rows in reach order; where
    /// the plan judges parents while loading, locks and judges them too. An export takes no lock
    /// and keeps shared parents, which are the person's data too.
    func load(keys rows: [[String]], forExport: Bool = false) throws {
        let dialect = statements.dialect
        if mayHoldRows {
            try connection.execute("DELETE FROM \(dialect.workTable(plan.keysWorkTable))", [])
            for case .materialize(let index) in plan.loadSteps {
                try connection.execute("DELETE FROM \(dialect.workTable(plan.tables[index].reachWorkTable))", [])
            }
        }
        mayHoldRows = true
        let insert = statements.insertKeys(rows)
        try analyze(plan.keysWorkTable, filled: try connection.execute(insert.sql, insert.binds))
        if !forExport, let lock = statements.lockKeys() {
            _ = try connection.query(lock.sql, lock.binds)
        }
        for step in plan.loadSteps {
            switch step {
            case .materialize(let index):
                let table = plan.tables[index]
                let statement = statements.materialize(table)
                let filled = try connection.execute(statement.sql, statement.binds)
                materializedRows[index] = filled
                try analyze(table.reachWorkTable, filled: filled)
            case .lock(let index) where !forExport:
                try lock(plan.tables[index])
            case .judge(let index) where !forExport:
                try judge(plan.tables[index])
            case .lock, .judge:
                break
            }
        }
    }

    /// Locks a table's reached rows in key order, where the engine has row locks.
    func lock(_ table: ErasurePlan.Table) throws {
        guard let statement = statements.lockRows(table) else { return }
        _ = try connection.query(statement.sql, statement.binds)
    }

    /// Drops the table's candidate parents that others still reference.
    func judge(_ table: ErasurePlan.Table) throws {
        let statement = statements.judge(table)
        try connection.execute(statement.sql, statement.binds)
    }

    /// After a checkpoint's commit, which emptied the tables where the engine does that.
    func committed() {
        mayHoldRows = !statements.dialect.clearsWorkTablesAtCommit
    }

    /// Refreshes the planner's statistics of a work table that received rows, where the engine needs it.
    private func analyze(_ table: String, filled rows: Int) throws {
        guard rows > 0, let sql = statements.dialect.analyzeWorkTable(table) else { return }
        try connection.execute(sql, [])
    }
}
