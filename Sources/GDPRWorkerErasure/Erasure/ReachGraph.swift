import GDPRWorkerQueue

/// The graph of how rows are reached and what references what, over the mapped tables: decides
/// which tables are materialized and contended, the order they are reached in, and the order rows
/// are written in (rows that reference others before the rows they reference, so deletes go
/// children-first).
///
/// `catalog` is the effective catalog: the database's foreign keys plus the data map's declared
/// `references`, which count exactly like foreign keys.
struct ReachGraph {
    typealias Located = ErasurePlanner.Located

    let tables: [Located]
    let catalog: DatabaseCatalog
    let linkColumns: [String: Set<String>]
    let position: [String: Int]
    /// Tables that some reached row leads to other rows from.
    let sources: Set<String>
    /// Tables reached through a parent edge: their rows may be shared.
    let parentTargets: Set<String>
    /// Tables whose rows two erasures holding different keys can reach: parent targets, and
    /// tables reached along two independent paths (two match columns, a match and an edge, two
    /// edges). Their rows are locked in key order before they are written.
    let contended: Set<String>
    let materialized: Set<String>
    /// Referencing → referenced edges between mapped tables, by position.
    let referencesGraph: [Set<Int>]
    /// Source → reached edges, by position.
    let reachGraph: [Set<Int>]

