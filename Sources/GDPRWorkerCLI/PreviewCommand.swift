import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show what a remove job would touch for a key, changing nothing.",
        discussion: """
            Runs the erasure as a worker would, in a transaction that is always rolled back, and prints
            {"mode","tenant","keys","tables":[{table,method,rows,fields}]}: per table the rows reached and the fields
            rewritten (or the rows deleted), and how many linked keys the job covers. Read the key from stdin with -.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The customer key, or - to read it from standard input.", valueName: "key"))
    var key: String

    @Option(help: ArgumentHelp("anonymise or delete.", valueName: "mode"))
    var mode: String = ErasureMode.anonymise.rawValue

    @Option(help: ArgumentHelp("The tenant the key belongs to.", valueName: "tenant"))
    var tenant: String = Tenant.default.name

    func run() async throws {
        let customerKey = try CustomerKey(key == "-" ? readLine(strippingNewline: true) ?? "" : key)
        let mode = try ErasureMode(parsing: mode)
        let tenant = try Tenant(tenant)
        let logger = try options.bootstrapLogging()
        let runtime = try WorkerRuntime.prepare(options: options, exports: .init(), logger: logger)
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        print(try runtime.handler.preview(customerKey, tenant: tenant, mode: mode, on: connection.database).json)
    }
}
