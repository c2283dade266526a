import Foundation
import GDPRWorkerQueue

extension ErasurePlanner {
    /// A mapped table found in the catalog, with its primary key.
    struct Located {
        var map: TableMap
        var catalog: DatabaseCatalog.Table
        var primaryKey: [DatabaseCatalog.Column]
    }

    // MARK: Tables and columns

    mutating func locate(_ table: TableMap) -> Located? {
        guard let live = catalog.table(table.name) else {
            let source = table.archiveOf.map { " (the archive of \($0))" } ?? ""
            report(.missingTable, table: table.name, "no such table in the database\(source)")
            return nil
        }
        let primaryKey = locatePrimaryKey(of: table, in: live)
        for rule in table.columns where live.column(rule.column) == nil {
            report(.missingColumn, table: table.name, column: rule.column, "no such column in the database")
        }
        for column in live.columns where !table.classifies(column.name) {
            report(
                .unclassifiedColumn, table: table.name, column: column.name,
                "has no strategy; classify it (keep, null, redact, token, rekey or a placeholder)")
        }
        for column in live.columns {
            guard let strategy = table.strategy(for: column.name) else { continue }
            checkStrategy(strategy, on: column, of: table.name)
            if primaryKey.contains(where: { $0.name == column.name }), strategy.rewrites, strategy != .rekey {
                report(
                    .strategyMismatch, table: table.name, column: column.name,
                    "is part of the primary key, which must stay unique; use keep or rekey")
            }
        }
        if let tenant = table.tenant {
            checkTenantColumn(tenant, of: table.name, in: live, strategy: table.strategy(for: tenant))
        }
        for name in table.match {
            guard let column = live.column(name) else {
                report(.missingColumn, table: table.name, column: name, "match names a column the table does not have")
                continue
            }
            if !column.category.canHoldKeys {
                report(
                    .keyTypeMismatch, table: table.name, column: name,
                    "match column of type \(column.declaredType) cannot hold keys; use a text, varchar, uuid or integer column"
                )
            }
        }
        return Located(map: table, catalog: live, primaryKey: primaryKey)
    }

    /// The columns that locate one row of a table: its primary key, or the declared `primary_key`,
    /// which must be unique and never NULL. Any type with an equality will do, composites too.
    mutating func locatePrimaryKey(of table: TableMap, in live: DatabaseCatalog.Table) -> [DatabaseCatalog.Column] {
        let keyNames = table.primaryKey ?? live.primaryKey
        if keyNames.isEmpty {
            let unique = live.indexes.first { index in
                index.isUnique && (index.plainColumns?.allSatisfy { live.column($0)?.isNullable == false } ?? false)
            }
            let hint =
                unique?.plainColumns.map {
                    "; its unique index \($0.joined(separator: ", ")) would do: primary_key: [\($0.joined(separator: ", "))]"
                } ?? ""
            report(
                .missingPrimaryKey, table: table.name,
                "has no primary key, so its rows cannot be located one by one; add one (ALTER TABLE … ADD PRIMARY KEY (…)), or name NOT NULL columns of a unique index under primary_key\(hint)"
            )
            return []
        }
        var columns: [DatabaseCatalog.Column] = []
        for name in keyNames {
            guard let column = live.column(name) else {
                report(
                    .missingColumn, table: table.name, column: name,
                    "primary_key names a column the table does not have")
                continue
            }
            if !column.isComparable {
                report(
                    .keyTypeMismatch, table: table.name, column: name,
                    "primary key column of type \(column.declaredType) has no equality to locate rows by; declare primary_key with other columns"
                )
            }
            columns.append(column)
        }
        guard table.primaryKey != nil, columns.count == keyNames.count else { return columns }
        if !live.isUnique(keyNames) {
            let list = keyNames.joined(separator: ", ")
            report(
                .missingPrimaryKey, table: table.name,
                "primary_key (\(list)) is backed by no primary key or unique index, so one key could match several rows; "
                    + "add one (CREATE UNIQUE INDEX ON \(table.name) (\(list))) or name the columns of an existing one")
        }
        for column in columns where column.isNullable {
            report(
                .missingPrimaryKey, table: table.name, column: column.name,
                "is in primary_key but allows NULL, and a row whose key is NULL cannot be located; make it NOT NULL or choose other columns"
            )
        }
        return columns
    }

