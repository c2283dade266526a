/// Validates a data map against the live database, the same way on both engines.
///
/// `gdpr-worker check` prints the problems; `serve` and `work` refuse to start while there are any,
/// because a map that does not fit the schema would fail every job, or worse, miss personal data.
public enum DataMapCheck {
    /// Every problem of a parsed map against the database the connection is open on.
    public static func run(_ map: DataMap, on connection: any DatabaseConnection) throws(DatabaseError) -> [DataMapProblem] {
        var planner = ErasurePlanner(map: map, catalog: try connection.dialect.loadCatalog(connection))
        _ = planner.compile()
        return planner.problems
    }

    /// Every problem of a map's YAML: what parsing found, then, with what could be read, what the
    /// database shows.
    public static func run(yaml: String, on connection: any DatabaseConnection) throws(DatabaseError) -> [DataMapProblem] {
        let parsed = DataMapParser.parse(yaml)
        if parsed.problems.contains(where: { $0.code == .invalidYAML }) { return parsed.problems }
        var planner = ErasurePlanner(map: parsed.map, catalog: try connection.dialect.loadCatalog(connection), parseProblems: parsed.problems)
        _ = planner.compile()
        return planner.problems
    }

    /// Every problem of a data map file.
    public static func run(contentsOf path: String, on connection: any DatabaseConnection) throws(DatabaseError) -> [DataMapProblem] {
        do {
            return try run(yaml: try DataMap.read(path), on: connection)
        } catch let error as DataMapError {
            return error.problems
        } catch let error as DatabaseError {
            throw error
        } catch {
            return [DataMapProblem(.unreadable, "cannot read the data map at \(path)")]
        }
    }

    /// The compiled plan, or the problems that keep the map from working.
    static func plan(_ map: DataMap, on connection: any DatabaseConnection) throws -> ErasurePlan {
        var planner = ErasurePlanner(map: map, catalog: try connection.dialect.loadCatalog(connection))
        guard let plan = planner.compile() else { throw DataMapError(problems: planner.problems) }
        return plan
    }
}
