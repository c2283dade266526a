import GDPRWorkerQueue

/// The SQL of erasure for one plan on one engine: how a table's rows are found for the jobs of a
/// batch, and the statements that materialize, anonymise, delete and export them.
///
/// Every row a statement selects carries the jid of a job it belongs to, so one statement serves a
/// whole batch and still counts each job's rows. Work tables are the connection's temporary tables:
/// the batch's keys (`jid`, `key`, typed forms, `surrogate`), per materialized table the reached
/// rows' primary keys (`jid`, `pk0`…), and per table a chunk list (`seq`, `jid`, `pk0`…, `fields`).
struct ErasureStatements {
    let plan: ErasurePlan
    let dialect: any ErasureDialect

    func q(_ identifier: String) -> String { dialect.quote(identifier) }

    /// Work-table names of the primary-key columns: `pk0`, `pk1`, …
    static func keyNames(_ table: ErasurePlan.Table) -> [String] {
        table.primaryKey.indices.map { "pk\($0)" }
    }

    /// `alias.pk0 = t."id" AND …`
    func joinOnKey(_ table: ErasurePlan.Table, workAlias: String, tableAlias: String) -> String {
        zip(Self.keyNames(table), table.primaryKey).map { "\(workAlias).\($0) = \(tableAlias).\(q($1.name))" }.joined(
            separator: " AND ")
    }

    /// Whether `column` holds one of the keys of the keys row `alias`. Without a native UUID type
    /// a UUID column holds text, written in lower or upper case: it is compared with both forms
    /// of the key's canonical UUID, as equalities an index still serves.
    func keyMatch(_ column: String, _ category: DatabaseCatalog.TypeCategory, keys alias: String) -> String {
        if category == .uuid, !dialect.hasNativeUUID {
            return "\(column) IN (\(alias).key_uuid, upper(\(alias).key_uuid))"
        }
        return "\(column) = \(alias).\(keyColumn(for: category))"
    }

    /// ` AND` the row's tenant is the job's, for a table or link scoped by `tenant`; empty otherwise.
    /// Compared as text, so a tenant column of integers holds tenants named by numbers.
    func tenantMatch(_ tenant: DatabaseCatalog.Column?, keys alias: String, row: String = "t") -> String {
        guard let tenant else { return "" }
        return " AND \(dialect.text("\(row).\(q(tenant.name))")) = \(alias).tenant"
    }

    /// The keys column compared with a column of this category.
    func keyColumn(for category: DatabaseCatalog.TypeCategory) -> String {
        switch category {
        case .uuid where dialect.hasNativeUUID: "key_uuid"
        case .integer: "key_int"
        default: "key"
        }
    }

    // MARK: Work tables

    /// DDL creating the connection's work tables for this plan.
    func createWorkTables() -> [String] {
        var statements = [
            dialect.createWorkTable(
                plan.keysWorkTable,
                columns: [
                    "jid \(dialect.workColumnType(.text)) NOT NULL", "key \(dialect.workColumnType(.text)) NOT NULL",
                    "key_uuid \(dialect.workColumnType(.uuid))", "key_int \(dialect.workColumnType(.integer))",
                    "surrogate \(dialect.workColumnType(.text))", "tenant \(dialect.workColumnType(.text)) NOT NULL",
                ], clearedOnCommit: true),
            dialect.createWorkIndex(plan.keysWorkTable + "_key", on: plan.keysWorkTable, columns: ["key"]),
            dialect.createWorkIndex(plan.keysWorkTable + "_uuid", on: plan.keysWorkTable, columns: ["key_uuid"]),
            dialect.createWorkIndex(plan.keysWorkTable + "_int", on: plan.keysWorkTable, columns: ["key_int"]),
        ]
        for table in plan.tables {
            let keyColumns = zip(Self.keyNames(table), table.primaryKey).map {
                "\($0) \(dialect.workColumnType(copying: $1)) NOT NULL"
            }
            if table.isMaterialized {
                // `parent` marks rows reached only as a parent, candidates until judged not shared.
                let parent = table.isParentTarget ? ["parent \(dialect.workColumnType(.integer)) NOT NULL"] : []
                statements.append(
                    dialect.createWorkTable(
                        table.reachWorkTable,
                        columns: ["jid \(dialect.workColumnType(.text)) NOT NULL"] + keyColumns + parent,
                        clearedOnCommit: true))
                statements.append(
                    dialect.createWorkIndex(
                        table.reachWorkTable + "_pk", on: table.reachWorkTable, columns: Self.keyNames(table)))
            }
            statements.append(
                dialect.createWorkTable(
                    table.chunkWorkTable,
                    columns: [
                        "seq \(dialect.workColumnType(.integer)) NOT NULL",
                        "jid \(dialect.workColumnType(.text)) NOT NULL",
                    ] + keyColumns
                        + ["fields \(dialect.workColumnType(.integer)) NOT NULL"],
                    clearedOnCommit: false))
            statements.append(
                dialect.createWorkIndex(table.chunkWorkTable + "_seq", on: table.chunkWorkTable, columns: ["seq"]))
        }
        return statements
    }

