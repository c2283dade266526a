import Foundation
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: webhooks and confirmations")
struct WebhookRoutesTests {
    let path = "/api/v2/event-data/webhooks"

    func array(_ response: TestResponse) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]]) ?? []
    }

    @Test(
        "a tenant adds, lists and removes its own endpoints; another tenant sees and removes none",
        arguments: TestDatabase.engines)
    func manage(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let added = try await client.execute(
                uri: "\(path)?url=https%3A%2F%2Fhooks.example%2Fgdpr%3Ftoken%3Dabc", method: .post,
                headers: harness.acme)
            #expect(added.status == .created)
            let endpoint = added.json
            let id = try #require(endpoint["id"] as? String)
            #expect(id.hasPrefix("wh_"))
            #expect((endpoint["secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect(endpoint["url"] as? String == "https://hooks.example/gdpr?token=abc")
            #expect(endpoint["tenant"] as? String == "acme")
            #expect(Timestamp.parse(endpoint["created_at"] as? String ?? "") != nil)

            let listed = array(try await client.execute(uri: path, method: .get, headers: harness.acme))
            #expect(listed.map { $0["id"] as? String } == [id])
            #expect(listed.allSatisfy { $0["secret"] == nil }, "the secret is shown once")
            #expect(array(try await client.execute(uri: path, method: .get, headers: harness.globex)).isEmpty)
            let foreign = try await client.execute(uri: "\(path)/\(id)", method: .delete, headers: harness.globex)
            #expect(foreign.status == .notFound)
            #expect(foreign.json["code"] as? String == "webhook_not_found")
            #expect(try await client.execute(uri: path, method: .get).status == .unauthorized)

            for bad in ["ftp%3A%2F%2Fhooks.example", "hooks.example", "https%3A%2F%2Fu%3Ap%40hooks.example%2F"] {
                let refused = try await client.execute(uri: "\(path)?url=\(bad)", method: .post, headers: harness.acme)
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.json["code"] as? String == "invalid_webhook")
                #expect(!refused.text.contains("hooks.example"), "the URL is not echoed")
            }
            #expect(
                try await client.execute(uri: "\(path)/\(id)", method: .delete, headers: harness.acme).status
                    == .noContent)
            #expect(array(try await client.execute(uri: path, method: .get, headers: harness.acme)).isEmpty)
        }
    }

    @Test(
        "confirmTo keeps the address sealed with the job; a bad one is refused and nothing is stored",
        arguments: TestDatabase.engines)
    func confirmTo(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let remove = "/api/v2/event-data/create-remove-customer-job?customerKey=c-1"
            let created = try await client.execute(
                uri: "\(remove)&confirmTo=anna.berg%40example.com", method: .post, headers: harness.acme)
            #expect(created.status == .ok)
            for bad in ["anna", "a%20b%40example.com", "anna%40example.com%0D%0ABcc%3A%20x%40evil.example"] {
                let refused = try await client.execute(
                    uri: "/api/v2/event-data/create-remove-customer-job?customerKey=c-2&confirmTo=\(bad)",
                    method: .post,
                    headers: harness.acme)
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.json["code"] as? String == "invalid_contact")
            }
            let export = try await client.execute(
                uri: "/api/v2/event-data/create-export-customer-job?customerKey=c-3&confirmTo=anna%40example.com",
                method: .post, headers: harness.acme)
            #expect(export.status == .badRequest)
            let jid = try #require(created.json["jid"] as? String)
            try harness.database.withConnection { connection in
                let rows = try connection.database.rows("SELECT jid, tenant, sealed_contact FROM gdpr_confirmations")
                #expect(rows.count == 1)
                #expect(try rows.first?.string("jid") == jid)
                #expect(try rows.first?.string("tenant") == "acme")
                #expect(try !(rows.first?.string("sealed_contact") ?? "anna").contains("anna"))
                #expect(try connection.database.firstRow("SELECT count(*) AS n FROM gdpr_jobs")?.int("n") == 1)
            }
        }
    }
}
