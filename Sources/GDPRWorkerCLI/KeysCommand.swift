import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import HummingbirdBcrypt

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the tenants' API keys for the HTTP API.",
        subcommands: [Create.self, Import.self, Revoke.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key for a tenant and print it. It is shown once; only its hash is stored.")

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("The tenant whose jobs the key may create and see.", valueName: "tenant"))
        var tenant: String

        @Option(
            help: ArgumentHelp(
                "A label for the key, such as the system that uses it; the user name of front doors that take one (the loyalty platform's user_id, easycms's username).",
                valueName: "name"))
        var name: String?

        @Flag(
            name: .customLong("password-stdin"),
            help:
                "Read an operator password from standard input, for easycms's username and password; only its bcrypt hash is stored."
        )
        var passwordFromStandardInput = false

        func run() async throws {
            let tenant = try Tenant(tenant)
            let passwordHash = try passwordFromStandardInput ? KeysCommand.readPasswordHash(name: name) : nil
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            let key = APIKey.generate()
            try connection.insertAPIKey(key, tenant: tenant, name: name, passwordHash: passwordHash)
            print(key.token)
            FileHandle.standardError.write(
                Data("created key \(key.id) for tenant \(tenant); store it now, it cannot be shown again\n".utf8))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Register a key a client already holds (the first line of standard input), so it works unchanged.",
            discussion: """
                For clients moving off Azotte or the loyalty platform: their configured x-api-key or api_access_key
                becomes a key of the tenant. Only its hash is stored. With --password-stdin, the second line is the
                operator password.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("The tenant whose jobs the key may create and see.", valueName: "tenant"))
        var tenant: String

        @Option(help: ArgumentHelp("The key's user name for front doors that take one.", valueName: "name"))
        var name: String?

        @Flag(
            name: .customLong("password-stdin"), help: "Read an operator password from the next line of standard input."
        )
        var passwordFromStandardInput = false

        func run() async throws {
            let tenant = try Tenant(tenant)
            guard let token = readLine(strippingNewline: true) else {
                throw InputError(.invalidArgument, "no key on standard input")
            }
            let key = try APIKey.importing(token)
            let passwordHash = try passwordFromStandardInput ? KeysCommand.readPasswordHash(name: name) : nil
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            try connection.insertAPIKey(key, tenant: tenant, name: name, passwordHash: passwordHash)
            print("imported key \(key.id) for tenant \(tenant)")
        }
    }

    /// The bcrypt hash of a password read from the next line of standard input.
    static func readPasswordHash(name: String?) throws(InputError) -> String {
        guard name != nil else {
            throw InputError(.invalidArgument, "--password-stdin needs --name: the user name the password goes with")
        }
        guard let password = readLine(strippingNewline: true), password.utf8.count >= 8, password.utf8.count <= 72
        else {
            throw InputError(.invalidArgument, "the password on standard input must be 8 to 72 bytes (bcrypt's limit)")
        }
        return Bcrypt.hash(password, cost: 12)
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
