import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

struct ProveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Answer from the audit trail: was this key erased, when, by which job, with which data map.",
        discussion: """
            Looks the key up by its keyed hash (GDPR_WORKER_AUDIT_SECRET, or the deployment's stored secret); the key
            itself is never stored. Prints {"erased","tenant","records":[{jid,kind,mode,finished_at,keys,tables,
            data_map,seq}]}. Exits 0 when a remove job erased the key, 1 when none did. Read the key from stdin with -.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The customer key, or - to read it from standard input.", valueName: "key"))
    var key: String

    @Option(help: ArgumentHelp("The tenant the key belongs to.", valueName: "tenant"))
    var tenant: String = Tenant.default.name

    func run() async throws {
        let customerKey = try CustomerKey(key == "-" ? readLine(strippingNewline: true) ?? "" : key)
        let tenant = try Tenant(tenant)
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        let hasher = try AuditCommand.hasher(connection)
        let proof = try ErasureProof.find(
            keyHash: hasher.hash(customerKey, tenant: tenant), tenant: tenant, on: connection)
        print(proof.json)
        if !proof.erased { throw ExitCode.failure }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Seal and verify the tamper-evident audit chain.",
        subcommands: [Verify.self, Seal.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every sealed record's chain hash; exit 65 at the first that does not fit.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            let result = try AuditChain(hasher: try AuditCommand.hasher(connection)).verify(on: connection)
            guard result.holds else {
                FileHandle.standardError.write(Data("gdpr-worker: audit chain broken: \(result.problem ?? "")\n".utf8))
                throw ExitCode(65)
            }
            print("audit chain holds: \(result.sealed) sealed records, \(result.unsealed) awaiting sealing")
        }
    }

    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal the records written since the last seal (workers' maintenance does this every 15 s).")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let connection = try options.connectMigrated()
            defer { connection.database.close() }
            let chain = AuditChain(hasher: try AuditCommand.hasher(connection))
            var sealed = 0
            while true {
                let batch = try chain.seal(on: connection)
                sealed += batch
                if batch < AuditChain.defaultBatch { break }
            }
            print("sealed \(sealed) audit records")
        }
    }

    /// The deployment's audit hasher: `GDPR_WORKER_AUDIT_SECRET`, else the secret stored in the database.
    static func hasher(_ connection: any JobStoreConnection) throws -> AuditKeyHasher {
        try AuditKeyHasher.resolve(configured: configuredSecret, store: connection)
    }

    static var configuredSecret: String? { ProcessInfo.processInfo.environment["GDPR_WORKER_AUDIT_SECRET"] }
}
