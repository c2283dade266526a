import GDPRWorkerQueue

/// Validates a data map against the live database, the same way on both engines.
///
/// `gdpr-worker check` prints the problems and warnings; `serve` and `work` refuse to start while
/// there are problems, because a map that does not fit the schema would fail every job, or
/// worse, miss personal data.
public enum DataMapCheck {
    /// What `check` found: problems refuse the map; warnings point at likely undeclared
    /// references and unindexed lookups.
    public struct Report: Sendable {
        public var problems: [DataMapProblem]
        public var warnings: [DataMapProblem]

        /// The problems, and with `strict` also the undeclared references, which on a schema
        /// without foreign keys decide whether shared rows survive.
        public func refusals(strict: Bool) -> [DataMapProblem] {
            problems + (strict ? warnings.filter { $0.code == .undeclaredReference } : [])
        }
    }

    /// Every problem of a parsed map against the database the connection is open on.
    public static func run(
        _ map: DataMap, on connection: any DatabaseConnection
    ) throws(DatabaseError) -> [DataMapProblem] {
        var planner = ErasurePlanner(map: map, catalog: try connection.erasureDialect().loadCatalog(connection))
        _ = planner.compile()
        return planner.problems
    }

    /// Every problem of a map's YAML: what parsing found, then, with what could be read, what the
    /// database shows.
    public static func run(
        yaml: String, on connection: any DatabaseConnection
    ) throws(DatabaseError) -> [DataMapProblem] {
        try report(yaml: yaml, on: connection, warnings: false).problems
    }

    /// Every problem of a data map file.
    public static func run(
        contentsOf path: String, on connection: any DatabaseConnection
    ) throws(DatabaseError) -> [DataMapProblem] {
        try report(contentsOf: path, on: connection, warnings: false).problems
    }

    /// The problems of a map's YAML and, when it compiles and `warnings` is set, its warnings.
    public static func report(
        yaml: String, on connection: any DatabaseConnection, warnings: Bool = true
    ) throws(DatabaseError) -> Report {
        let parsed = DataMapParser.parse(yaml)
        if parsed.problems.contains(where: { $0.code == .invalidYAML }) {
            return Report(problems: parsed.problems, warnings: [])
        }
        var planner = ErasurePlanner(
            map: parsed.map, catalog: try connection.erasureDialect().loadCatalog(connection),
            parseProblems: parsed.problems)
        let plan = planner.compile()
        guard warnings, let plan, planner.problems.isEmpty else {
            return Report(problems: planner.problems, warnings: [])
        }
        let references = try UndeclaredReferences(
            map: parsed.map, plan: plan, catalog: planner.catalog, connection: connection
        ).problems()
        let indexes = IndexAdvice(plan: plan, catalog: planner.catalog, dialect: try connection.erasureDialect())
            .problems()
        return Report(problems: [], warnings: references + indexes)
    }

    /// The report of a data map file.
    public static func report(
        contentsOf path: String, on connection: any DatabaseConnection, warnings: Bool = true
    ) throws(DatabaseError) -> Report {
        let yaml: String
        do {
            yaml = try DataMap.read(path)
        } catch {
            return Report(problems: error.problems, warnings: [])
        }
        return try report(yaml: yaml, on: connection, warnings: warnings)
    }

    /// The compiled plan, or the problems that keep the map from working.
    static func plan(_ map: DataMap, on connection: any DatabaseConnection) throws -> ErasurePlan {
        var planner = ErasurePlanner(map: map, catalog: try connection.erasureDialect().loadCatalog(connection))
        guard let plan = planner.compile() else { throw DataMapError(problems: planner.problems) }
        return plan
    }
}
