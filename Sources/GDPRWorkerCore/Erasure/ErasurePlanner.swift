import Crypto
import Foundation

/// Compiles a data map against the catalog into an `ErasurePlan`, or reports every problem that
/// keeps it from working: the single source of truth behind `gdpr-worker check` and the handler.
struct ErasurePlanner {
    let map: DataMap
    let catalog: DatabaseCatalog
    /// Problems found while reading the map, reported first.
    var problems: [DataMapProblem]

    init(map: DataMap, catalog: DatabaseCatalog, parseProblems: [DataMapProblem] = []) {
        self.map = map
        self.catalog = catalog
        self.problems = parseProblems
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
        for table in mapped where table.match.isEmpty && table.reachedBy.isEmpty {
            report(.unreachableTable, table: table.name, "neither match nor reached_by: no job would ever reach its rows")
        }
        for pair in map.archivePairs { checkArchive(pair) }
        guard problems.isEmpty else { return nil }

        let graph = ReachGraph(tables: located, catalog: catalog, linkTables: Set(links.map(\.table)))
        guard let order = graph.order(reporting: &problems) else { return nil }
        checkUnmappedReferences(located, graph: graph)
        for table in located where table.map.onDelete == .anonymise { checkRetention(table, graph: graph) }
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
        guard problems.isEmpty else { return nil }
        let fingerprint = Self.fingerprint(of: tables, links: links, cascadeLimit: map.cascadeLimit)
        for position in tables.indices {
            tables[position].reachWorkTable = "gw_\(fingerprint)_reach_\(position)"
            tables[position].chunkWorkTable = "gw_\(fingerprint)_chunk_\(position)"
        }
        return ErasurePlan(
            cascadeLimit: map.cascadeLimit, links: links, tables: tables, reachOrder: order.reach.map { planIndex[$0]! },
            fingerprint: fingerprint, archivePairs: map.archivePairs)
    }

    mutating func report(_ code: DataMapProblem.Code, table: String? = nil, column: String? = nil, _ message: String) {
        problems.append(DataMapProblem(code, table: table, column: column, message))
    }

    // MARK: Tables and columns

    /// A mapped table found in the catalog, with its primary key.
    struct Located {
        var map: TableMap
        var catalog: DatabaseCatalog.Table
        var primaryKey: [DatabaseCatalog.Column]
    }

    mutating func locate(_ table: TableMap) -> Located? {
        guard let live = catalog.table(table.name) else {
            let source = table.archiveOf.map { " (the archive of \($0))" } ?? ""
            report(.missingTable, table: table.name, "no such table in the database\(source)")
            return nil
        }
        let keyNames = table.primaryKey ?? live.primaryKey
        var primaryKey: [DatabaseCatalog.Column] = []
        if keyNames.isEmpty {
            report(.missingPrimaryKey, table: table.name, "has no primary key; add one, or name a unique column with primary_key")
        }
        for name in keyNames {
            guard let column = live.column(name) else {
                report(.missingColumn, table: table.name, column: name, "primary_key names a column the table does not have")
                continue
            }
            if !column.category.canHoldKeys {
                report(
                    .keyTypeMismatch, table: table.name, column: name,
                    "primary key column of type \(column.declaredType) cannot locate rows; declare primary_key with text, uuid or integer columns")
            }
            primaryKey.append(column)
        }
        for rule in table.columns where live.column(rule.column) == nil {
            report(.missingColumn, table: table.name, column: rule.column, "no such column in the database")
        }
        for column in live.columns where !table.classifies(column.name) {
            report(.unclassifiedColumn, table: table.name, column: column.name, "has no strategy; classify it (keep, null, redact, token, rekey or a placeholder)")
        }
        for column in live.columns {
            guard let strategy = table.strategy(for: column.name) else { continue }
            checkStrategy(strategy, on: column, of: table.name)
            if primaryKey.contains(where: { $0.name == column.name }), strategy.rewrites, strategy != .rekey {
                report(.strategyMismatch, table: table.name, column: column.name, "is part of the primary key, which must stay unique; use keep or rekey")
            }
        }
        for name in table.match {
            guard let column = live.column(name) else {
                report(.missingColumn, table: table.name, column: name, "match names a column the table does not have")
                continue
            }
            if !column.category.canHoldKeys {
                report(.keyTypeMismatch, table: table.name, column: name, "match column of type \(column.declaredType) cannot hold keys; use a text, varchar, uuid or integer column")
            }
        }
        return Located(map: table, catalog: live, primaryKey: primaryKey)
    }

