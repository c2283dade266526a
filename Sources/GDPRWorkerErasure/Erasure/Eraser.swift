import GDPRWorkerQueue

/// Anonymises or deletes the rows of a batch's jobs of one mode, table by table, in the plan's
/// write order, and counts each job's rows and fields.
///
/// Statements are bounded: a table's rows are written at most `rowsPerStatement` at a time, from a
/// numbered chunk list held in the database, so no row is ever loaded here. A job whose work
/// outgrows `rowsPerTransaction` commits by checkpoints while it erases its early tables (those
/// whose partial erasure hides nothing else), when it has the transaction to itself; in a shared
/// batch it asks to run alone.
struct Eraser {
    /// One job's share of one table.
    struct Count {
        var rows = 0
        var fields = 0
    }

    let plan: ErasurePlan
    let statements: ErasureStatements
    let context: JobContext
    let configuration: ErasureJobHandler.Configuration
    let mode: ErasureMode
    /// The batch's working set: refilled after a checkpoint, whose commit emptied it, and where
    /// the write steps lock and judge rows.
    let workingSet: WorkingSet
    /// Refills the working set after a checkpoint.
    let reload: () throws -> Void

    /// By jid text, then plan index.
    private(set) var counts: [String: [Int: Count]] = [:]
    private var rowsInTransaction = 0

    var connection: any DatabaseConnection { context.connection }
    var chunk: Int { configuration.rowsPerStatement }

    init(
        plan: ErasurePlan, statements: ErasureStatements, context: JobContext,
        configuration: ErasureJobHandler.Configuration, mode: ErasureMode,
        workingSet: WorkingSet, reload: @escaping () throws -> Void
    ) {
        self.plan = plan
        self.statements = statements
        self.context = context
        self.configuration = configuration
        self.mode = mode
        self.workingSet = workingSet
        self.reload = reload
    }

    /// Follows the plan's write steps: early tables first, then the others in mutation order, each
    /// contended table locked (and a parent target judged) just before the first write needing it.
    mutating func run() throws {
        for step in plan.writeSteps {
            switch step {
            case .lock(let index): try workingSet.lock(plan.tables[index])
            case .judge(let index): try workingSet.judge(plan.tables[index])
            case .write(let index): try erase(plan.tables[index], early: plan.tables[index].isEarly)
            }
        }
    }

    /// The method a table's rows were erased with, for the status and the audit.
    func method(of table: ErasurePlan.Table) -> String {
        table.rewrites(for: mode) == nil ? "delete" : "anonymise"
    }

    private mutating func erase(_ table: ErasurePlan.Table, early: Bool) throws {
        let rewrites = table.rewrites(for: mode)
        if let rewrites, rewrites.isEmpty { return }
        if statements.dialect.aggregatesReturningRows {
            try keepWithinBudget(early: early)
            let statement =
                rewrites.map { statements.anonymiseChunk(table, $0, limit: chunk) } ?? deleteStatement(table)
            var selected = 0
            for row in try connection.query(statement.sql, statement.binds) {
                selected = row.optionalInt("selected") ?? selected
                if !row.isNull("jid") { rowsInTransaction += try record(row, table) }
            }
            guard selected >= chunk else { return }
        }
        try eraseInChunks(table, rewrites, early: early)
    }

    /// The cheapest delete of a table's rows that stays within a chunk: straight from the reached
    /// rows when they are few enough, by key lookups when every path to the rows is indexed, or
    /// else by selecting a chunk first.
    private func deleteStatement(_ table: ErasurePlan.Table) -> BoundStatement {
        if table.isMaterialized {
            guard let rows = workingSet.materializedRows[table.index], rows <= chunk else {
                return statements.deleteChunk(table, limit: chunk)
            }
            return statements.deleteReached(table)
        }
        return statements.deleteByLookup(table, limit: chunk) ?? statements.deleteChunk(table, limit: chunk)
    }

    /// Lists the rows left to write, then writes them a chunk at a time.
    private mutating func eraseInChunks(
        _ table: ErasurePlan.Table, _ rewrites: [ErasurePlan.Table.Rewrite]?, early: Bool
    ) throws {
        let dialect = statements.dialect
        try connection.execute(dialect.emptyWorkTable(table.chunkWorkTable), [])
        let fill = statements.fillChunkList(table, rewrites)
        var listed = 0
        if dialect.aggregatesReturningRows {
            for row in try connection.query(fill.sql, fill.binds) { listed += try record(row, table) }
        } else {
            try connection.execute(fill.sql, fill.binds)
            for row in try connection.query(statements.countChunkList(table), []) { listed += try record(row, table) }
        }
        var lower = 0
        while lower < listed {
            try keepWithinBudget(early: early)
            let upper = min(listed, lower + chunk)
            let statement =
                rewrites.map { statements.anonymiseRange(table, $0, after: lower, through: upper) }
                ?? statements.deleteRange(table, after: lower, through: upper)
            try connection.execute(statement.sql, statement.binds)
            rowsInTransaction += upper - lower
            lower = upper
        }
        try connection.execute(dialect.emptyWorkTable(table.chunkWorkTable), [])
    }

    /// Adds a per-job count row to the totals and returns its rows.
    private mutating func record(_ row: SQLRow, _ table: ErasurePlan.Table) throws -> Int {
        let rows = try row.int("rows")
        var count = counts[try row.string("jid"), default: [:]][table.index, default: Count()]
        count.rows += rows
        count.fields += row.optionalInt("fields") ?? 0
        counts[try row.string("jid"), default: [:]][table.index] = count
        return rows
    }

    /// Past the transaction's row budget: a job alone commits what it did (early tables only);
    /// in a shared batch, the job with the most rows so far must be run alone.
    private mutating func keepWithinBudget(early: Bool) throws {
        guard rowsInTransaction >= configuration.rowsPerTransaction else { return }
        guard context.isAlone else {
            let heaviest = counts.max {
                $0.value.values.reduce(0) { $0 + $1.rows } < $1.value.values.reduce(0) { $0 + $1.rows }
            }
            guard let jid = heaviest.flatMap({ try? JobID(parsing: $0.key) }) else {
                throw JobFailure.needsOwnTransaction
            }
            throw NeedsOwnTransaction(jids: [jid])
        }
        guard early else { return }
        try context.checkpoint(erased: counts.keys.first.map { result(for: $0, keys: 1).tables } ?? [])
        rowsInTransaction = 0
        try reload()
    }

    /// One job's result: its tables with the rows they lost or had rewritten.
    func result(for jid: String, keys: Int) -> JobResult {
        let tables = plan.tables.compactMap { table -> JobResult.TableCount? in
            guard let count = counts[jid]?[table.index], count.rows > 0 else { return nil }
            return JobResult.TableCount(
                table: table.name, method: method(of: table), rows: count.rows, fields: count.fields)
        }
        return JobResult(keys: keys, tables: tables)
    }
}
