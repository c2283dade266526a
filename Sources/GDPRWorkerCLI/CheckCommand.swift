import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the data map against the live database.",
        discussion: """
            Prints one line per problem, naming the table and column: a missing table or column, a column no strategy
            classifies, an unknown strategy, a cycle, a key type mismatch, a primary key no unique index backs, a table
            outside the map whose foreign key would cascade from or block an erasure, and more. Then warnings: columns
            that look like references into mapped tables but that no foreign key or `references` entry declares, and
            lookups no index serves, each with the CREATE INDEX to run. Exits 0 when the map fits the database and 65
            when it does not; with --strict, undeclared references fail it too. serve and work refuse to start on a
            map with problems.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Flag(
        help:
            "Refuse the map while a likely reference is neither declared under references nor listed under not_references."
    )
    var strict = false

    func run() async throws {
        guard let path = options.resolvedDataMapPath() else {
            throw InputError(.invalidArgument, "no data map: pass --data-map PATH or set GDPR_WORKER_DATA_MAP")
        }
        let connection = try options.store().connect()
        defer { connection.database.close() }
        let report = try DataMapCheck.report(contentsOf: path, on: connection.database)
        let refusals = report.refusals(strict: strict)
        for problem in refusals { print(problem) }
        for warning in report.warnings where !refusals.contains(warning) {
            print("warning: \(warning)" + (warning.fix.map { "\n  fix: \($0)" } ?? ""))
        }
        guard refusals.isEmpty else {
            throw CommandError(
                message: "the data map \(path) has \(refusals.count) problem\(refusals.count == 1 ? "" : "s")",
                code: CommandFailure.dataError)
        }
        let map = try DataMap(contentsOf: path)
        guard !map.tables.isEmpty else {
            print("data map OK, but it maps no tables: jobs will finish without erasing anything")
            return
        }
        let archives = map.archivePairs.count
        let warnings =
            report.warnings.isEmpty
            ? "" : "; \(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s") above"
        print(
            "data map OK: \(map.tables.count) tables\(archives > 0 ? " and \(archives) archive table\(archives == 1 ? "" : "s")" : ""), "
                + "\(map.links.count) link table\(map.links.count == 1 ? "" : "s"), \(map.references.count) declared reference\(map.references.count == 1 ? "" : "s"), "
                + "cascade_limit \(map.cascadeLimit)\(warnings)")
    }
}
