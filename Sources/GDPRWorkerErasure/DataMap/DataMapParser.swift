import GDPRWorkerQueue
import Yams

/// Reads the YAML of a data map into the typed model, collecting every problem instead of stopping
/// at the first, and keeping what it could read so that `check` can report catalog problems too.
enum DataMapParser {
    struct Result {
        var map: DataMap
        var problems: [DataMapProblem]
    }

    static let strategyNames =
        "keep, rekey, null, redact, token, { redact: TEXT } or { placeholder: "
        + ColumnStrategy.Placeholder.allCases.map(\.rawValue).joined(separator: "|") + " }"

    static func parse(_ yaml: String) -> Result {
        var parser = Parser()
        let map = parser.document(yaml)
        return Result(map: map, problems: parser.problems)
    }

    private struct Parser {
        var problems: [DataMapProblem] = []

        mutating func report(
            _ code: DataMapProblem.Code, table: String? = nil, column: String? = nil, _ message: String
        ) {
            problems.append(DataMapProblem(code, table: table, column: column, message))
        }

        mutating func document(_ yaml: String) -> DataMap {
            var map = DataMap(tables: [])
            let root: Node?
            do {
                root = try Yams.compose(yaml: yaml)
            } catch let error as YamlError {
                report(.invalidYAML, Self.describe(error))
                return map
            } catch {
                report(.invalidYAML, "the data map is not valid YAML")
                return map
            }
            guard let root, let entries = mapping(root, where: "the data map", table: nil) else {
                if root == nil {
                    report(.invalidEntry, "the data map is empty; it needs version, tables and optionally links")
                }
                return map
            }
            var sawVersion = false
            var sawTables = false
            for (key, value) in entries {
                switch key {
                case "version":
                    sawVersion = true
                    if let version = integer(value), version == DataMap.currentVersion {
                        map.version = version
                    } else {
                        report(
                            .invalidEntry,
                            "version: unsupported; this gdpr-worker reads version \(DataMap.currentVersion)")
                    }
                case "cascade_limit":
                    if let limit = integer(value), limit >= 1 {
                        map.cascadeLimit = limit
                    } else {
                        report(
                            .invalidEntry,
                            "cascade_limit: must be a whole number of at least 1 (keys per job, the customer's own included)"
                        )
                    }
                case "links":
                    map.links = links(value)
                case "tables":
                    sawTables = true
                    map.tables = tables(value)
                case "references":
                    map.references = references(value)
                case "not_references":
                    map.notReferences = columnList(value, where: "not_references")
                case "subject":
                    map.subject = subject(value)
                default:
                    report(
                        .invalidEntry,
                        "unknown top-level key '\(key)'; known: version, cascade_limit, links, tables, references, not_references, subject"
                    )
                }
            }
            if !sawVersion { report(.invalidEntry, "version: missing; add `version: \(DataMap.currentVersion)`") }
            // `tables: {}` is allowed on purpose: jobs then erase nothing, which is how the queue is
            // benchmarked and how a pipeline is tried before a schema is mapped. A missing key is a mistake.
            if !sawTables {
                report(
                    .invalidEntry, "tables: missing; map your tables, or write `tables: {}` for jobs that erase nothing"
                )
            }
            return map
        }

        // MARK: Sections

        mutating func links(_ node: Node) -> [LinkTable] {
            guard let items = node.sequence else {
                report(.invalidEntry, "links: must be a list of { table, columns }")
                return []
            }
            var links: [LinkTable] = []
            for (index, item) in items.enumerated() {
                guard let entries = mapping(item, where: "links[\(index)]", table: nil) else { continue }
                var table: String?
                var columns: [String]?
                var tenant: String?
                for (key, value) in entries {
                    switch key {
                    case "table": table = name(value, where: "links[\(index)].table", table: nil)
                    case "columns": columns = names(value, where: "columns", table: table ?? "links[\(index)]")
                    case "tenant": tenant = name(value, where: "links[\(index)].tenant", table: table)
                    default:
                        report(.invalidEntry, "links[\(index)]: unknown key '\(key)'; known: table, columns, tenant")
                    }
                }
                guard let table else {
                    report(.invalidEntry, "links[\(index)]: missing table")
                    continue
                }
                guard let columns, columns.count >= 2 else {
                    report(.invalidEntry, table: table, "link table needs at least two key columns in columns")
                    continue
                }
                if Set(columns).count != columns.count {
                    report(.duplicate, table: table, "link columns name the same column twice")
                }
                links.append(LinkTable(table: table, columns: columns, tenant: tenant))
            }
            return links
        }

