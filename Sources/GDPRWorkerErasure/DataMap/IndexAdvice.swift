import GDPRWorkerQueue

/// The columns erasure looks rows up by that no index serves, and the index to create for each.
///
/// Erasure works without them: an unindexed lookup becomes one pass over the table per batch (a
/// hash join) rather than a probe per row. With them, a batch touches only its own rows.
struct IndexAdvice {
    let plan: ErasurePlan
    let catalog: DatabaseCatalog
    let dialect: any ErasureDialect

    /// One warning per unserved column, in a stable order.
    func problems() -> [DataMapProblem] {
        var lookups: [QualifiedColumn: String] = [:]
        func need(_ table: String, _ column: String, _ why: String) {
            guard let live = catalog.table(table), !live.isIndexed(column) else { return }
            let key = QualifiedColumn(table, column)
            if lookups[key] == nil { lookups[key] = why }
        }
        for table in plan.tables {
            for (column, _) in table.matches { need(table.name, column.name, "jobs' keys are matched against it") }
            for edge in table.childEdges {
                need(table.name, edge.column.name, "rows are reached through it from \(plan.tables[edge.source].name)")
            }
            for edge in table.parentEdges {
                need(
                    table.name, edge.column.name,
                    "parent rows are reached through it from \(plan.tables[edge.source].name)")
            }
            for reference in table.references {
                need(reference.table, reference.column, "whether a row of \(table.name) is shared is judged by it")
            }
        }
        for link in plan.links {
            for column in link.columns { need(link.table, column.name, "linked keys are followed through it") }
        }
        for pair in plan.archivePairs { need(pair.hotTable, pair.timeColumn, "the archive sweep selects rows by it") }
        return lookups.keys.sorted().map { column in
            DataMapProblem(
                .missingIndex, table: column.table, column: column.column,
                "no index serves this lookup (\(lookups[column]!)); erasure reads the whole table once per batch instead",
                fix: dialect.createIndexStatement(table: column.table, column: column.column))
        }
    }
}
