import Crypto
import Foundation
import GDPRWorkerQueue

/// Compiles a data map against the catalog into an `ErasurePlan`, or reports every problem that
/// keeps it from working: the single source of truth behind `gdpr-worker check` and the handler.
struct ErasurePlanner {
    let map: DataMap
    /// The database's catalog with the map's declared `references` added as foreign keys.
    let catalog: DatabaseCatalog
    /// Problems found while reading the map, reported first.
    var problems: [DataMapProblem]

    init(map: DataMap, catalog live: DatabaseCatalog, parseProblems: [DataMapProblem] = []) {
        self.map = map
        self.problems = parseProblems
        var declared: [(table: String, key: DatabaseCatalog.ForeignKey)] = []
        var found: [DataMapProblem] = []
        let mapped = Set(map.expandedTables.map(\.name))
        for reference in map.references {
            if let problem = Self.problem(with: reference, in: live, mapped: mapped) {
                found.append(problem)
                continue
            }
            declared.append(
                (
                    reference.column.table,
                    DatabaseCatalog.ForeignKey(
                        columns: [reference.column.column], referencedTable: reference.references.table,
                        referencedColumns: [reference.references.column], onDelete: .noAction, isDeclared: true)
                ))
        }
        for column in map.notReferences where live.table(column.table)?.column(column.column) == nil {
            found.append(
                DataMapProblem(
                    .missingColumn, table: column.table, column: column.column,
                    "not_references names a column the database does not have"))
        }
        problems += found
        catalog = live.adding(declared)
    }

    /// What is wrong with a declared reference, if anything.
    static func problem(
        with reference: DeclaredReference, in catalog: DatabaseCatalog, mapped: Set<String>
    ) -> DataMapProblem? {
        let from = reference.column
        let to = reference.references
        guard let source = catalog.table(from.table) else {
            return DataMapProblem(.missingTable, table: from.table, "references: no such table in the database")
        }
        guard let sourceColumn = source.column(from.column) else {
            return DataMapProblem(
                .missingColumn, table: from.table, column: from.column, "references: no such column in the database")
        }
        guard let target = catalog.table(to.table) else {
            return DataMapProblem(
                .missingTable, table: from.table, column: from.column,
                "references names \(to.table), which is not in the database")
        }
        guard mapped.contains(to.table) else {
            return DataMapProblem(
                .invalidEntry, table: from.table, column: from.column,
                "references names \(to), but \(to.table) is not in tables; declare only references into mapped tables")
        }
        guard let targetColumn = target.column(to.column) else {
            return DataMapProblem(
                .missingColumn, table: to.table, column: to.column,
                "named by references, but the table has no such column")
        }
        if sourceColumn.category != targetColumn.category || !sourceColumn.isComparable {
            return DataMapProblem(
                .keyTypeMismatch, table: from.table, column: from.column,
                "is \(sourceColumn.declaredType) but \(to) is \(targetColumn.declaredType); a reference joins columns of the same type"
            )
        }
        return nil
    }

    /// The plan, or nil with `problems` filled in.
    mutating func compile() -> ErasurePlan? {
        let mapped = map.expandedTables
        var seen: Set<String> = []
        for table in mapped where !seen.insert(table.name).inserted {
            report(.duplicate, table: table.name, "is mapped twice (as a table and as an archive table)")
        }
        var located: [Located] = []
        for table in mapped {
            if let found = locate(table) { located.append(found) }
        }
        let names = Set(located.map(\.map.name))
        var links: [ErasurePlan.Link] = []
        for link in map.links {
            if let found = locateLink(link, mapped: Set(mapped.map(\.name))) { links.append(found) }
        }
        for table in located { checkEdges(table, mapped: names) }
        checkTenantScope()
        checkSubject()
        for table in mapped where table.match.isEmpty && table.reachedBy.isEmpty {
            report(
                .unreachableTable, table: table.name, "neither match nor reached_by: no job would ever reach its rows")
        }
        for pair in map.archivePairs { checkArchive(pair) }
        guard problems.isEmpty else { return nil }

        let graph = ReachGraph(tables: located, catalog: catalog, links: map.links)
        guard let order = graph.order(reporting: &problems) else { return nil }
        checkReferences(located, graph: graph)
        for table in located where table.map.onDelete == .anonymise { checkRetention(table, graph: graph) }
        guard problems.isEmpty else { return nil }
        var tables = order.mutation.enumerated().map { position, locatedIndex in
            plannedTable(located[locatedIndex], index: position, graph: graph)
        }
        // Re-index edges and references from located positions to plan positions.
        let planIndex = Dictionary(uniqueKeysWithValues: order.mutation.enumerated().map { ($1, $0) })
        for position in tables.indices {
            tables[position].childEdges = tables[position].childEdges.map { edge in
                var edge = edge
                edge.source = planIndex[edge.source]!
                return edge
            }
            tables[position].parentEdges = tables[position].parentEdges.map { edge in
                var edge = edge
                edge.source = planIndex[edge.source]!
                return edge
            }
            tables[position].references = tables[position].references.map { reference in
                var reference = reference
                reference.materialized = reference.materialized.map { planIndex[$0]! }
                return reference
            }
        }
        let reach = order.reach.map { planIndex[$0]! }
        let downstream = Dictionary(
            uniqueKeysWithValues: order.mutation.map { located in
                (planIndex[located]!, Set(graph.downstream(of: located).map { planIndex[$0]! }))
            })
        let steps = Self.steps(
            tables: tables, reach: reach, downstream: downstream, judgeWhileLoading: graph.judgesWhileLoading)
        let fingerprint = Self.fingerprint(of: tables, links: links, cascadeLimit: map.cascadeLimit)
        for position in tables.indices {
            tables[position].reachWorkTable = "gw_\(fingerprint)_reach_\(position)"
            tables[position].chunkWorkTable = "gw_\(fingerprint)_chunk_\(position)"
        }
        return ErasurePlan(
            cascadeLimit: map.cascadeLimit, links: links, tables: tables, loadSteps: steps.load,
            writeSteps: steps.write,
            fingerprint: fingerprint, archivePairs: map.archivePairs)
    }

