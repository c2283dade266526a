import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Create and fill the sample shop dataset in the configured database.",
        discussion: """
            Customers (keys customer-000001, customer-000002, …) with linked sessions, devices and email addresses,
            shared household addresses, orders and order lines, payment methods, loyalty transactions across campaigns,
            support tickets, and hot and archived click events. --print-data-map prints its data map.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("How many customers to create.", valueName: "n"))
    var customers: Int = 1_000

    @Flag(help: "Drop the sample's tables first if they exist.")
    var replace = false

    @Flag(help: "Print the sample's data map (YAML) and exit.")
    var printDataMap = false

    func run() async throws {
        if printDataMap {
            print(ShopSample.dataMapYAML, terminator: "")
            return
        }
        guard customers >= 1 else { throw InputError(.invalidArgument, "--customers must be at least 1") }
        let connection = try options.store().connect()
        defer { connection.database.close() }
        let started = Date()
        try ShopSample.create(customers: customers, on: connection.database, replace: replace)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print(
            "loaded the sample shop with \(customers) customers in \(seconds) s; its data map: gdpr-worker sample --print-data-map"
        )
    }
}
