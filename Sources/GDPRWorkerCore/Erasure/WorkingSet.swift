/// The rows a batch works on, held in the connection's temporary tables: the jobs' keys, and the
/// reached rows of every materialized table, found before anything is written.
///
/// Materializing first is what lets delete go children-first: a parent reached through a row is
/// known before that row is deleted, and a parent still referenced by anyone else is known to be
/// shared. The tables are private to the connection and, on PostgreSQL, emptied at every commit.
struct WorkingSet {
    let plan: ErasurePlan
    let statements: ErasureStatements
    let connection: any DatabaseConnection

    /// Creates the work tables on this connection, unless an earlier batch already did.
    func prepare() throws {
        let dialect = statements.dialect
        let present = try connection.queryFirst(dialect.workTableExistsQuery, [.text(plan.keysWorkTable)]).required("answer").bool("present")
        guard !present else { return }
        for sql in statements.createWorkTables() { try connection.execute(sql, []) }
    }

    /// Loads the keys and materializes the reached rows, in reach order; for an export, shared
    /// parent rows too.
    func load(keys rows: [[String]], includingShared: Bool = false) throws {
        let dialect = statements.dialect
        try connection.execute("DELETE FROM \(dialect.workTable(plan.keysWorkTable))", [])
        for index in plan.reachOrder {
            try connection.execute("DELETE FROM \(dialect.workTable(plan.tables[index].reachWorkTable))", [])
        }
        let insert = statements.insertKeys(rows)
        try connection.execute(insert.sql, insert.binds)
        try analyze(plan.keysWorkTable)
        for index in plan.reachOrder {
            let table = plan.tables[index]
            let statement = statements.materialize(table, includingShared: includingShared)
            try connection.execute(statement.sql, statement.binds)
            try analyze(table.reachWorkTable)
        }
    }

    private func analyze(_ table: String) throws {
        if let sql = statements.dialect.analyzeWorkTable(table) { try connection.execute(sql, []) }
    }
}