    /// The order a batch is loaded and written in, the same for every transaction of the plan.
    ///
    /// **Why erasures cannot deadlock.** Every lock an erasure can wait for is taken in one global
    /// order: first the advisory locks of the batch's keys, sorted (`ErasureStatements.lockKeys`);
    /// then, step by step in this schedule, the rows of one contended table at a time, sorted by
    /// primary key. A row of an uncontended table is reached along a single path from a single
    /// key, or from rows of a contended table already locked, so no other erasure reaches it
    /// without first waiting for a lock this one holds. A transaction waiting at a step holds only
    /// locks earlier in the order, so a cycle of waits would need some step to come before itself.
    ///
    /// **Why shared parents are locked late.** A parent row (a household's address) may only be
    /// erased once no one else points at it; two erasures of a household must judge that one after
    /// the other, so the judgement holds the parent's lock until commit. Taken just before the
    /// parent is written, at the end of the batch, the lock makes concurrent batches wait for
    /// each other's last statements only, not their whole work. Only where a table is reached as
    /// the child of a parent row must the parent be judged while loading, before any write.
    static func steps(
        tables: [ErasurePlan.Table], reach: [Int], downstream: [Int: Set<Int>], judgeWhileLoading: Bool
    ) -> (load: [ErasurePlan.LoadStep], write: [ErasurePlan.WriteStep]) {
        var load: [ErasurePlan.LoadStep] = []
        var locked: Set<Int> = []
        for index in reach {
            load.append(.materialize(index))
            if judgeWhileLoading && tables[index].isParentTarget {
                load += [.lock(index), .judge(index)]
                locked.insert(index)
            }
        }
        var write: [ErasurePlan.WriteStep] = []
        let contended = tables.indices.filter { tables[$0].isContended }
        for index in tables.indices.filter({ tables[$0].isEarly }) + tables.indices.filter({ !tables[$0].isEarly }) {
            for lock in contended
            where !locked.contains(lock) && (lock == index || downstream[lock]?.contains(index) == true) {
                write.append(.lock(lock))
                if tables[lock].isParentTarget { write.append(.judge(lock)) }
                locked.insert(lock)
            }
            write.append(.write(index))
        }
        return (load, write)
    }

    mutating func report(_ code: DataMapProblem.Code, table: String? = nil, column: String? = nil, _ message: String) {
        problems.append(DataMapProblem(code, table: table, column: column, message))
    }

    // MARK: Planned tables

    func plannedTable(_ table: Located, index: Int, graph: ReachGraph) -> ErasurePlan.Table {
        let name = table.map.name
        let anonymise = table.catalog.columns.compactMap { column -> ErasurePlan.Table.Rewrite? in
            guard let strategy = table.map.strategy(for: column.name), strategy.rewrites, !column.isGenerated else {
                return nil
            }
            return ErasurePlan.Table.Rewrite(column: column, strategy: strategy)
        }
        var retain: [ErasurePlan.Table.Rewrite] = []
        if table.map.onDelete == .anonymise {
            let keyColumns = Set(table.map.match + map.links.filter { $0.table == name }.flatMap(\.columns))
            let severed = graph.columnsReferencingDeletedRows(of: name)
            for column in table.catalog.columns where !column.isGenerated {
                let strategy = table.map.strategy(for: column.name) ?? .keep
                if severed.contains(column.name) {
                    retain.append(.init(column: column, strategy: .null))
                } else if case .keep = strategy, keyColumns.contains(column.name) {
                    retain.append(.init(column: column, strategy: column.category == .integer ? .null : .rekey))
                } else if strategy.rewrites {
                    retain.append(.init(column: column, strategy: strategy))
                }
            }
        }
        return ErasurePlan.Table(
            index: index, name: name, columns: table.catalog.columns, primaryKey: table.primaryKey,
            matches: table.map.match.compactMap { name in
                table.catalog.column(name).map { ($0, table.catalog.isIndexed(name)) }
            },
            tenant: table.map.tenant.flatMap(table.catalog.column),
            childEdges: graph.edges(of: name, .references), parentEdges: graph.edges(of: name, .referencedBy),
            references: graph.references(into: name), isMaterialized: graph.materialized.contains(name),
            isContended: graph.contended.contains(name), isEarly: graph.isEarly(name),
            onDelete: table.map.onDelete, anonymise: anonymise, retain: retain)
    }

    static func fingerprint(of tables: [ErasurePlan.Table], links: [ErasurePlan.Link], cascadeLimit: Int) -> String {
        var text = "3|\(cascadeLimit)|"
        for link in links { text += "L:\(link.table):\(link.columns.map(\.name))|" }
        for table in tables {
            let key = table.primaryKey.map { "\($0.name) \($0.declaredType)" }
            text += "T:\(table.name):\(key):\(table.isMaterialized):\(table.isParentTarget)|"
        }
        return SHA256.hash(data: Data(text.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }
}