    mutating func checkStrategy(_ strategy: ColumnStrategy, on column: DatabaseCatalog.Column, of table: String) {
        if column.isGenerated {
            if strategy.rewrites { report(.strategyMismatch, table: table, column: column.name, "is a generated column and cannot be written; use keep") }
            return
        }
        let category = column.category
        let fits: Bool
        var written: Int?
        switch strategy {
        case .keep:
            return
        case .null:
            if !column.isNullable { report(.strategyMismatch, table: table, column: column.name, "is NOT NULL, so null cannot apply; use redact, token or a placeholder") }
            return
        case .redact(let text):
            fits = category == .text
            written = text.count
        case .token:
            fits = category == .text
            written = 36
        case .rekey:
            fits = category == .text || category == .uuid
            written = 36
        case .placeholder(let kind):
            switch kind {
            case .email: (fits, written) = (category == .text, 40)
            case .phone: (fits, written) = (category == .text, 14)
            case .name: (fits, written) = (category == .text, 13)
            case .text: (fits, written) = (category == .text, 21)
            case .ip: (fits, written) = (category == .text || category == .inet, 15)
            case .uuid: (fits, written) = (category == .text || category == .uuid, 36)
            case .date: (fits, written) = (category == .text || category == .date || category == .timestamp, 10)
            }
        }
        guard fits else {
            report(.strategyMismatch, table: table, column: column.name, "\(strategy) cannot write a column of type \(column.declaredType)")
            return
        }
        if category == .text, let written, let limit = Self.lengthLimit(column.declaredType), limit < written {
            report(.strategyMismatch, table: table, column: column.name, "\(strategy) writes up to \(written) characters but \(column.declaredType) holds \(limit)")
        }
    }

    /// The length limit of a `varchar(n)` or `char(n)` type.
    static func lengthLimit(_ declaredType: String) -> Int? {
        guard let open = declaredType.firstIndex(of: "("), let close = declaredType.firstIndex(of: ")"), open < close else { return nil }
        return Int(declaredType[declaredType.index(after: open)..<close].trimmingCharacters(in: .whitespaces))
    }

    mutating func checkEdges(_ table: Located, mapped: Set<String>) {
        for edge in table.map.reachedBy {
            guard let column = table.catalog.column(edge.column) else {
                report(.missingColumn, table: table.map.name, column: edge.column, "reached_by names a column the table does not have")
                continue
            }
            guard let source = catalog.table(edge.otherTable) else {
                report(.missingTable, table: table.map.name, column: edge.column, "\(edge.direction.rawValue) names \(edge.otherTable), which is not in the database")
                continue
            }
            guard mapped.contains(edge.otherTable) else {
                report(.unreachableTable, table: table.map.name, column: edge.column, "\(edge.direction.rawValue) names \(edge.otherTable), which is not in tables, so none of its rows are ever reached")
                continue
            }
            guard let sourceColumn = source.column(edge.otherColumn) else {
                report(.missingColumn, table: edge.otherTable, column: edge.otherColumn, "named by \(table.map.name).reached_by, but the table has no such column")
                continue
            }
            if column.category != sourceColumn.category || column.category == .other {
                report(
                    .keyTypeMismatch, table: table.map.name, column: edge.column,
                    "is \(column.declaredType) but \(edge.otherTable).\(edge.otherColumn) is \(sourceColumn.declaredType); edge columns must have the same type")
            }
        }
    }

    mutating func locateLink(_ link: LinkTable, mapped: Set<String>) -> ErasurePlan.Link? {
        guard let live = catalog.table(link.table) else {
            report(.missingTable, table: link.table, "link table: no such table in the database")
            return nil
        }
        if !mapped.contains(link.table) {
            report(.unreachableTable, table: link.table, "link table is not in tables; its rows hold keys, so map it (match: its key columns)")
        }
        var columns: [DatabaseCatalog.Column] = []
        for name in link.columns {
            guard let column = live.column(name) else {
                report(.missingColumn, table: link.table, column: name, "link column: no such column in the database")
                continue
            }
            if !column.category.canHoldKeys {
                report(.keyTypeMismatch, table: link.table, column: name, "link column of type \(column.declaredType) cannot hold keys")
            }
            columns.append(column)
        }
        if let first = columns.first, let other = columns.first(where: { $0.category != first.category }) {
            report(.keyTypeMismatch, table: link.table, column: other.name, "is \(other.declaredType) but \(first.name) is \(first.declaredType); link columns must have the same type")
        }
        return columns.count == link.columns.count ? ErasurePlan.Link(table: link.table, columns: columns) : nil
    }

