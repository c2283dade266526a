import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the tenants' API keys for the HTTP API.",
        subcommands: [Create.self, Revoke.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key for a tenant and print it. It is shown once; only its hash is stored.")

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("The tenant whose jobs the key may create and see.", valueName: "tenant"))
        var tenant: String

        @Option(help: ArgumentHelp("A label for the key, such as the system that uses it.", valueName: "name"))
        var name: String?

        func run() async throws {
            let tenant = try Tenant(tenant)
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            let key = APIKey.generate()
            try connection.insertAPIKey(key, tenant: tenant, name: name)
            print(key.token)
            FileHandle.standardError.write(
                Data("created key \(key.id) for tenant \(tenant); store it now, it cannot be shown again\n".utf8))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key by its id; requests with it get 401 from then on.")

        @OptionGroup var options: GlobalOptions

        @Argument(help: ArgumentHelp("The key's id, as `keys list` shows it (the part after gwk_).", valueName: "id"))
        var id: String

        func run() async throws {
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            guard try connection.revokeAPIKey(id: id, now: nil) else {
                throw CommandError(message: "no active key has id \(id.prefix(32))", code: CommandFailure.usage)
            }
            print("revoked key \(id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List keys: id, tenant, name, created, revoked. Never secrets.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            for key in try connection.apiKeys() {
                let revoked = key.revokedAt.map { "revoked \(Timestamp.format($0))" } ?? "active"
                print(
                    [key.id, key.tenant.name, key.name ?? "-", Timestamp.format(key.createdAt), revoked].joined(
                        separator: "\t"))
            }
        }
    }
}
