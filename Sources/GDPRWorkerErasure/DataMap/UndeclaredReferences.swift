import GDPRWorkerQueue

/// Columns that look like references into mapped tables but that neither a foreign key nor the
/// data map's `references` declares: on a schema without foreign keys, the engine cannot know that
/// `staff.address_id` points at `address.id` unless told, and would take a shared address for
/// the person's own.
///
/// Two signs, each reported with its reason:
/// - the name: `address_id` or `addressid` for a key `address.id`, `address_id` for a key
///   `address.address_id` (case and underscores ignored, a plural table name made singular);
/// - the values: for a column whose name ends in `id` and names no table of the database, every
///   sampled value is a key of the table (`SupportRepId` ↔ `Employee.EmployeeId`, where
///   `GenreId` names the table `Genre` and is left alone). A table's columns are not compared with
///   its own key this way, and small integers can match by chance: `not_references` silences a
///   false one.
struct UndeclaredReferences {
    /// How many values of a column are looked up in a candidate table.
    static let sampleSize = 200

    let map: DataMap
    let plan: ErasurePlan
    let catalog: DatabaseCatalog
    let connection: any DatabaseConnection

    func problems() throws(DatabaseError) -> [DataMapProblem] {
        let targets = self.targets()
        let covered = self.covered()
        let tableNames = Set(catalog.tables.keys.flatMap { [Self.normalized($0), Self.singular(Self.normalized($0))] })
        var problems: [DataMapProblem] = []
        let dialect = try connection.erasureDialect()
        for table in catalog.tables.values.sorted(by: { $0.name < $1.name }) where !Self.isInternal(table.name) {
            for column in table.columns
            where column.isComparable && !covered.contains(QualifiedColumn(table.name, column.name)) {
                let candidates = targets.filter { target in
                    target.column.category == column.category
                        && !(target.table == table.name && target.column.name == column.name)
                }
                var named = candidates.filter {
                    Self.namesMatch(column.name, target: $0.table, key: $0.column.name) && $0.table != table.name
                }
                named += candidates.filter {
                    $0.table == table.name && Self.namesMatch(column.name, target: $0.table, key: $0.column.name)
                }
                if let target = named.first {
                    problems.append(problem(table.name, column.name, target, reason: "its name matches"))
                    continue
                }
                // A table's own key identifies its rows; it points nowhere.
                guard Self.endsInID(column.name), table.primaryKey != [column.name] else { continue }
                // `artist_id` names the table `artist`: a reference there, not into a mapped table.
                guard !tableNames.contains(String(Self.normalized(column.name).dropLast(2))) else { continue }
                for target in candidates where target.table != table.name {
                    let sample = """
                        SELECT count(*) AS sampled, sum(CASE WHEN EXISTS (SELECT 1 FROM \(dialect.quote(target.table)) AS t
                                                                          WHERE t.\(dialect.quote(target.column.name)) = s.v) THEN 1 ELSE 0 END) AS found
                          FROM (SELECT r.\(dialect.quote(column.name)) AS v FROM \(dialect.quote(table.name)) AS r
                                 WHERE r.\(dialect.quote(column.name)) IS NOT NULL LIMIT \(Self.sampleSize)) AS s
                        """
                    guard let row = try connection.queryFirst(sample), let sampled = row.optionalInt("sampled"),
                        sampled > 0,
                        row.optionalInt("found") == sampled
                    else { continue }
                    problems.append(
                        problem(
                            table.name, column.name, target,
                            reason: "every one of \(sampled) sampled values is one of its keys"))
                }
            }
        }
        return problems
    }

    private func problem(
        _ table: String, _ column: String, _ target: (table: String, column: DatabaseCatalog.Column), reason: String
    ) -> DataMapProblem {
        DataMapProblem(
            .undeclaredReference, table: table, column: column,
            "looks like a reference to \(target.table).\(target.column.name) (\(reason)) that no foreign key or references entry declares; "
                + "declare it under references (- column: \(table).\(column), references: \(target.table).\(target.column.name)) or list it under not_references"
        )
    }

    /// The single-column keys of mapped tables, and the columns reach edges join on.
    private func targets() -> [(table: String, column: DatabaseCatalog.Column)] {
        var seen: Set<QualifiedColumn> = []
        var targets: [(String, DatabaseCatalog.Column)] = []
        func add(_ table: String, _ column: DatabaseCatalog.Column) {
            if seen.insert(QualifiedColumn(table, column.name)).inserted { targets.append((table, column)) }
        }
        for table in plan.tables {
            if table.primaryKey.count == 1 { add(table.name, table.primaryKey[0]) }
            for edge in table.childEdges { add(plan.tables[edge.source].name, edge.sourceColumn) }
            for edge in table.parentEdges { add(table.name, edge.column) }
        }
        return targets
    }

    /// Columns already accounted for: foreign keys (declared or not), reach edges, link and match
    /// columns, and `not_references`.
    private func covered() -> Set<QualifiedColumn> {
        var covered = Set(map.notReferences)
        for table in catalog.tables.values {
            for key in table.foreignKeys { covered.formUnion(key.columns.map { QualifiedColumn(table.name, $0) }) }
        }
        for table in map.expandedTables {
            covered.formUnion(table.match.map { QualifiedColumn(table.name, $0) })
            for edge in table.reachedBy {
                covered.insert(QualifiedColumn(table.name, edge.column))
                covered.insert(QualifiedColumn(edge.otherTable, edge.otherColumn))
            }
        }
        for link in map.links { covered.formUnion(link.columns.map { QualifiedColumn(link.table, $0) }) }
        return covered
    }

    /// gdpr-worker's own tables, and the engine's.
    static func isInternal(_ table: String) -> Bool {
        table.hasPrefix("gdpr_") || table.hasPrefix("sqlite_")
    }

    /// Lower case without underscores, for comparing names across naming styles.
    static func normalized(_ name: String) -> String {
        name.lowercased().filter { $0 != "_" }
    }

    /// A plural table name made singular by the common English rules.
    static func singular(_ name: String) -> String {
        if name.hasSuffix("ies") { return String(name.dropLast(3)) + "y" }
        if ["sses", "xes", "ches", "shes"].contains(where: name.hasSuffix) { return String(name.dropLast(2)) }
        if name.hasSuffix("s") && !name.hasSuffix("ss") { return String(name.dropLast()) }
        return name
    }

    static func namesMatch(_ column: String, target table: String, key: String) -> Bool {
        let column = normalized(column)
        let key = normalized(key)
        let tables = [normalized(table), singular(normalized(table))]
        if key != "id" && column == key { return true }
        return tables.contains { column == $0 + key || column == $0 + "id" }
    }

    /// `address_id`, `SupportRepId`: a name that ends in `id` but is more than `id`.
    static func endsInID(_ name: String) -> Bool {
        let name = normalized(name)
        return name.hasSuffix("id") && name != "id"
    }
}
