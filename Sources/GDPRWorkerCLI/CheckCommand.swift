import ArgumentParser
import Foundation
import GDPRWorkerCore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the data map against the live database.",
        discussion: """
            Prints one line per problem, naming the table and column: a missing table or column, a column no strategy
            classifies, an unknown strategy, a cycle, a key type mismatch, and more. Exits 0 when the map fits the
            database and 65 when it does not; serve and work refuse to start on a map that fails.
            """
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        guard let path = options.resolvedDataMapPath() else {
            throw InputError(.invalidArgument, "no data map: pass --data-map PATH or set GDPR_WORKER_DATA_MAP")
        }
        let connection = try options.store().connect()
        defer { connection.database.close() }
        let problems = try DataMapCheck.run(contentsOf: path, on: connection.database)
        guard problems.isEmpty else {
            for problem in problems { print(problem) }
            throw CommandError(message: "the data map \(path) has \(problems.count) problem\(problems.count == 1 ? "" : "s")", code: CommandFailure.dataError)
        }
        let map = try DataMap(contentsOf: path)
        guard !map.tables.isEmpty else {
            print("data map OK, but it maps no tables: jobs will finish without erasing anything")
            return
        }
        let archives = map.archivePairs.count
        print(
            "data map OK: \(map.tables.count) tables\(archives > 0 ? " and \(archives) archive table\(archives == 1 ? "" : "s")" : ""), "
                + "\(map.links.count) link table\(map.links.count == 1 ? "" : "s"), cascade_limit \(map.cascadeLimit)")
    }
}