    /// Fills the keys work table: one row per job and key, with the key's typed forms ('' when it
    /// is not a valid value of that type), its surrogate ('' when none is needed) and the job's tenant.
    func insertKeys(_ rows: [[String]]) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let relation = statement.rows(rows, columns: ["jid", "key", "key_uuid", "key_int", "surrogate", "tenant"])
        statement.sql = """
            INSERT INTO \(dialect.workTable(plan.keysWorkTable)) (jid, key, key_uuid, key_int, surrogate, tenant)
            SELECT z.jid, z.key, \(dialect.cast("NULLIF(z.key_uuid, '')", to: .uuid)), \(dialect.cast("NULLIF(z.key_int, '')", to: .integer)),
                   NULLIF(z.surrogate, ''), z.tenant
              FROM \(relation)
            """
        return statement
    }

    /// One random surrogate per key, drawn by the database.
    func drawSurrogates(_ keys: [String]) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let relation = statement.rows(keys.map { [$0] }, columns: ["key"])
        statement.sql = "SELECT z.key AS key, \(dialect.randomMarkedUUID) AS surrogate FROM \(relation)"
        return statement
    }

    // MARK: Finding rows

    /// The SELECTs that find a table's rows for the batch, each yielding `jid`, `pk0`… and, with
    /// `fields`, how many of the row's fields the rewrite would change.
    ///
    /// A materialized table reads its reached rows; any other table is found directly, through its
    /// match columns and the child edges from materialized tables.
    func branches(
        of table: ErasurePlan.Table, fields: (expression: String, onlyChanged: Bool)?, statement: inout BoundStatement
    ) -> [String] {
        let output = Self.keyNames(table).enumerated().map { index, name in
            "t.\(q(table.primaryKey[index].name)) AS \(name)"
        }
        let fieldsColumn = fields.map { ", \($0.expression) AS fields" } ?? ", 0 AS fields"
        let filter = fields.flatMap { $0.onlyChanged ? " WHERE \($0.expression) > 0" : nil } ?? ""
        func select(_ jid: String, _ from: String) -> String {
            "SELECT \(jid) AS jid, \(output.joined(separator: ", "))\(fieldsColumn) FROM \(from)\(filter)"
        }
        if table.isMaterialized {
            let on = joinOnKey(table, workAlias: "r", tableAlias: "t")
            return [
                select(
                    "r.jid",
                    "\(dialect.workTable(table.reachWorkTable)) AS r \(dialect.join(q(table.name), as: "t", on: on, indexed: true))"
                )
            ]
        }
        return discoveryBranches(of: table).map { select($0.jid, $0.from) }
    }

    /// The FROM clauses that discover a table's rows from the keys and from materialized tables,
    /// with the expression of the jid each row belongs to. Parent edges are not included.
    func discoveryBranches(
        of table: ErasurePlan.Table, includingParents: Bool = false
    ) -> [(jid: String, from: String, parent: Bool)] {
        var branches: [(String, String, Bool)] = []
        for (column, indexed) in table.matches {
            let on = keyMatch("t.\(q(column.name))", column.category, keys: "k") + tenantMatch(table.tenant, keys: "k")
            branches.append(
                (
                    "k.jid",
                    "\(dialect.workTable(plan.keysWorkTable)) AS k \(dialect.join(q(table.name), as: "t", on: on, indexed: indexed))",
                    false
                ))
        }
        let edges =
            table.childEdges.map { ($0, false) } + (includingParents ? table.parentEdges.map { ($0, true) } : [])
        for (edge, parent) in edges {
            let source = plan.tables[edge.source]
            let reach = "\(dialect.workTable(source.reachWorkTable)) AS r"
            if source.primaryKey.count == 1, source.primaryKey[0].name == edge.sourceColumn.name {
                let rows = dialect.join(
                    q(table.name), as: "t", on: "t.\(q(edge.column.name)) = r.pk0", indexed: edge.isIndexed)
                branches.append(("r.jid", "\(reach) \(rows)", parent))
            } else {
                let sourceRow = dialect.join(
                    q(source.name), as: "s", on: joinOnKey(source, workAlias: "r", tableAlias: "s"), indexed: true)
                let targetRows = dialect.join(
                    q(table.name), as: "t", on: "t.\(q(edge.column.name)) = s.\(q(edge.sourceColumn.name))",
                    indexed: edge.isIndexed)
                branches.append(("r.jid", "\(reach) \(sourceRow) \(targetRows)", parent))
            }
        }
        return branches
    }

    /// Fills a materialized table's reached rows: matched, reached as children, and reached as
    /// parents. Rows reached only as parents are marked: `judge` later drops those anyone outside
    /// the batch still references. An export keeps them all: a household's address is the
    /// person's data too.
    func materialize(_ table: ErasurePlan.Table) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let keys = Self.keyNames(table)
        let output = keys.enumerated().map { index, name in "t.\(q(table.primaryKey[index].name)) AS \(name)" }.joined(
            separator: ", ")
        let selects = discoveryBranches(of: table, includingParents: true).map { branch in
            "SELECT \(branch.jid) AS jid, \(output)"
                + (table.isParentTarget ? ", \(branch.parent ? 1 : 0) AS parent" : "") + " FROM \(branch.from)"
        }
        let columns = ["jid"] + keys + (table.isParentTarget ? ["parent"] : [])
        statement.sql =
            "INSERT INTO \(dialect.workTable(table.reachWorkTable)) (\(columns.joined(separator: ", "))) "
            + selects.joined(separator: " UNION ")
        return statement
    }

    /// Locks the table's reached rows in primary-key order, for writing: the step of the global
    /// lock order that belongs to this table (`ErasurePlanner.steps`). Nil where the engine has
    /// no row locks: SQLite has one writer at a time.
    func lockRows(_ table: ErasurePlan.Table) -> BoundStatement? {
        guard table.isMaterialized, let clause = dialect.rowLockClause(alias: "p") else { return nil }
        var statement = BoundStatement(dialect)
        let key = table.primaryKey.map { "p.\(q($0.name))" }.joined(separator: ", ")
        let reached =
            "SELECT \(Self.keyNames(table).map { "r.\($0)" }.joined(separator: ", ")) FROM \(dialect.workTable(table.reachWorkTable)) AS r"
        // One column: an index scan for the list; several: a semi-join.
        let located = table.primaryKey.count == 1 ? "\(key) = ANY(ARRAY(\(reached)))" : "(\(key)) IN (\(reached))"
        statement.sql = "SELECT 1 AS locked FROM \(q(table.name)) AS p WHERE \(located) ORDER BY \(key) \(clause)"
        return statement
    }

    /// Drops the candidate parents that a row outside the batch's reached rows still references:
    /// shared data, left alone. Run with the candidates locked, so that two batches erasing the
    /// two people of a household judge one after the other and the second takes the address.
    func judge(_ table: ErasurePlan.Table) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let reach = dialect.workTable(table.reachWorkTable)
        let owned = Self.keyNames(table).map { "o.\($0) = r.\($0)" }.joined(separator: " AND ")
        statement.sql = """
            DELETE FROM \(reach) AS r
             WHERE r.parent = 1
               AND NOT EXISTS (SELECT 1 FROM \(reach) AS o WHERE o.parent = 0 AND \(owned))
               AND EXISTS (SELECT 1 FROM \(q(table.name)) AS t WHERE \(joinOnKey(table, workAlias: "r", tableAlias: "t")) AND \(shared(table)))
            """
        return statement
    }

    /// Takes the transaction's advisory lock of every key of the batch, in one sorted pass, before
    /// any row: two erasures of overlapping keys run one after the other. Nil where the engine has
    /// no row locks.
    func lockKeys() -> BoundStatement? {
        guard let sql = dialect.lockKeysStatement(keysTable: dialect.workTable(plan.keysWorkTable)) else { return nil }
        var statement = BoundStatement(dialect)
        statement.sql = sql
        return statement
    }

    /// A row outside the batch's reached rows references parent row `t`. An indexed reference
    /// is probed for each candidate; an unindexed one is read once per statement, as a set the
    /// database joins or hashes, since probing it would scan the referencing table once per
    /// candidate. Unindexed references to the same column of `t` share one set.
    func shared(_ table: ErasurePlan.Table) -> String {
        var conditions: [String] = []
        var targets: [String] = []
        var unindexed: [String: [String]] = [:]
        for reference in table.references {
            let column = "x.\(q(reference.column))"
            var outside = ""
            if let index = reference.materialized {
                let other = plan.tables[index]
                outside =
                    " AND NOT EXISTS (SELECT 1 FROM \(dialect.workTable(other.reachWorkTable)) AS y WHERE \(joinOnKey(other, workAlias: "y", tableAlias: "x")))"
            }
            if reference.isIndexed {
                conditions.append(
                    "EXISTS (SELECT 1 FROM \(q(reference.table)) AS x WHERE \(column) = t.\(q(reference.targetColumn))\(outside))"
                )
            } else {
                if unindexed[reference.targetColumn] == nil { targets.append(reference.targetColumn) }
                unindexed[reference.targetColumn, default: []].append(
                    "SELECT \(column) FROM \(q(reference.table)) AS x WHERE \(column) IS NOT NULL\(outside)")
            }
        }
        for target in targets {
            conditions.append("t.\(q(target)) IN (\(unindexed[target]!.joined(separator: " UNION ALL ")))")
        }
        switch conditions.count {
        case 0: return "1 = 0"
        case 1: return conditions[0]
        default: return "(" + conditions.joined(separator: " OR ") + ")"
        }
    }

    // MARK: Exporting

    /// Every row of a table for each job of the batch, as JSON text, ordered by job.
    func export(_ table: ErasurePlan.Table) -> BoundStatement {
        var statement = BoundStatement(dialect)
        let keys = Self.keyNames(table)
        let union = branches(of: table, fields: nil, statement: &statement).joined(separator: " UNION ALL ")
        statement.sql = """
            SELECT e.jid AS jid, \(dialect.rowJSON(alias: "t", columns: table.columns)) AS data
              FROM (SELECT DISTINCT jid, \(keys.joined(separator: ", ")) FROM (\(union)) AS c) AS e
              \(dialect.join(q(table.name), as: "t", on: joinOnKey(table, workAlias: "e", tableAlias: "t"), indexed: true))
             ORDER BY e.jid, \(keys.map { "e.\($0)" }.joined(separator: ", "))
            """
        return statement
    }
}
