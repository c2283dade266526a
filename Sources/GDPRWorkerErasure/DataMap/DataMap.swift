import Foundation
import GDPRWorkerQueue

/// The user's schema, described once: which tables hold a person's data, how their rows are reached
/// from the person's keys, and what erasure does to every column.
///
/// Parsed from YAML (see the README's "Data map" section). Parsing checks the document on its own;
/// `DataMapCheck` then checks it against the live database catalog.
public struct DataMap: Sendable, Hashable {
    /// The only format version this binary reads.
    public static let currentVersion = 1
    /// The default cap on keys per job, the customer's own included.
    public static let defaultCascadeLimit = 50

    public var version: Int
    /// The most keys one job may cover; past it the job fails and nothing is erased.
    public var cascadeLimit: Int
    /// Tables pairing keys of the same person, followed transitively in both directions.
    public var links: [LinkTable]
    /// The mapped tables, in document order. An archive table is listed by its hot table's `archive`.
    public var tables: [TableMap]
    /// References the database does not declare as foreign keys, from any table into a mapped one.
    public var references: [DeclaredReference]
    /// Columns `check` would suggest as undeclared references that are not; `check --strict`
    /// accepts them.
    public var notReferences: [QualifiedColumn]
    /// Where the data subjects' own rows are, for the front doors that look a person up.
    public var subject: SubjectMap?

    public init(
        version: Int = DataMap.currentVersion, cascadeLimit: Int = DataMap.defaultCascadeLimit, links: [LinkTable] = [],
        tables: [TableMap],
        references: [DeclaredReference] = [], notReferences: [QualifiedColumn] = [], subject: SubjectMap? = nil
    ) {
        self.subject = subject
        self.version = version
        self.cascadeLimit = cascadeLimit
        self.links = links
        self.tables = tables
        self.references = references
        self.notReferences = notReferences
    }

    /// Parses a data map, refusing it with every problem found when it is malformed.
    public init(yaml: String) throws(DataMapError) {
        let parsed = DataMapParser.parse(yaml)
        guard parsed.problems.isEmpty else { throw DataMapError(problems: parsed.problems) }
        self = parsed.map
    }

    /// Reads and parses a data map file.
    public init(contentsOf path: String) throws(DataMapError) {
        self = try DataMap(yaml: try Self.read(path))
    }

    /// The text of a data map file, or a one-line problem naming the path when it cannot be read.
    static func read(_ path: String) throws(DataMapError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DataMapError(problems: [
                DataMapProblem(.unreadable, "cannot read the data map at \(path); check the path and its permissions")
            ])
        }
    }

    /// A mapped table by name, hot or archive; an archive table is returned as a copy of its hot
    /// table's map under its own name.
    public func table(named name: String) -> TableMap? {
        expandedTables.first { $0.name == name }
    }

    /// Every table erasure touches: the mapped tables, then each archive table mapped like its hot table.
    public var expandedTables: [TableMap] {
        tables
            + tables.compactMap { table in
                table.archive.map { archive in
                    var copy = table
                    copy.name = archive.table
                    copy.archive = nil
                    copy.archiveOf = table.name
                    return copy
                }
            }
    }

    /// The hot/archive table pairs the archive sweep moves rows between.
    public var archivePairs: [ArchivePair] {
        tables.compactMap { table in
            table.archive.map { ArchivePair(hotTable: table.name, archiveTable: $0.table, timeColumn: $0.timeColumn) }
        }
    }

    /// Whether the map scopes rows by tenant: some table or link names a tenant column. Then a
    /// job's keys reach only rows of the job's tenant, and `check` refuses a table whose rows
    /// could be matched without that scope.
    public var isTenantScoped: Bool {
        tables.contains { $0.tenant != nil } || links.contains { $0.tenant != nil }
    }

    /// Whether jobs must also wait for the sweep's archive watermark: the map has archive tables.
    public var requiresArchiveWatermark: Bool { !archivePairs.isEmpty }
}

/// A table whose rows pair keys of the same person (a session and its customer, say).
public struct LinkTable: Sendable, Hashable {
    public var table: String
    /// Two or more key columns; every pair of non-null values in a row is linked.
    public var columns: [String]
    /// The column naming the tenant a row belongs to: only the job's tenant's links are followed.
    public var tenant: String?

    public init(table: String, columns: [String], tenant: String? = nil) {
        self.table = table
        self.columns = columns
        self.tenant = tenant
    }
}

/// A hot table and the archive table the sweep moves its older rows to.
public struct ArchivePair: Sendable, Hashable {
    public var hotTable: String
    public var archiveTable: String
    /// The column whose time decides when a row moves to the archive.
    public var timeColumn: String

    public init(hotTable: String, archiveTable: String, timeColumn: String) {
        self.hotTable = hotTable
        self.archiveTable = archiveTable
        self.timeColumn = timeColumn
    }
}
