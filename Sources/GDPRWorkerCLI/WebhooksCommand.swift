import ArgumentParser
import Foundation
import GDPRWorkerQueue

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Manage the tenants' webhook endpoints for job events (Standard Webhooks signatures).",
        discussion: """
            Each job.started, job.done, job.failed and job.cancelled event of the tenant is POSTed to each of its endpoints
            with webhook-id, webhook-timestamp and webhook-signature headers, retried for about three days until a 2xx.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an endpoint for a tenant; prints its id and signing secret, which is shown only now.")

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("The tenant whose job events go to the URL.", valueName: "tenant"))
        var tenant: String

        @Argument(help: ArgumentHelp("The http or https URL to POST events to.", valueName: "url"))
        var url: String

        func run() async throws {
            let tenant = try Tenant(tenant)
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            let endpoint = try connection.addWebhook(tenant: tenant, url: url, by: "cli")
            print("\(endpoint.id)\t\(endpoint.secret ?? "")")
            FileHandle.standardError.write(
                Data(
                    "added webhook \(endpoint.id) for tenant \(tenant); store its secret now, it cannot be shown again\n"
                        .utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List endpoints (id, tenant, URL, created), without secrets.")

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("Only this tenant's endpoints.", valueName: "tenant"))
        var tenant: String?

        func run() async throws {
            let tenant = try tenant.map { value throws(InputError) in try Tenant(value) }
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            for endpoint in try connection.webhooks(tenant: tenant) {
                print("\(endpoint.id)\t\(endpoint.tenant)\t\(endpoint.url)\t\(Timestamp.format(endpoint.createdAt))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an endpoint of a tenant, with the events not yet delivered to it.")

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("The tenant the endpoint belongs to.", valueName: "tenant"))
        var tenant: String

        @Argument(help: ArgumentHelp("The endpoint's id (wh_…).", valueName: "id"))
        var id: String

        func run() async throws {
            let tenant = try Tenant(tenant)
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            guard try connection.removeWebhook(id: id, tenant: tenant) else {
                FileHandle.standardError.write(Data("gdpr-worker: error: tenant \(tenant) has no webhook \(id)\n".utf8))
                throw ExitCode.failure
            }
            FileHandle.standardError.write(Data("removed webhook \(id)\n".utf8))
        }
    }
}