    mutating func checkStrategy(_ strategy: ColumnStrategy, on column: DatabaseCatalog.Column, of table: String) {
        if column.isGenerated {
            if strategy.rewrites {
                report(
                    .strategyMismatch, table: table, column: column.name,
                    "is a generated column and cannot be written; use keep")
            }
            return
        }
        let category = column.category
        let fits: Bool
        var written: Int?
        switch strategy {
        case .keep:
            return
        case .null:
            if !column.isNullable {
                report(
                    .strategyMismatch, table: table, column: column.name,
                    "is NOT NULL, so null cannot apply; use redact, token or a placeholder")
            }
            return
        case .redact(let text):
            fits = category == .text
            written = text.count
        case .token, .rekey, .placeholder:
            let descriptor = strategy.descriptor!
            fits = descriptor.fits.contains(category)
            written = descriptor.maxLength
        }
        guard fits else {
            report(
                .strategyMismatch, table: table, column: column.name,
                "\(strategy) cannot write a column of type \(column.declaredType)")
            return
        }
        if category == .text, let written, let limit = Self.lengthLimit(column.declaredType), limit < written {
            report(
                .strategyMismatch, table: table, column: column.name,
                "\(strategy) writes up to \(written) characters but \(column.declaredType) holds \(limit)")
        }
    }

    /// The length limit of a `varchar(n)` or `char(n)` type.
    static func lengthLimit(_ declaredType: String) -> Int? {
        guard let open = declaredType.firstIndex(of: "("), let close = declaredType.firstIndex(of: ")"), open < close
        else { return nil }
        return Int(declaredType[declaredType.index(after: open)..<close].trimmingCharacters(in: .whitespaces))
    }

    mutating func checkEdges(_ table: Located, mapped: Set<String>) {
        for edge in table.map.reachedBy {
            guard let column = table.catalog.column(edge.column) else {
                report(
                    .missingColumn, table: table.map.name, column: edge.column,
                    "reached_by names a column the table does not have")
                continue
            }
            guard let source = catalog.table(edge.otherTable) else {
                report(
                    .missingTable, table: table.map.name, column: edge.column,
                    "\(edge.direction.rawValue) names \(edge.otherTable), which is not in the database")
                continue
            }
            guard mapped.contains(edge.otherTable) else {
                let hint =
                    edge.direction == .referencedBy
                    ? "; to say that \(edge.otherTable)'s rows point here without mapping it, declare it under references instead"
                    : ""
                report(
                    .unreachableTable, table: table.map.name, column: edge.column,
                    "\(edge.direction.rawValue) names \(edge.otherTable), which is not in tables, so none of its rows are ever reached\(hint)"
                )
                continue
            }
            guard let sourceColumn = source.column(edge.otherColumn) else {
                report(
                    .missingColumn, table: edge.otherTable, column: edge.otherColumn,
                    "named by \(table.map.name).reached_by, but the table has no such column")
                continue
            }
            if column.category != sourceColumn.category || !column.isComparable {
                report(
                    .keyTypeMismatch, table: table.map.name, column: edge.column,
                    "is \(column.declaredType) but \(edge.otherTable).\(edge.otherColumn) is \(sourceColumn.declaredType); edge columns must have the same type"
                )
            }
        }
    }

    mutating func locateLink(_ link: LinkTable, mapped: Set<String>) -> ErasurePlan.Link? {
        guard let live = catalog.table(link.table) else {
            report(.missingTable, table: link.table, "link table: no such table in the database")
            return nil
        }
        if !mapped.contains(link.table) {
            report(
                .unreachableTable, table: link.table,
                "link table is not in tables; its rows hold keys, so map it (match: its key columns)")
        }
        var columns: [DatabaseCatalog.Column] = []
        for name in link.columns {
            guard let column = live.column(name) else {
                report(.missingColumn, table: link.table, column: name, "link column: no such column in the database")
                continue
            }
            if !column.category.canHoldKeys {
                report(
                    .keyTypeMismatch, table: link.table, column: name,
                    "link column of type \(column.declaredType) cannot hold keys")
            }
            columns.append(column)
        }
        if let first = columns.first, let other = columns.first(where: { $0.category != first.category }) {
            report(
                .keyTypeMismatch, table: link.table, column: other.name,
                "is \(other.declaredType) but \(first.name) is \(first.declaredType); link columns must have the same type"
            )
        }
        guard columns.count == link.columns.count else { return nil }
        let tenant = link.tenant.flatMap { checkTenantColumn($0, of: link.table, in: live, strategy: nil) }
        if link.tenant != nil, tenant == nil { return nil }
        return ErasurePlan.Link(
            table: link.table, columns: columns, isIndexed: columns.map { live.isIndexed($0.name) }, tenant: tenant)
    }

