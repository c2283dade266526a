import GDPRWorkerQueue

extension ErasureStatements {
    typealias Rewrite = ErasurePlan.Table.Rewrite

    // MARK: Strategies

    /// A condition: `t.column` already holds what the strategy writes, or is NULL, so there is
    /// nothing left to anonymise in it.
    func isDone(_ rewrite: Rewrite, statement: inout BoundStatement) -> String {
        let column = "t.\(q(rewrite.column.name))"
        switch rewrite.strategy {
        case .keep: return "1 = 1"
        case .null: return "\(column) IS NULL"
        case .redact(let text): return "(\(column) IS NULL OR \(column) = \(dialect.text(statement.bind(.text(text)))))"
        case .rekey, .token, .placeholder:
            let shape = rewrite.strategy.descriptor!.shape
            let matches = dialect.matches(dialect.text(column), shape) { statement.bind(.text($0)) }
            return "(\(column) IS NULL OR \(matches))"
        }
    }

    /// The value a strategy writes into `t.column`, drawn fresh for every row.
    func newValue(_ rewrite: Rewrite, statement: inout BoundStatement) -> String {
        let category = rewrite.column.category
        switch rewrite.strategy {
        case .keep: return "t.\(q(rewrite.column.name))"
        case .null: return "NULL"
        case .redact(let text): return dialect.text(statement.bind(.text(text)))
        case .token: return rewrite.strategy.descriptor!.generate!(dialect)
        case .rekey:
            let keys = dialect.workTable(plan.keysWorkTable)
            let known =
                "SELECT k.surrogate FROM \(keys) AS k WHERE \(keyMatch("t.\(q(rewrite.column.name))", category, keys: "k")) AND k.surrogate IS NOT NULL LIMIT 1"
            return dialect.cast("COALESCE((\(known)), \(dialect.randomMarkedUUID))", to: category)
        case .placeholder(let kind):
            return dialect.cast(kind.descriptor.generate!(dialect), to: category)
        }
    }

    /// How many of a row's fields the rewrites would change.
    func changedFields(_ rewrites: [Rewrite], statement: inout BoundStatement) -> String {
        guard !rewrites.isEmpty else { return "0" }
        return "("
            + rewrites.map { "CASE WHEN \(isDone($0, statement: &statement)) THEN 0 ELSE 1 END" }.joined(
                separator: " + ") + ")"
    }

