import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import Testing

/// Api keys and queue statistics: the rules every driver's store keeps.
struct APIKeyConformance {
    static let checks: [ConformanceCheck] = [
        ConformanceCheck("a key is stored only as a hash, resolves to its tenant, and stops resolving once revoked") {
            try APIKeyConformance().lifecycle($0)
        },
        ConformanceCheck("statistics split the queue into waiting, eligible, running, at risk and failed") {
            try APIKeyConformance().statistics($0)
        },
    ]

    func lifecycle(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let acme = try Tenant("acme")
            let key = APIKey.generate()
            try connection.insertAPIKey(key, tenant: acme, name: "support portal")
            #expect(try connection.tenant(forAPIKeyHash: APIKey.hash(token: key.token)) == acme)
            #expect(try connection.tenant(forAPIKeyHash: APIKey.hash(token: key.token + "x")) == nil)
            let stored = try connection.database.query("SELECT * FROM gdpr_api_keys", [])
            #expect(stored.count == 1)
            #expect(
                stored.allSatisfy { row in
                    row.values.allSatisfy { value in
                        if case .text(let text) = value { return !text.contains(key.token.suffix(64)) }
                        return true
                    }
                })
            let listed = try connection.apiKeys()
            #expect(listed.map(\.id) == [key.id])
            #expect(listed.first?.name == "support portal")
            #expect(listed.first?.revokedAt == nil)
            #expect(try connection.revokeAPIKey(id: key.id, now: nil))
            #expect(try !connection.revokeAPIKey(id: key.id, now: nil))
            #expect(try connection.tenant(forAPIKeyHash: key.hash) == nil)
            #expect(try connection.apiKeys().first?.revokedAt != nil)
        }
    }

    func statistics(_ testEngine: any TestEngine) throws {
        let database = try TestDatabase(testEngine)
        try database.withConnection { connection in
            let now = try connection.now()
            let old = now.addingTimeInterval(-40 * 86_400)
            let recent = now.addingTimeInterval(-10 * 86_400)
            for (key, created) in [("overdue", old), ("eligible", recent)] {
                try connection.database.run(
                    "INSERT INTO gdpr_jobs (customer_key, created_at) VALUES (\(key), \(created))")
            }
            _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("fresh-1")))
            _ = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey("fresh-2")))
            let cutoff = ArchiveCutoff(delay: .seconds(5 * 86_400))
            var statistics = try connection.statistics(cutoff: cutoff, now: now.addingTimeInterval(1))
            #expect(statistics.waitingForArchive == 2)
            #expect(statistics.eligible == 2)
            #expect(statistics.running == 0)
            #expect(statistics.pastLegalDue == 1)
            #expect(statistics.nearLegalDue == 0)
            #expect(abs(statistics.oldestEligibleAge - 40 * 86_400) < 60)
            let claimed = try connection.claim(
                ClaimRequest(worker: "w", limit: 1, lease: .seconds(60), cutoff: cutoff, now: nil))
            _ = try connection.fail(claimed[0], worker: "w", reason: "data_map: test", now: nil)
            statistics = try connection.statistics(cutoff: cutoff, now: now.addingTimeInterval(1))
            #expect(statistics.eligible == 1)
            #expect(statistics.failed == 1)
            #expect(statistics.pastLegalDue == 0)
            #expect(abs(statistics.oldestEligibleAge - 10 * 86_400) < 60)
        }
    }
}