    /// Checks a table's tenant column: it exists, holds text or integers, and is kept, since a
    /// rewritten tenant would put the row out of every tenant's reach.
    @discardableResult
    mutating func checkTenantColumn(
        _ name: String, of table: String, in live: DatabaseCatalog.Table, strategy: ColumnStrategy?
    ) -> DatabaseCatalog.Column? {
        guard let column = live.column(name) else {
            report(.missingColumn, table: table, column: name, "tenant names a column the table does not have")
            return nil
        }
        guard column.category.canHoldKeys else {
            report(
                .keyTypeMismatch, table: table, column: name,
                "tenant column of type \(column.declaredType) cannot hold tenant names; use a text or integer column")
            return nil
        }
        if let strategy, strategy != .keep {
            report(.strategyMismatch, table: table, column: name, "is the tenant column; it must be keep")
        }
        return column
    }

    /// The subject section names a mapped table, one of its match columns as the key, and columns
    /// it has for the login.
    mutating func checkSubject() {
        guard let subject = map.subject else { return }
        guard let table = map.tables.first(where: { $0.name == subject.table }) else {
            report(.invalidEntry, table: subject.table, "subject: the table is not in tables; map it first")
            return
        }
        if !table.match.contains(subject.key) {
            report(
                .invalidEntry, table: subject.table, column: subject.key,
                "subject.key must be one of the table's match columns")
        }
        guard let live = catalog.table(subject.table) else { return }
        for (field, column) in [("email", subject.email), ("password_hash", subject.passwordHash)] {
            guard let column else { continue }
            guard let found = live.column(column) else {
                report(.missingColumn, table: subject.table, column: column, "subject.\(field): no such column")
                continue
            }
            if found.category != .text {
                report(
                    .keyTypeMismatch, table: subject.table, column: column,
                    "subject.\(field) must be a text column, not \(found.declaredType)")
            }
        }
    }

    /// In a tenant-scoped map, every table matched by key and every link table names its tenant
    /// column; tables reached only through reached_by inherit the scope of the rows they hang off.
    mutating func checkTenantScope() {
        guard map.isTenantScoped else { return }
        for table in map.tables where !table.match.isEmpty && table.tenant == nil {
            report(
                .unscopedTable, table: table.name,
                "the map is scoped by tenant, but this table is matched by key without one: another tenant's rows with the same key would be reached; add tenant: COLUMN"
            )
        }
        for link in map.links where link.tenant == nil {
            report(
                .unscopedTable, table: link.table,
                "the map is scoped by tenant, but this link table has no tenant: links of another tenant would be followed; add tenant: COLUMN to its links entry"
            )
        }
    }

    mutating func checkArchive(_ pair: ArchivePair) {
        if let hot = catalog.table(pair.hotTable), hot.reusesKeys, let key = hot.primaryKey.first {
            report(
                .reusableArchiveKey, table: pair.hotTable, column: key,
                "a new row can get the id of a row already archived, and then cannot be archived; on SQLite declare it INTEGER PRIMARY KEY AUTOINCREMENT, on PostgreSQL give it an identity or a sequence default"
            )
        }
        for table in [pair.hotTable, pair.archiveTable] {
            guard let live = catalog.table(table) else { continue }
            if live.column(pair.timeColumn) == nil {
                report(
                    .missingColumn, table: table, column: pair.timeColumn,
                    "archive time_column: no such column in the database")
            } else if let category = live.column(pair.timeColumn)?.category,
                category != .timestamp && category != .date && category != .text
            {
                report(
                    .strategyMismatch, table: table, column: pair.timeColumn,
                    "archive time_column must be a timestamp or date")
            }
        }
    }

