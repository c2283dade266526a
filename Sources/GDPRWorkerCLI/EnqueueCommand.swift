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

    @Option(
        name: .customLong("confirm-to"),
        help: ArgumentHelp(
            "An email address to send the data subject a confirmation once the remove job is done; kept sealed until sent.",
            valueName: "address"))
    var confirmTo: String?

    func run() async throws {
        let rawKey = customerKey == "-" ? (readLine(strippingNewline: true) ?? "") : customerKey
        let tenant = try Tenant(tenant)
        let kind = try JobKind(parsing: kind)
        var request = EnqueueRequest(
            customerKey: try CustomerKey(rawKey), tenant: tenant, kind: kind, mode: try ErasureMode(parsing: mode))
        let contact = try confirmTo.map { value throws(InputError) in try ContactAddress(value) }
        if contact != nil, kind != .remove {
            throw InputError(
                .invalidContact, "--confirm-to is for remove jobs; an export's result is collected, not mailed")
        }
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        if let contact {
            request.sealedContact = try ContactSealer(hasher: try AuditCommand.hasher(connection)).seal(
                contact, tenant: tenant)
        }
        print(try connection.enqueue(request).jid)
    }
}
