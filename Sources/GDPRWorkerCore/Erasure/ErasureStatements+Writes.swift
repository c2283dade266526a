extension ErasureStatements {
    typealias Rewrite = ErasurePlan.Table.Rewrite

    // MARK: Strategies

    /// The shape a strategy's writes have, when it writes random values.
    static func shape(of strategy: ColumnStrategy) -> ValueShape? {
        switch strategy {
        case .token: .token
        case .rekey: .markedUUID
        case .placeholder(let kind):
            switch kind {
            case .email: .email
            case .phone: .phone
            case .name: .name
            case .ip: .ip
            case .uuid: .markedUUID
            case .text: .text
            case .date: .date
            }
        case .keep, .null, .redact: nil
        }
    }

    /// A condition: `t.column` already holds what the strategy writes, or is NULL, so there is
    /// nothing left to anonymise in it.
    func isDone(_ rewrite: Rewrite, statement: inout BoundStatement) -> String {
        let column = "t.\(q(rewrite.column.name))"
        switch rewrite.strategy {
        case .keep: return "1 = 1"
        case .null: return "\(column) IS NULL"
        case .redact(let text): return "(\(column) IS NULL OR \(column) = CAST(\(statement.bind(.text(text))) AS text))"
        default:
            let shape = Self.shape(of: rewrite.strategy)!
            let matches = dialect.matches("CAST(\(column) AS text)", shape) { statement.bind(.text($0)) }
            return "(\(column) IS NULL OR \(matches))"
        }
    }

    /// The value a strategy writes into `t.column`, drawn fresh for every row.
    func newValue(_ rewrite: Rewrite, statement: inout BoundStatement) -> String {
        let category = rewrite.column.category
        switch rewrite.strategy {
        case .keep: return "t.\(q(rewrite.column.name))"
        case .null: return "NULL"
        case .redact(let text): return "CAST(\(statement.bind(.text(text))) AS text)"
        case .token: return "'tok_' || \(dialect.randomHex(32))"
        case .rekey:
            let keys = dialect.workTable(plan.keysWorkTable)
            let known = "SELECT k.surrogate FROM \(keys) AS k WHERE k.\(keyColumn(for: category)) = t.\(q(rewrite.column.name)) AND k.surrogate IS NOT NULL LIMIT 1"
            return dialect.cast("COALESCE((\(known)), \(dialect.randomMarkedUUID))", to: category)
        case .placeholder(let kind):
            let text: String
            switch kind {
            case .email: text = "'anon-' || \(dialect.randomHex(16)) || '@anonymised.invalid'"
            case .phone: text = "'+99900' || (10000000 + \(dialect.randomInteger(below: 90_000_000)))"
            case .name: text = "'Anon ' || upper(\(dialect.randomHex(8)))"
            case .ip: text = "'192.0.2.' || (1 + \(dialect.randomInteger(below: 254)))"
            case .uuid: text = dialect.randomMarkedUUID
            case .text: text = "'anon-' || \(dialect.randomHex(16))"
            case .date: text = "'1900-01-01'"
            }
            return dialect.cast(text, to: category)
        }
    }

    /// How many of a row's fields the rewrites would change.
    func changedFields(_ rewrites: [Rewrite], statement: inout BoundStatement) -> String {
        guard !rewrites.isEmpty else { return "0" }
        return "(" + rewrites.map { "CASE WHEN \(isDone($0, statement: &statement)) THEN 0 ELSE 1 END" }.joined(separator: " + ") + ")"
    }

    /// `column = CASE WHEN <done> THEN t.column ELSE <new> END, …`: a field already anonymised keeps its value.
    func assignments(_ rewrites: [Rewrite], statement: inout BoundStatement) -> String {
        rewrites.map { rewrite in
            let column = q(rewrite.column.name)
            return "\(column) = CASE WHEN \(isDone(rewrite, statement: &statement)) THEN t.\(column) ELSE \(newValue(rewrite, statement: &statement)) END"
        }.joined(separator: ", ")
    }

    // MARK: One statement per chunk (PostgreSQL)

    /// Anonymises up to `limit` rows needing it and returns, per job, rows and fields changed, plus
    /// how many rows were selected (a full chunk means there may be more).
    func anonymiseChunk(_ table: ErasurePlan.Table, _ rewrites: [Rewrite], limit: Int) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let fields = changedFields(rewrites, statement: &statement)
        let union = branches(of: table, fields: (fields, true), statement: &statement).joined(separator: " UNION ALL ")
        let sets = assignments(rewrites, statement: &statement)
        let limitPlaceholder = statement.bindSeparately(.int(limit))
        statement.sql = """
            WITH s AS (SELECT * FROM (\(union)) AS c LIMIT \(limitPlaceholder)),
                 u AS (UPDATE \(q(table.name)) AS t SET \(sets) FROM s WHERE \(joinOnKey(table, workAlias: "s", tableAlias: "t"))
                       RETURNING s.jid AS jid, s.fields AS fields)
            SELECT jid, count(*) AS rows, sum(fields) AS fields, (SELECT count(*) FROM s) AS selected FROM u GROUP BY jid
            """
        return statement
    }

    /// Deletes up to `limit` rows, with the same per-job answer as `anonymiseChunk`.
    func deleteChunk(_ table: ErasurePlan.Table, limit: Int) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let union = branches(of: table, fields: nil, statement: &statement).joined(separator: " UNION ALL ")
        let limitPlaceholder = statement.bindSeparately(.int(limit))
        statement.sql = """
            WITH s AS (SELECT * FROM (\(union)) AS c LIMIT \(limitPlaceholder)),
                 d AS (DELETE FROM \(q(table.name)) AS t USING s WHERE \(joinOnKey(table, workAlias: "s", tableAlias: "t")) RETURNING s.jid AS jid)
            SELECT jid, count(*) AS rows, 0 AS fields, (SELECT count(*) FROM s) AS selected FROM d GROUP BY jid
            """
        return statement
    }

    // MARK: Chunk lists (both engines)

    /// Lists every row to write, once, attributed to one job, numbered for chunking. Where the
    /// engine can, the statement also returns the per-job counts.
    func fillChunkList(_ table: ErasurePlan.Table, _ rewrites: [Rewrite]?) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let keys = Self.keyNames(table).joined(separator: ", ")
        let fields = rewrites.map { (changedFields($0, statement: &statement), true) }
        let union = branches(of: table, fields: fields, statement: &statement).joined(separator: " UNION ALL ")
        let insert = """
            INSERT INTO \(dialect.workTable(table.chunkWorkTable)) (seq, jid, \(keys), fields)
            SELECT row_number() OVER (ORDER BY \(keys)), min(jid), \(keys), max(fields) FROM (\(union)) AS c GROUP BY \(keys)
            """
        statement.sql = dialect.aggregatesReturningRows
            ? "WITH w AS (\(insert) RETURNING jid, fields) SELECT jid, count(*) AS rows, sum(fields) AS fields FROM w GROUP BY jid"
            : insert
        return statement
    }

    /// The per-job counts of a filled chunk list.
    func countChunkList(_ table: ErasurePlan.Table) -> String {
        "SELECT jid, count(*) AS rows, sum(fields) AS fields FROM \(dialect.workTable(table.chunkWorkTable)) GROUP BY jid"
    }

    /// The rows of chunk list entries `lo < seq <= hi`.
    func chunkRange(_ table: ErasurePlan.Table, statement: inout BoundStatement, after lower: Int, through upper: Int) -> String {
        let keys = Self.keyNames(table).map { "w.\($0)" }.joined(separator: ", ")
        let target = table.primaryKey.map { "t.\(q($0.name))" }.joined(separator: ", ")
        let low = statement.bindSeparately(.int(lower))
        let high = statement.bindSeparately(.int(upper))
        return "(\(target)) IN (SELECT \(keys) FROM \(dialect.workTable(table.chunkWorkTable)) AS w WHERE w.seq > \(low) AND w.seq <= \(high))"
    }

    func anonymiseRange(_ table: ErasurePlan.Table, _ rewrites: [Rewrite], after lower: Int, through upper: Int) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let sets = assignments(rewrites, statement: &statement)
        let range = chunkRange(table, statement: &statement, after: lower, through: upper)
        statement.sql = "UPDATE \(q(table.name)) AS t SET \(sets) WHERE \(range)"
        return statement
    }

    func deleteRange(_ table: ErasurePlan.Table, after lower: Int, through upper: Int) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let range = chunkRange(table, statement: &statement, after: lower, through: upper)
        statement.sql = "DELETE FROM \(q(table.name)) AS t WHERE \(range)"
        return statement
    }
}