    /// `column = CASE WHEN <done> THEN t.column ELSE <new> END, …`: a field already anonymised keeps its value.
    func assignments(_ rewrites: [Rewrite], statement: inout BoundStatement) -> String {
        rewrites.map { rewrite in
            let column = q(rewrite.column.name)
            return
                "\(column) = CASE WHEN \(isDone(rewrite, statement: &statement)) THEN t.\(column) ELSE \(newValue(rewrite, statement: &statement)) END"
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

    /// Deletes the reached rows of a materialized table, probing its key once per row. For a
    /// table whose reached rows are known to fit in a chunk.
    func deleteReached(_ table: ErasurePlan.Table) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let reach = dialect.workTable(table.reachWorkTable)
        let keys = Self.keyNames(table)
        let target = table.primaryKey.map { "t.\(q($0.name))" }
        let located =
            table.primaryKey.count == 1
            ? "\(target[0]) = ANY(ARRAY(SELECT r.pk0 FROM \(reach) AS r))"
            : "(\(target.joined(separator: ", "))) IN (SELECT \(keys.map { "r.\($0)" }.joined(separator: ", ")) FROM \(reach) AS r)"
        let returned = zip(keys, target).map { "\($1) AS \($0)" }.joined(separator: ", ")
        let owner =
            "SELECT min(r.jid) FROM \(reach) AS r WHERE " + keys.map { "r.\($0) = d.\($0)" }.joined(separator: " AND ")
        statement.sql = """
            WITH d AS (DELETE FROM \(q(table.name)) AS t WHERE \(located) RETURNING \(returned))
            SELECT (\(owner)) AS jid, count(*) AS rows, 0 AS fields FROM d GROUP BY 1
            """
        return statement
    }

    /// Deletes a non-materialized table's rows by looking them up, path by path, with the index
    /// each path's column has: one scan of the index for the whole batch, the rows visited in
    /// their physical order, and no second probe by primary key. For an early table (events and
    /// the like, which can run to millions a person), a first count stops the delete when more
    /// than `limit` rows would go, so that the caller can chunk them and commit by checkpoints
    /// (`selected`). Nil when a path has no index: then a join reads the table once instead.
    func deleteByLookup(_ table: ErasurePlan.Table, limit: Int) -> BoundStatement? {
        // A tenant-scoped table is found by the join, whose match carries the tenant.
        guard table.tenant == nil || table.matches.isEmpty else { return nil }
        let paths = lookupPaths(of: table)
        guard !paths.isEmpty, paths.allSatisfy(\.indexed) else { return nil }
        var statement = BoundStatement(dialect)
        let bound = table.isEarly ? statement.bindSeparately(.int(limit)) : ""
        var withs: [String] = []
        var results: [String] = []
        var counts: [String] = []
        for (position, path) in paths.enumerated() {
            let column = "t.\(q(path.column.name))"
            let values = "ARRAY(SELECT v\(position).v FROM v\(position))"
            withs.append(
                "v\(position) AS (SELECT DISTINCT ON (x.v) x.v AS v, x.jid AS jid FROM (\(path.values)) AS x ORDER BY x.v, x.jid)"
            )
            guard table.isEarly else { continue }
            withs.append(
                "n\(position) AS (SELECT count(*) AS n FROM (SELECT 1 FROM \(q(table.name)) AS t WHERE \(column) = ANY(\(values)) LIMIT \(bound) + 1) AS c)"
            )
            counts.append("(SELECT n FROM n\(position))")
        }
        let fits = counts.isEmpty ? "true" : "\(counts.joined(separator: " + ")) <= \(bound)"
        for (position, path) in paths.enumerated() {
            let column = "t.\(q(path.column.name))"
            withs.append(
                "d\(position) AS (DELETE FROM \(q(table.name)) AS t WHERE \(column) = ANY(ARRAY(SELECT v\(position).v FROM v\(position))) AND \(fits) RETURNING \(column) AS v)"
            )
            results.append(
                "SELECT v\(position).jid AS jid FROM d\(position) JOIN v\(position) ON v\(position).v = d\(position).v")
        }
        statement.sql = """
            WITH \(withs.joined(separator: ",\n     "))
            SELECT jid, count(*) AS rows, 0 AS fields, NULL AS selected FROM (\(results.joined(separator: " UNION ALL "))) AS r GROUP BY jid
            UNION ALL SELECT NULL, 0, 0, \(counts.isEmpty ? "0" : counts.joined(separator: " + "))
            """
        return statement
    }

    /// The paths by which a non-materialized table's rows are found: per match column the job's
    /// keys, per child edge the reached rows' referenced column, each with the job it belongs to.
    func lookupPaths(of table: ErasurePlan.Table) -> [(column: DatabaseCatalog.Column, indexed: Bool, values: String)] {
        var paths: [(DatabaseCatalog.Column, Bool, String)] = []
        let keys = dialect.workTable(plan.keysWorkTable)
        for (column, indexed) in table.matches {
            let key = keyColumn(for: column.category)
            var values = "SELECT k.\(key) AS v, k.jid AS jid FROM \(keys) AS k WHERE k.\(key) IS NOT NULL"
            if column.category == .uuid, !dialect.hasNativeUUID {
                // Text UUIDs, in lower or upper case (see keyMatch).
                values =
                    "SELECT k.key_uuid AS v, k.jid AS jid FROM \(keys) AS k WHERE k.key_uuid IS NOT NULL"
                    + " UNION ALL SELECT upper(k.key_uuid), k.jid FROM \(keys) AS k WHERE k.key_uuid IS NOT NULL"
            }
            paths.append((column, indexed, values))
        }
        for edge in table.childEdges {
            let source = plan.tables[edge.source]
            let reach = "\(dialect.workTable(source.reachWorkTable)) AS r"
            if source.primaryKey.count == 1, source.primaryKey[0].name == edge.sourceColumn.name {
                paths.append((edge.column, edge.isIndexed, "SELECT r.pk0 AS v, r.jid AS jid FROM \(reach)"))
            } else {
                let row = dialect.join(
                    q(source.name), as: "s", on: joinOnKey(source, workAlias: "r", tableAlias: "s"), indexed: true)
                paths.append(
                    (
                        edge.column, edge.isIndexed,
                        "SELECT s.\(q(edge.sourceColumn.name)) AS v, r.jid AS jid FROM \(reach) \(row)"
                    ))
            }
        }
        return paths
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
        statement.sql =
            dialect.aggregatesReturningRows
            ? "WITH w AS (\(insert) RETURNING jid, fields) SELECT jid, count(*) AS rows, sum(fields) AS fields FROM w GROUP BY jid"
            : insert
        return statement
    }

    /// The per-job counts of a filled chunk list.
    func countChunkList(_ table: ErasurePlan.Table) -> String {
        "SELECT jid, count(*) AS rows, sum(fields) AS fields FROM \(dialect.workTable(table.chunkWorkTable)) GROUP BY jid"
    }

    /// The rows of chunk list entries `lo < seq <= hi`.
    func chunkRange(
        _ table: ErasurePlan.Table, statement: inout BoundStatement, after lower: Int, through upper: Int
    ) -> String {
        let keys = Self.keyNames(table).map { "w.\($0)" }.joined(separator: ", ")
        let target = table.primaryKey.map { "t.\(q($0.name))" }.joined(separator: ", ")
        let low = statement.bindSeparately(.int(lower))
        let high = statement.bindSeparately(.int(upper))
        return
            "(\(target)) IN (SELECT \(keys) FROM \(dialect.workTable(table.chunkWorkTable)) AS w WHERE w.seq > \(low) AND w.seq <= \(high))"
    }

    func anonymiseRange(
        _ table: ErasurePlan.Table, _ rewrites: [Rewrite], after lower: Int, through upper: Int
    ) -> BoundStatement {
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