    mutating func checkArchive(_ pair: ArchivePair) {
        for table in [pair.hotTable, pair.archiveTable] {
            guard let live = catalog.table(table) else { continue }
            if live.column(pair.timeColumn) == nil {
                report(.missingColumn, table: table, column: pair.timeColumn, "archive time_column: no such column in the database")
            } else if let category = live.column(pair.timeColumn)?.category, category != .timestamp && category != .date && category != .text {
                report(.strategyMismatch, table: table, column: pair.timeColumn, "archive time_column must be a timestamp or date")
            }
        }
    }

    /// An unmapped table whose foreign key would block deleting mapped rows, or would leave rows
    /// pointing at a person that the map does not know about.
    mutating func checkUnmappedReferences(_ tables: [Located], graph: ReachGraph) {
        let mapped = Set(tables.map(\.map.name))
        for table in tables where !graph.parentTargets.contains(table.map.name) {
            for referencing in catalog.tables.values.sorted(by: { $0.name < $1.name }) where !mapped.contains(referencing.name) {
                for key in referencing.foreignKeys where key.referencedTable == table.map.name {
                    guard key.onDelete != .cascade && key.onDelete != .setNull else { continue }
                    report(
                        .unmappedReference, table: referencing.name, column: key.columns.joined(separator: ", "),
                        "references \(table.map.name), which erasure deletes from, but \(referencing.name) is not in the data map; map it")
                }
            }
        }
    }

    /// A table kept in delete mode must be able to let go of the person: its columns pointing at
    /// deleted rows become NULL, and its key columns cannot keep the key.
    mutating func checkRetention(_ table: Located, graph: ReachGraph) {
        let name = table.map.name
        for columnName in graph.columnsReferencingDeletedRows(of: name).sorted() {
            guard let column = table.catalog.column(columnName), !column.isNullable else { continue }
            report(
                .strategyMismatch, table: name, column: columnName,
                "on_delete: anonymise keeps the rows, but the column points at rows delete mode deletes; it must allow NULL")
        }
        let keyColumns = Set(table.map.match + map.links.filter { $0.table == name }.flatMap(\.columns))
        for columnName in keyColumns.sorted() {
            guard let column = table.catalog.column(columnName), case .keep? = table.map.strategy(for: columnName) else { continue }
            if column.category == .integer && !column.isNullable {
                report(
                    .strategyMismatch, table: name, column: columnName,
                    "on_delete: anonymise keeps the rows, so delete mode must remove this key; an integer key column must allow NULL")
            }
        }
    }

    // MARK: Planned tables

    func plannedTable(_ table: Located, index: Int, graph: ReachGraph) -> ErasurePlan.Table {
        let name = table.map.name
        let anonymise = table.catalog.columns.compactMap { column -> ErasurePlan.Table.Rewrite? in
            guard let strategy = table.map.strategy(for: column.name), strategy.rewrites, !column.isGenerated else { return nil }
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
            matches: table.map.match.compactMap { table.catalog.column($0) },
            childEdges: graph.edges(of: name, .references), parentEdges: graph.edges(of: name, .referencedBy),
            references: graph.references(into: name), isMaterialized: graph.materialized.contains(name), isEarly: graph.isEarly(name),
            onDelete: table.map.onDelete, anonymise: anonymise, retain: retain)
    }

    static func fingerprint(of tables: [ErasurePlan.Table], links: [ErasurePlan.Link], cascadeLimit: Int) -> String {
        var text = "\(cascadeLimit)|"
        for link in links { text += "L:\(link.table):\(link.columns.map(\.name))|" }
        for table in tables {
            text += "T:\(table.name):\(table.primaryKey.map { "\($0.name) \($0.category)" }):\(table.isMaterialized)|"
        }
        return SHA256.hash(data: Data(text.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }
}