    /// References into mapped tables from rows erasure does not reach, which would make it lose
    /// someone else's data or leave rows pointing at deleted ones:
    /// - a table outside the map whose foreign key cascades or nulls on delete: its rows hang off
    ///   the mapped rows and likely hold the same person's data;
    /// - a table outside the map, or a column no edge follows, pointing at a table whose own rows
    ///   (matched, or reached as children) delete mode deletes.
    ///
    /// A parent target reached only through parent edges is safe: a row anyone else points at is
    /// judged shared and left alone.
    mutating func checkReferences(_ tables: [Located], graph: ReachGraph) {
        let byName = Dictionary(tables.map { ($0.map.name, $0.map) }, uniquingKeysWith: { first, _ in first })
        for table in tables {
            let name = table.map.name
            let ownsRows = !table.map.match.isEmpty || table.map.reachedBy.contains { $0.direction == .references }
            let deletesOwnRows = table.map.onDelete == .delete && ownsRows
            for (referencing, key) in catalog.foreignKeys(into: name) where referencing != name {
                let columns = key.columns.joined(separator: ", ")
                let declared = key.isDeclared ? " (declared under references)" : ""
                guard let referencingMap = byName[referencing] else {
                    if key.onDelete == .cascade || key.onDelete == .setNull || key.onDelete == .setDefault {
                        report(
                            .unmappedReference, table: referencing, column: columns,
                            "references \(name) ON DELETE \(key.onDelete.sql): its rows hang off \(name)'s and likely hold the same person's data, "
                                + "but \(referencing) is not in the data map; map it (reached_by: - column: \(key.columns[0]), references: \(name).\(key.referencedColumns.first ?? "…"))"
                        )
                    } else if deletesOwnRows {
                        report(
                            .unmappedReference, table: referencing, column: columns,
                            "references \(name)\(declared), which erasure deletes from, but \(referencing) is not in the data map; "
                                + "map it, or keep \(name)'s rows with on_delete: anonymise")
                    }
                    continue
                }
                if deletesOwnRows, !Self.isEdge(key, from: referencingMap, into: table.map) {
                    report(
                        .unmappedReference, table: referencing, column: columns,
                        "references \(name)\(declared), which erasure deletes from, through a column no reached_by edge follows, so rows of other people "
                            + "would point at deleted rows; add the edge to \(referencing), or keep \(name)'s rows with on_delete: anonymise"
                    )
                }
            }
        }
    }

    /// Whether a reference is followed by a reach edge: the referencing rows are reached as
    /// children of the referenced ones, or the referenced rows as parents of the referencing ones.
    static func isEdge(_ key: DatabaseCatalog.ForeignKey, from referencing: TableMap, into target: TableMap) -> Bool {
        guard key.columns.count == 1, let column = key.columns.first, let referenced = key.referencedColumns.first
        else { return false }
        let child = referencing.reachedBy.contains {
            $0.direction == .references && $0.column == column && $0.otherTable == target.name
                && $0.otherColumn == referenced
        }
        let parent = target.reachedBy.contains {
            $0.direction == .referencedBy && $0.column == referenced && $0.otherTable == referencing.name
                && $0.otherColumn == column
        }
        return child || parent
    }

    /// A table kept in delete mode must be able to let go of the person: its columns pointing at
    /// deleted rows become NULL, and its key columns cannot keep the key.
    mutating func checkRetention(_ table: Located, graph: ReachGraph) {
        let name = table.map.name
        for columnName in graph.columnsReferencingDeletedRows(of: name).sorted() {
            guard let column = table.catalog.column(columnName), !column.isNullable else { continue }
            report(
                .strategyMismatch, table: name, column: columnName,
                "on_delete: anonymise keeps the rows, but the column points at rows delete mode deletes; it must allow NULL"
            )
        }
        let keyColumns = Set(table.map.match + map.links.filter { $0.table == name }.flatMap(\.columns))
        for columnName in keyColumns.sorted() {
            guard let column = table.catalog.column(columnName), case .keep? = table.map.strategy(for: columnName)
            else { continue }
            if column.category == .integer && !column.isNullable {
                report(
                    .strategyMismatch, table: name, column: columnName,
                    "on_delete: anonymise keeps the rows, so delete mode must remove this key; an integer key column must allow NULL"
                )
            }
        }
    }
}
