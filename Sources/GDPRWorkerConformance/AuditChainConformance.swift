import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// The audit trail: sealed into a chain that any edit breaks, and searchable by a key's hash.
struct AuditChainConformance {
    static let checks: [ConformanceCheck] = [
        ConformanceCheck("audit records seal into a chain that verifies, and any edit, removal or cut breaks it") {
            try AuditChainConformance().chain($0)
        },
        ConformanceCheck("prove finds a key's audit records by its keyed hash, within its tenant only") {
            try AuditChainConformance().prove($0)
        },
    ]

    let hasher = AuditKeyHasher(secret: Data("conformance-secret".utf8))

    /// Runs `keys` as done jobs of `tenant` and returns their jids.
    func finish(_ keys: [String], tenant: Tenant, on connection: any JobStoreConnection) throws -> [JobID] {
        for key in keys {
            _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), tenant: tenant))
        }
        let claimed = try connection.claim(
            ClaimRequest(worker: "w", limit: keys.count, lease: .seconds(60), cutoff: .init(delay: .zero), now: nil))
        let completions = claimed.map { job in
            JobCompletion(
                job: job, keyHash: hasher.hash(job.customerKey, tenant: job.tenant),
                result: JobResult(
                    keys: 1, tables: [.init(table: "customers", method: "anonymise", rows: 1, fields: 3)],
                    dataMap: "sha256:0123456789abcdef"),
                startedAt: Date())
        }
        try connection.database.transaction { _ = try connection.complete(completions, worker: "w", now: nil) }
        return claimed.map(\.jid)
    }

    func chain(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let chain = AuditChain(hasher: hasher)
            _ = try finish(["a", "b", "c"], tenant: .default, on: connection)
            #expect(try chain.verify(on: connection) == .init(sealed: 0, unsealed: 3))
            #expect(try chain.seal(on: connection, limit: 2) == 2)
            #expect(try chain.seal(on: connection) == 1)
            #expect(try chain.seal(on: connection) == 0)
            _ = try finish(["d"], tenant: .default, on: connection)
            #expect(try chain.seal(on: connection) == 1)
            #expect(try chain.verify(on: connection).holds)
            #expect(try chain.verify(on: connection).sealed == 4)
            // Another secret cannot vouch for the chain.
            #expect(!(try AuditChain(hasher: AuditKeyHasher(secret: Data("other".utf8))).verify(on: connection).holds))

            try connection.database.run("UPDATE gdpr_audit SET rows_affected = 0 WHERE seq = 2")
            let edited = try chain.verify(on: connection)
            #expect(edited.firstBroken == 2)
            try connection.database.run("UPDATE gdpr_audit SET rows_affected = 1 WHERE seq = 2")
            #expect(try chain.verify(on: connection).holds)

            try connection.database.run("DELETE FROM gdpr_audit WHERE seq = 3")
            #expect(try chain.verify(on: connection).firstBroken == 3)
        }
        let cut = try TestDatabase(testEngine)
        try cut.withConnection { connection in
            let chain = AuditChain(hasher: hasher)
            _ = try finish(["a", "b"], tenant: .default, on: connection)
            try chain.seal(on: connection)
            try connection.database.run("DELETE FROM gdpr_audit WHERE seq = 2")
            #expect(!(try chain.verify(on: connection).holds), "the last record removed")
        }
    }

    func prove(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let acme = try Tenant("acme")
            let jids = try finish(["anna@example.com"], tenant: acme, on: connection)
            _ = try finish(["anna@example.com"], tenant: try Tenant("globex"), on: connection)
            try AuditChain(hasher: hasher).seal(on: connection)
            let key = try CustomerKey("anna@example.com")
            let proof = try ErasureProof.find(keyHash: hasher.hash(key, tenant: acme), tenant: acme, on: connection)
            #expect(proof.erased)
            #expect(proof.records.map(\.jid) == jids.map(\.description))
            #expect(proof.records.first?.dataMap == "sha256:0123456789abcdef")
            #expect(proof.records.first?.seq != nil)
            #expect(proof.records.first?.tables == [.init(table: "customers", method: "anonymise", rows: 1, fields: 3)])
            #expect(!proof.json.contains("anna"), "the key is never in a proof")
            let other = try ErasureProof.find(
                keyHash: hasher.hash(try CustomerKey("bo@example.com"), tenant: acme), tenant: acme, on: connection)
            #expect(!other.erased && other.records.isEmpty)
        }
    }
}
