import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: bad input is a 4xx with a JSON error, never a 5xx")
struct BadInputTests {
    let removePath = "/api/v2/event-data/create-remove-customer-job"

    @Test(
        "invalid customer keys, modes and query strings are 400s that never echo the key",
        arguments: [
            ("", "invalid_customer_key"),
            ("?customerKey=", "invalid_customer_key"),
            ("?customerKey=\(String(repeating: "k", count: 257))", "invalid_customer_key"),
            ("?customerKey=\(String(repeating: "%C3%A9", count: 129))", "invalid_customer_key"),
            ("?customerKey=secret%07key", "invalid_customer_key"),
            ("?customerKey=secret%0Akey", "invalid_customer_key"),
            ("?customerKey=secret%zzkey", "invalid_argument"),
            ("?customerKey=secret%E2%82key", "invalid_argument"),
            ("?customerKey=secretkey&customerKey=other", "invalid_argument"),
            ("?customerKey=secretkey&mode=shred", "invalid_mode"),
        ])
    func invalidInput(_ query: String, _ code: String) async throws {
        let harness = try APITestHarness(.sqlite)
        try await harness.test { client in
            let response = try await client.execute(uri: removePath + query, method: .post, headers: harness.acme)
            #expect(response.status == .badRequest)
            #expect(response.json["code"] as? String == code)
            #expect((response.json["message"] as? String)?.isEmpty == false)
            #expect(!response.text.contains("secret"))
        }
        #expect(
            try harness.database.withConnection {
                try $0.database.queryFirst("SELECT count(*) AS n FROM gdpr_jobs")?.int("n")
            } == 0)
    }

    @Test(
        "malformed jids are 400s",
        arguments: ["", "?jid=", "?jid=nope", "?jid=d9528030509c4e0fb5857168f1e9feca", "?jid=%zz"])
    func malformedJobID(_ query: String) async throws {
        let harness = try APITestHarness(.sqlite)
        try await harness.test { client in
            let response = try await client.execute(
                uri: "/api/v2/event-data/job-status" + query, method: .get, headers: harness.acme)
            #expect(response.status == .badRequest)
            #expect(["invalid_jid", "invalid_argument"].contains(response.json["code"] as? String))
        }
    }

    @Test("a missing, unknown or revoked key is a 401", arguments: TestDatabase.engines)
    func unauthorized(_ engine: DatabaseEngine) async throws {
        let harness = try APITestHarness(engine)
        try await harness.test { client in
            let uri = "\(removePath)?customerKey=k"
            let missing = try await client.execute(uri: uri, method: .post)
            #expect(missing.status == .unauthorized)
            #expect(missing.json["code"] as? String == "unauthorized")
            #expect(missing.headers[.wwwAuthenticate] == "Api-Key")
            let wrong = try await client.execute(
                uri: uri, method: .post, headers: [HTTPField.Name("Api-Key")!: "gwk_0000_nope"])
            #expect(wrong.status == .unauthorized)
            let huge = try await client.execute(
                uri: uri, method: .post, headers: [HTTPField.Name("Api-Key")!: String(repeating: "x", count: 5000)])
            #expect(huge.status == .unauthorized)
            #expect(try await client.execute(uri: uri, method: .post, headers: harness.acme).status == .ok)
            _ = try harness.database.withConnection { try $0.revokeAPIKey(id: harness.acmeKey.id, now: nil) }
            #expect(try await client.execute(uri: uri, method: .post, headers: harness.acme).status == .unauthorized)
        }
    }

    @Test("a wrong method is a 405 with Allow; an unknown path is a JSON 404")
    func routing() async throws {
        let harness = try APITestHarness(.sqlite)
        try await harness.test { client in
            let wrongMethod = try await client.execute(
                uri: "\(removePath)?customerKey=k", method: .get, headers: harness.acme)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "POST")
            #expect(wrongMethod.json["code"] as? String == "method_not_allowed")
            let delete = try await client.execute(
                uri: "/api/v2/event-data/job-status", method: .delete, headers: harness.acme)
            #expect(delete.status == .methodNotAllowed)
            let unknown = try await client.execute(
                uri: "/api/v2/event-data/purge-everything", method: .post, headers: harness.acme)
            #expect(unknown.status == .notFound)
            #expect(unknown.json["code"] as? String == "not_found")
        }
    }

    @Test("an oversized body is a 413 and stores nothing")
    func oversizedBody() async throws {
        let harness = try APITestHarness(.sqlite)
        try await harness.test { client in
            let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000)
            let response = try await client.execute(
                uri: "\(removePath)?customerKey=k", method: .post, headers: harness.acme, body: body)
            #expect(response.status == .contentTooLarge)
            #expect(response.json["code"] as? String == "body_too_large")
            let small = try await client.execute(
                uri: "\(removePath)?customerKey=k", method: .post, headers: harness.acme, body: ByteBuffer(string: "{}")
            )
            #expect(small.status == .ok)
        }
        #expect(
            try harness.database.withConnection {
                try $0.database.queryFirst("SELECT count(*) AS n FROM gdpr_jobs")?.int("n")
            } == 1)
    }
}