        mutating func subject(_ node: Node) -> SubjectMap? {
            guard let entries = mapping(node, where: "subject", table: nil) else { return nil }
            var fields: [String: String] = [:]
            for (key, value) in entries {
                switch key {
                case "table", "key", "email", "password_hash":
                    fields[key] = name(value, where: "subject.\(key)", table: nil)
                default:
                    report(.invalidEntry, "subject: unknown key '\(key)'; known: table, key, email, password_hash")
                }
            }
            guard let table = fields["table"], let key = fields["key"] else {
                report(
                    .invalidEntry,
                    "subject: needs table and key (the table with one row per person, and its key column)")
                return nil
            }
            if (fields["email"] == nil) != (fields["password_hash"] == nil) {
                report(.invalidEntry, table: table, "subject: email and password_hash go together")
            }
            return SubjectMap(table: table, key: key, email: fields["email"], passwordHash: fields["password_hash"])
        }

        mutating func references(_ node: Node) -> [DeclaredReference] {
            guard let items = node.sequence else {
                report(
                    .invalidEntry, "references: must be a list of { column: TABLE.COLUMN, references: TABLE.COLUMN }")
                return []
            }
            var references: [DeclaredReference] = []
            for (index, item) in items.enumerated() {
                guard let entries = mapping(item, where: "references[\(index)]", table: nil) else { continue }
                var column: QualifiedColumn?
                var target: QualifiedColumn?
                for (key, value) in entries {
                    switch key {
                    case "column": column = qualified(value, where: "references[\(index)].column")
                    case "references": target = qualified(value, where: "references[\(index)].references")
                    default:
                        report(.invalidEntry, "references[\(index)]: unknown key '\(key)'; known: column, references")
                    }
                }
                guard let column, let target else {
                    report(.invalidEntry, "references[\(index)]: needs column and references, each TABLE.COLUMN")
                    continue
                }
                references.append(DeclaredReference(column: column, references: target))
            }
            return references
        }

        /// A list of `TABLE.COLUMN` names.
        mutating func columnList(_ node: Node, where place: String) -> [QualifiedColumn] {
            guard let items = node.sequence else {
                report(.invalidEntry, "\(place): must be a list of TABLE.COLUMN")
                return []
            }
            return items.enumerated().compactMap { index, item in qualified(item, where: "\(place)[\(index)]") }
        }

        mutating func qualified(_ node: Node, where place: String) -> QualifiedColumn? {
            guard let text = node.scalar?.string, let column = QualifiedColumn(parsing: text) else {
                report(.invalidEntry, "\(place): must be TABLE.COLUMN")
                return nil
            }
            return column
        }

        mutating func tables(_ node: Node) -> [TableMap] {
            guard let entries = mapping(node, where: "tables", table: nil) else { return [] }
            var tables: [TableMap] = []
            for (name, value) in entries {
                guard !name.isEmpty else {
                    report(.invalidEntry, "tables: a table name is empty")
                    continue
                }
                if let table = table(name, value) { tables.append(table) }
            }
            return tables
        }

