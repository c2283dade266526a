import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Enqueue a job for a customer key and print its jid.",
        discussion: "Pass - as the key to read it from standard input, which keeps it out of shell history and ps."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The customer key, or - to read it from standard input.", valueName: "customerKey"))
    var customerKey: String

    @Option(help: ArgumentHelp("anonymise or delete.", valueName: "mode"))
    var mode: String = ErasureMode.anonymise.rawValue

    @Option(help: ArgumentHelp("remove, or export to collect the data first.", valueName: "kind"))
    var kind: String = JobKind.remove.rawValue

    @Option(help: ArgumentHelp("The tenant the job belongs to.", valueName: "tenant"))
    var tenant: String = Tenant.default.name

    func run() async throws {
        let rawKey = customerKey == "-" ? (readLine(strippingNewline: true) ?? "") : customerKey
        let request = EnqueueRequest(
            customerKey: try CustomerKey(rawKey), tenant: try Tenant(tenant), kind: try JobKind(parsing: kind),
            mode: try ErasureMode(parsing: mode))
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        print(try connection.enqueue(request).jid)
    }
}