    init(tables: [Located], catalog: DatabaseCatalog, links: [LinkTable]) {
        self.tables = tables
        self.catalog = catalog
        linkColumns = Dictionary(links.map { ($0.table, Set($0.columns)) }, uniquingKeysWith: { $0.union($1) })
        let position = Dictionary(
            tables.enumerated().map { ($1.map.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.position = position
        sources = Set(tables.flatMap { $0.map.reachedBy.map(\.otherTable) })
        let parentTargets = Set(
            tables.filter { $0.map.reachedBy.contains { $0.direction == .referencedBy } }.map(\.map.name))
        self.parentTargets = parentTargets
        let linkColumns = self.linkColumns
        let contended = Set(
            tables.filter { table in
                if parentTargets.contains(table.map.name) { return true }
                // A link row pairs keys of one person, so its key columns are one path between them.
                let keyed = linkColumns[table.map.name] ?? []
                let matches =
                    table.map.match.filter { !keyed.contains($0) }.count
                    + (table.map.match.contains(where: keyed.contains) ? 1 : 0)
                return matches + table.map.reachedBy.filter { $0.direction == .references }.count >= 2
            }.map(\.map.name))
        self.contended = contended
        var materialized = sources.union(parentTargets).union(contended)
        let mapped = Set(tables.map(\.map.name))
        for target in parentTargets {
            for table in tables where table.map.name != target {
                if table.catalog.foreignKeys.contains(where: { $0.referencedTable == target }) {
                    materialized.insert(table.map.name)
                }
            }
        }
        self.materialized = materialized.intersection(mapped)
        var referencesGraph = [Set<Int>](repeating: [], count: tables.count)
        var reachGraph = [Set<Int>](repeating: [], count: tables.count)
        for (index, table) in tables.enumerated() {
            for edge in table.map.reachedBy {
                guard let other = position[edge.otherTable], other != index else { continue }
                reachGraph[other].insert(index)
                switch edge.direction {
                case .references: referencesGraph[index].insert(other)
                case .referencedBy: referencesGraph[other].insert(index)
                }
            }
            for key in table.catalog.foreignKeys {
                if let other = position[key.referencedTable], other != index { referencesGraph[index].insert(other) }
            }
        }
        self.referencesGraph = referencesGraph
        self.reachGraph = reachGraph
    }

    /// The reach order (materialized tables only) and the write order (all tables), or nil after
    /// reporting a cycle.
    func order(reporting problems: inout [DataMapProblem]) -> (reach: [Int], mutation: [Int])? {
        var graph = reachGraph
        for (index, table) in tables.enumerated() {
            for edge in table.map.reachedBy where position[edge.otherTable] == index {
                problems.append(
                    DataMapProblem(
                        .cycle, table: table.map.name, column: edge.column,
                        "reached_by names the table itself; a table reached from its own rows is a cycle erasure cannot order"
                    ))
            }
        }
        // A parent target is judged against the reached rows of every table that references it,
        // so those are materialized first.
        for target in parentTargets {
            guard let targetIndex = position[target] else { continue }
            for (index, table) in tables.enumerated()
            where index != targetIndex && materialized.contains(table.map.name) {
                if table.catalog.foreignKeys.contains(where: { $0.referencedTable == target }) {
                    graph[index].insert(targetIndex)
                }
            }
        }
        let reach = Self.topologicalOrder(graph)
        if let cycle = reach.cycle {
            let path = cycle.map { tables[$0].map.name }
            problems.append(
                DataMapProblem(
                    .cycle, table: path[0], "reached_by edges form a cycle: \(path.joined(separator: " → "))"))
        }
        let mutation = Self.topologicalOrder(referencesGraph)
        if let cycle = mutation.cycle {
            let path = cycle.map { tables[$0].map.name }
            problems.append(
                DataMapProblem(
                    .cycle, table: path[0],
                    "references form a cycle: \(path.joined(separator: " → ")); rows cannot be deleted children-first"))
        }
        guard reach.cycle == nil, mutation.cycle == nil, !problems.contains(where: { $0.code == .cycle }) else {
            return nil
        }
        return (reach.order.filter { materialized.contains(tables[$0].map.name) }, mutation.order)
    }

    /// Kahn's algorithm, ties broken by map order; or a cycle when one blocks it.
    static func topologicalOrder(_ graph: [Set<Int>]) -> (order: [Int], cycle: [Int]?) {
        var incoming = [Int](repeating: 0, count: graph.count)
        for targets in graph { for target in targets { incoming[target] += 1 } }
        var ready = (0..<graph.count).filter { incoming[$0] == 0 }
        var order: [Int] = []
        while !ready.isEmpty {
            ready.sort()
            let node = ready.removeFirst()
            order.append(node)
            for target in graph[node] {
                incoming[target] -= 1
                if incoming[target] == 0 { ready.append(target) }
            }
        }
        guard order.count < graph.count else { return (order, nil) }
        // Every blocked node has a blocked predecessor; walk back along them until one repeats.
        let blocked = (0..<graph.count).filter { incoming[$0] > 0 }
        var path: [Int] = [blocked[0]]
        while true {
            let current = path.last!
            let previous = blocked.first { graph[$0].contains(current) }!
            if let start = path.firstIndex(of: previous) {
                return (order, Array((Array(path[start...]) + [previous]).reversed()))
            }
            path.append(previous)
        }
    }

    /// The tables reached, directly or not, from the rows of `table`, by position.
    func downstream(of table: Int) -> Set<Int> {
        var seen: Set<Int> = []
        var frontier = [table]
        while let next = frontier.popLast() {
            for target in reachGraph[next] where seen.insert(target).inserted { frontier.append(target) }
        }
        return seen
    }

    /// Whether some table is reached as a child of a parent target's rows. Those children are
    /// only the person's when the parent is, so the parent must be judged while loading, before
    /// anything is written; otherwise judging waits until just before the parent is written.
    var judgesWhileLoading: Bool {
        tables.contains { table in
            table.map.reachedBy.contains { $0.direction == .references && parentTargets.contains($0.otherTable) }
        }
    }

    func edges(of table: String, _ direction: ReachEdge.Direction) -> [ErasurePlan.Table.Edge] {
        guard let index = position[table] else { return [] }
        let located = tables[index]
        return located.map.reachedBy.filter { $0.direction == direction }.compactMap { edge in
            guard let source = position[edge.otherTable], let column = located.catalog.column(edge.column),
                let sourceColumn = tables[source].catalog.column(edge.otherColumn)
            else { return nil }
            return ErasurePlan.Table.Edge(
                column: column, source: source, sourceColumn: sourceColumn,
                isIndexed: located.catalog.isIndexed(edge.column))
        }
    }

    /// Every single-column reference into a parent-edge target: declared parent edges and the
    /// catalog's foreign keys, from mapped and unmapped tables alike.
    func references(into table: String) -> [ErasurePlan.Table.Reference] {
        guard parentTargets.contains(table), let index = position[table] else { return [] }
        var references: [ErasurePlan.Table.Reference] = []
        func add(_ referencing: String, _ column: String, _ target: String) {
            guard
                !references.contains(where: {
                    $0.table == referencing && $0.column == column && $0.targetColumn == target
                })
            else { return }
            let materializedIndex = materialized.contains(referencing) ? position[referencing] : nil
            references.append(
                .init(
                    table: referencing, column: column, targetColumn: target, materialized: materializedIndex,
                    isIndexed: catalog.table(referencing)?.isIndexed(column) ?? false))
        }
        for edge in tables[index].map.reachedBy where edge.direction == .referencedBy {
            add(edge.otherTable, edge.otherColumn, edge.column)
        }
        for column in tables[index].catalog.columns {
            for reference in catalog.references(to: table, column: column.name) {
                add(reference.table, reference.column, column.name)
            }
        }
        return references
    }

    /// Whether a table can be erased first, in committed chunks: nothing is reached from it,
    /// nothing references it, it holds no links, and no contended table leads to it, so erasing
    /// part of it hides nothing else and needs no lock.
    func isEarly(_ table: String) -> Bool {
        guard let index = position[table], !materialized.contains(table), linkColumns[table] == nil else {
            return false
        }
        guard !referencesGraph.contains(where: { $0.contains(index) }) else { return false }
        return !contended.contains { position[$0].map { downstream(of: $0).contains(index) } ?? false }
    }

    /// Columns of a table that point at a mapped table whose rows delete mode deletes.
    func columnsReferencingDeletedRows(of table: String) -> Set<String> {
        guard let index = position[table] else { return [] }
        let located = tables[index]
        var columns: Set<String> = []
        func deletes(_ name: String) -> Bool {
            position[name].map { tables[$0].map.onDelete == .delete } ?? false
        }
        for edge in located.map.reachedBy where edge.direction == .references && deletes(edge.otherTable) {
            columns.insert(edge.column)
        }
        for key in located.catalog.foreignKeys where key.referencedTable != table && deletes(key.referencedTable) {
            columns.formUnion(key.columns)
        }
        return columns
    }
}