        mutating func table(_ name: String, _ node: Node) -> TableMap? {
            guard let entries = mapping(node, where: "the table's entry", table: name) else { return nil }
            var table = TableMap(name: name, columns: [])
            var sawColumns = false
            for (key, value) in entries {
                switch key {
                case "primary_key":
                    table.primaryKey = names(value, where: "primary_key", table: name)
                case "match":
                    table.match = names(value, where: "match", table: name) ?? []
                case "tenant":
                    table.tenant = self.name(value, where: "tenant", table: name)
                case "on_delete":
                    if let text = value.scalar?.string, let policy = TableMap.DeletePolicy(rawValue: text) {
                        table.onDelete = policy
                    } else {
                        report(.invalidEntry, table: name, "on_delete: must be delete or anonymise")
                    }
                case "reached_by":
                    table.reachedBy = reachedBy(value, table: name)
                case "archive":
                    table.archive = archive(value, table: name)
                case "columns":
                    sawColumns = true
                    columns(value, into: &table)
                default:
                    report(
                        .invalidEntry, table: name,
                        "unknown key '\(key)'; known: primary_key, match, tenant, reached_by, on_delete, archive, columns"
                    )
                }
            }
            if !sawColumns {
                report(.invalidEntry, table: name, "columns: missing; every column of the table needs a strategy")
            }
            return table
        }

        mutating func reachedBy(_ node: Node, table: String) -> [ReachEdge] {
            guard let items = node.sequence else {
                report(
                    .invalidEntry, table: table,
                    "reached_by: must be a list of { column, references | referenced_by: TABLE.COLUMN }")
                return []
            }
            var edges: [ReachEdge] = []
            for (index, item) in items.enumerated() {
                guard let entries = mapping(item, where: "reached_by[\(index)]", table: table) else { continue }
                var column: String?
                var targets: [(ReachEdge.Direction, String)] = []
                for (key, value) in entries {
                    switch key {
                    case "column":
                        column = name(value, where: "reached_by[\(index)].column", table: table)
                    case ReachEdge.Direction.references.rawValue, ReachEdge.Direction.referencedBy.rawValue:
                        let direction = ReachEdge.Direction(rawValue: key)!
                        if let target = name(value, where: "reached_by[\(index)].\(key)", table: table) {
                            targets.append((direction, target))
                        }
                    default:
                        report(
                            .invalidEntry, table: table,
                            "reached_by[\(index)]: unknown key '\(key)'; known: column, references, referenced_by")
                    }
                }
                guard let column else {
                    report(.invalidEntry, table: table, "reached_by[\(index)]: missing column")
                    continue
                }
                guard targets.count == 1, let (direction, target) = targets.first else {
                    report(
                        .invalidEntry, table: table, column: column,
                        "reached_by needs exactly one of references or referenced_by")
                    continue
                }
                let parts = target.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    report(.invalidEntry, table: table, column: column, "\(direction.rawValue): must be TABLE.COLUMN")
                    continue
                }
                edges.append(ReachEdge(column: column, direction, String(parts[0]), String(parts[1])))
            }
            return edges
        }

        mutating func archive(_ node: Node, table: String) -> TableMap.Archive? {
            guard let entries = mapping(node, where: "archive", table: table) else { return nil }
            var archiveTable: String?
            var timeColumn: String?
            for (key, value) in entries {
                switch key {
                case "table": archiveTable = name(value, where: "archive.table", table: table)
                case "time_column": timeColumn = name(value, where: "archive.time_column", table: table)
                default: report(.invalidEntry, table: table, "archive: unknown key '\(key)'; known: table, time_column")
                }
            }
            guard let archiveTable, let timeColumn else {
                report(.invalidEntry, table: table, "archive: needs table and time_column")
                return nil
            }
            return TableMap.Archive(table: archiveTable, timeColumn: timeColumn)
        }

        mutating func columns(_ node: Node, into table: inout TableMap) {
            guard let entries = mapping(node, where: "columns", table: table.name) else { return }
            for (column, value) in entries {
                if let strategy = strategy(value, table: table.name, column: column) {
                    table.columns.append(ColumnRule(column, strategy))
                } else {
                    table.unreadableColumns.insert(column)
                }
            }
        }

        mutating func strategy(_ node: Node, table: String, column: String) -> ColumnStrategy? {
            if let scalar = node.scalar {
                switch scalar.string {
                case "keep": return .keep
                case "rekey": return .rekey
                case "null", "Null", "NULL", "~": return .null
                case "redact": return .redact(ColumnStrategy.defaultRedaction)
                case "token": return .token
                case "":
                    report(
                        .unknownStrategy, table: table, column: column,
                        "no strategy; use \(DataMapParser.strategyNames)")
                case "placeholder":
                    report(
                        .unknownStrategy, table: table, column: column,
                        "placeholder needs a kind: { placeholder: \(placeholderNames) }")
                default:
                    report(
                        .unknownStrategy, table: table, column: column,
                        "unknown strategy '\(scalar.string)'; use \(DataMapParser.strategyNames)")
                }
                return nil
            }
            guard let entries = node.mapping, entries.count == 1, let (keyNode, value) = entries.first,
                let key = keyNode.scalar?.string
            else {
                report(
                    .unknownStrategy, table: table, column: column,
                    "a strategy is a word or a one-key mapping; use \(DataMapParser.strategyNames)")
                return nil
            }
            switch key {
            case "redact":
                guard let text = value.scalar?.string, !text.isEmpty else {
                    report(.invalidEntry, table: table, column: column, "redact: needs a non-empty text")
                    return nil
                }
                return .redact(text)
            case "placeholder":
                guard let kind = value.scalar?.string, let placeholder = ColumnStrategy.Placeholder(rawValue: kind)
                else {
                    report(
                        .unknownStrategy, table: table, column: column,
                        "unknown placeholder '\(value.scalar?.string ?? "")'; use one of \(placeholderNames)")
                    return nil
                }
                return .placeholder(placeholder)
            default:
                report(
                    .unknownStrategy, table: table, column: column,
                    "unknown strategy '\(key)'; use \(DataMapParser.strategyNames)")
                return nil
            }
        }

        var placeholderNames: String { ColumnStrategy.Placeholder.allCases.map(\.rawValue).joined(separator: ", ") }

        // MARK: Nodes

        /// A mapping's entries with string keys, reporting duplicates and non-string keys.
        mutating func mapping(_ node: Node, where place: String, table: String?) -> [(String, Node)]? {
            guard let mapping = node.mapping else {
                report(.invalidEntry, table: table, "\(place): must be a mapping of keys to values")
                return nil
            }
            var seen: Set<String> = []
            var entries: [(String, Node)] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    report(.invalidEntry, table: table, "\(place): keys must be plain names")
                    continue
                }
                guard seen.insert(name).inserted else {
                    report(.duplicate, table: table, "\(place): '\(name)' appears twice")
                    continue
                }
                entries.append((name, value))
            }
            return entries
        }

        mutating func name(_ node: Node, where place: String, table: String?) -> String? {
            guard let text = node.scalar?.string, !text.isEmpty else {
                report(.invalidEntry, table: table, "\(place): must be a name")
                return nil
            }
            return text
        }

        /// One name or a list of names.
        mutating func names(_ node: Node, where place: String, table: String) -> [String]? {
            if let single = node.scalar?.string, !single.isEmpty { return [single] }
            guard let items = node.sequence, !items.isEmpty else {
                report(.invalidEntry, table: table, "\(place): must be a column name or a list of them")
                return nil
            }
            var names: [String] = []
            for item in items {
                guard let text = item.scalar?.string, !text.isEmpty else {
                    report(.invalidEntry, table: table, "\(place): must list column names")
                    return nil
                }
                names.append(text)
            }
            return names
        }

        func integer(_ node: Node) -> Int? {
            node.scalar.flatMap { Int($0.string) }
        }

        static func describe(_ error: YamlError) -> String {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)"
            default:
                return "the data map is not valid YAML"
            }
        }
    }
}
