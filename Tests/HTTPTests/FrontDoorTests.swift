import Foundation
import GDPRWorkerErasure
import GDPRWorkerHTTP
import GDPRWorkerQueue
import GDPRWorkerTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Each seed system's documented example request, verbatim, against gdpr-worker; and the same
/// doors asked by another tenant, which must find nothing of this tenant's and change nothing.
@Suite("Seed front doors: Azotte, the loyalty platform, easycms")
struct FrontDoorTests {
    typealias Seed = FrontDoorHarness.Seed

    static func azotteHeaders(tenant: String = Seed.azotteTenant, key: String = Seed.azotteKey) -> HTTPFields {
        [
            .contentType: "application/json", HTTPField.Name("x-tn")!: tenant,
            HTTPField.Name("x-api-key")!: key,
        ]
    }

    @Test(
        "Azotte C2A delete: the seed's curl anonymises the customer, and again is SUCCESS changing nothing",
        arguments: TestDatabase.engines)
    func azotte(_ engine: DatabaseEngine) async throws {
        let harness = try FrontDoorHarness.start(engine)
        let before = try harness.members()
        try await harness.test { client in
            for path in ["/api/v1/c2a/customer/delete", "/api/c2a/customer/delete"] {
                try await client.execute(
                    uri: path, method: .post, headers: Self.azotteHeaders(),
                    body: ByteBuffer(string: #"{ "customerUuid": "cu.00.482" }"#)
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.json["status"] as? [String: String] == ["messageCode": "SUCCESS"])
                }
            }
        }
        let after = try harness.members()
        #expect(after[1]?.row != before[1]?.row, "the customer is anonymised")
        #expect(after[1]?.row.contains("anna@example.com") == false)
        #expect(after[1]?.row.hasPrefix("\(Seed.azotteTenant)|cu.00.482|") == true, "operational key kept")
        #expect(after[1]?.transactions == 2, "operational data kept")
        #expect(FrontDoorHarness.othersUnchanged(before, after, except: [1]))
        try await harness.stop()
    }

    @Test(
        "Azotte C2A delete: the contract's error answers, and a timeout that tells the client to poll",
        arguments: TestDatabase.engines)
    func azotteErrors(_ engine: DatabaseEngine) async throws {
        let harness = try FrontDoorHarness.start(
            engine, worker: false, frontDoors: .init(answerTimeout: .milliseconds(200)))
        let before = try harness.members()
        try await harness.test { client in
            let path = "/api/c2a/customer/delete"
            for (body, code) in [
                ("null", "BAD_REQUEST"), ("", "BAD_REQUEST"), ("{}", "INVALID_REQUEST"),
                (#"{"customerUuid": 42}"#, "INVALID_REQUEST"), ("[1", "INVALID_REQUEST"),
            ] {
                try await client.execute(
                    uri: path, method: .post, headers: Self.azotteHeaders(), body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.json["status"] as? [String: String] == ["messageCode": code], "\(body)")
                }
            }
            for headers in [
                Self.azotteHeaders(key: "wrong"), Self.azotteHeaders(tenant: "globex"),
                [.contentType: "application/json"],
            ] as [HTTPFields] {
                try await client.execute(
                    uri: path, method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"customerUuid":"cu.00.482"}"#)
                ) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.text.isEmpty, "401 carries no envelope")
                }
            }
            try await client.execute(
                uri: path, method: .post, headers: Self.azotteHeaders(),
                body: ByteBuffer(string: #"{"customerUuid":"cu.99.999"}"#)
            ) { response in
                #expect(response.status == .notFound)
                #expect(response.json["status"] as? [String: String] == ["messageCode": "CUSTOMER_NOT_FOUND"])
            }
            // No worker runs: the answer comes at the timeout, with the job to poll.
            try await client.execute(
                uri: path, method: .post, headers: Self.azotteHeaders(),
                body: ByteBuffer(string: #"{"customerUuid":"cu.00.483"}"#)
            ) { response in
                #expect(response.status == .accepted)
                #expect(response.json["status"] as? [String: String] == ["messageCode": "IN_PROGRESS"])
                #expect((response.json["jid"] as? String).flatMap { try? JobID(parsing: $0) } != nil)
            }
        }
        #expect(FrontDoorHarness.othersUnchanged(before, try harness.members(), except: []))
    }

    @Test(
        "loyalty customer_delete: the seed's form deletes the customer and every transaction; XML, JSON, JSONP",
        arguments: TestDatabase.engines)
    func loyalty(_ engine: DatabaseEngine) async throws {
        let harness = try FrontDoorHarness.start(engine)
        let before = try harness.members()
        try await harness.test { client in
            try await client.execute(
                uri: "/api/loyalty", method: .post, headers: FrontDoorHarness.formHeaders,
                body: FrontDoorHarness.form([
                    ("user_id", Seed.loyaltyUser), ("user_password", Seed.loyaltyKey), ("type", "customer_delete"),
                    ("account_id", Seed.loyaltyAccount), ("code", Seed.loyaltyCode),
                ])
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/xml") == true)
                let xml = response.text
                #expect(xml.contains(#"<response status="success">"#))
                #expect(xml.contains(#"<customer status="deleted">"#))
                #expect(xml.contains("<code>\(Seed.loyaltyCode)</code>"))
            }
            // The same code again is gone; the header's key wins over a wrong field; JSON output.
            var headers = FrontDoorHarness.formHeaders
            headers[HTTPField.Name("api_access_key")!] = Seed.loyaltyKey
            try await client.execute(
                uri: "/api/loyalty", method: .post, headers: headers,
                body: FrontDoorHarness.form([
                    ("user_id", Seed.loyaltyUser), ("user_password", "wrong"), ("type", "customer_delete"),
                    ("account_id", Seed.loyaltyAccount), ("code", "5555"), ("output", "json"), ("condensed", "yes"),
                ])
            ) { response in
                #expect(response.status == .ok)
                #expect(
                    response.text == #"{"response":{"customer":{"code":"5555","status":"deleted"},"status":"success"}}"#
                )
            }
            try await client.execute(
                uri: "/api/loyalty", method: .post, headers: headers,
                body: FrontDoorHarness.form([
                    ("user_id", Seed.loyaltyUser), ("type", "customer_delete"), ("account_id", Seed.loyaltyAccount),
                    ("code", Seed.loyaltyCode), ("callback", "handle.answer"), ("condensed", "yes"),
                ])
            ) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/javascript") == true)
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.text.hasPrefix("/**/handle.answer({\"response\":{\"error\":"))
            }
        }
        let after = try harness.members()
        #expect(after[4] == nil && after[5] == nil, "both customers deleted")
        #expect(FrontDoorHarness.othersUnchanged(before, after, except: [4, 5]))
        let orphans = try harness.database.withConnection {
            try $0.database.queryFirst("SELECT count(*) AS n FROM transactions WHERE member_id IN (4, 5)")?.int("n")
        }
        #expect(orphans == 0, "every transaction in every campaign is gone")
        try await harness.stop()
    }

    @Test(
        "loyalty customer_delete refuses an ambiguous code, bad credentials and unsafe callbacks, changing nothing",
        arguments: TestDatabase.engines)
    func loyaltyRefusals(_ engine: DatabaseEngine) async throws {
        let harness = try FrontDoorHarness.start(engine)
        let before = try harness.members()
        @Sendable func fields(_ changes: [String: String]) -> ByteBuffer {
            var base: [String: String] = [
                "user_id": Seed.loyaltyUser, "user_password": Seed.loyaltyKey, "type": "customer_delete",
                "account_id": Seed.loyaltyAccount, "code": "dup-code", "output": "json",
            ]
            base.merge(changes) { $1 }
            return FrontDoorHarness.form(base.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key })
        }
        let cases: [([String: String], HTTPResponse.Status)] = [
            ([:], .conflict),
            (["user_password": "not-the-key"], .unauthorized),
            (["user_id": "someone-else"], .unauthorized),
            (["user_id": ""], .unauthorized),
            (["type": "customer_add"], .badRequest),
            (["account_id": "globex"], .forbidden),
            (["code": ""], .badRequest),
            (["output": "yaml"], .badRequest),
            (["callback": "alert(1)//"], .badRequest),
            (["callback": "function"], .badRequest),
        ]
        try await harness.test { client in
            for (changes, status) in cases {
                try await client.execute(
                    uri: "/api/loyalty", method: .post, headers: FrontDoorHarness.formHeaders, body: fields(changes)
                ) { response in
                    #expect(response.status == status, "\(changes)")
                    #expect(
                        (response.json["response"] as? [String: Any])?["status"] as? String == "error", "\(changes)")
                }
            }
        }
        #expect(FrontDoorHarness.othersUnchanged(before, try harness.members(), except: []))
        try await harness.stop()
    }

    @Test(
        "easycms self-service deletion: the seed's curl deletes the account after checking both logins",
        arguments: TestDatabase.engines)
    func easycms(_ engine: DatabaseEngine) async throws {
        let harness = try FrontDoorHarness.start(engine)
        let before = try harness.members()
        let headers: HTTPFields = {
            var headers = FrontDoorHarness.formHeaders
            headers[HTTPField.Name("Authorization1")!] = Seed.easycmsToken
            return headers
        }()
        @Sendable func request(_ changes: [String: String] = [:]) -> ByteBuffer {
            var fields = [
                "username": Seed.easycmsUser, "password": Seed.easycmsPassword, "account": Seed.easycmsAccount,
                "email": Seed.customerEmail, "customer_password": Seed.customerPassword,
            ]
            fields.merge(changes) { $1 }
            return FrontDoorHarness.form(
                ["username", "password", "account", "email", "customer_password"].map { ($0, fields[$0] ?? "") })
        }
        try await harness.test { client in
            try await client.execute(
                uri: "/public_api/set_customer_delete_account", method: .post, headers: headers, body: request()
            ) { response in
                #expect(response.status == .ok)
                let output = response.json["OUTPUT"] as? [String: Any]
                #expect(output?["response_type"] as? String == "success")
                #expect(output?["message"] as? String == "customer_acccount_deleted_successfully")
                let info = response.json["INFO"] as? [String: Any]
                #expect(info?["count"] as? Int == 1 && info?["limit"] as? Int == 1)
            }
            // A Django PBKDF2 hash verifies too (trailing slash, as the seed's URL has it).
            try await client.execute(
                uri: "/public_api/set_customer_delete_account/", method: .post, headers: headers,
                body: request(["email": "DJANGO@mail.com"])
            ) { response in
                #expect(response.status == .ok)
            }
        }
        let after = try harness.members()
        #expect(after[8] == nil && after[9] == nil)
        #expect(FrontDoorHarness.othersUnchanged(before, after, except: [8, 9]), "globex's customer@mail.com stays")
        try await harness.stop()
    }

    @Test(
        "easycms self-service deletion: the documented refusals, and a limit on failed logins",
        arguments: TestDatabase.engines)
    func easycmsRefusals(_ engine: DatabaseEngine) async throws {
        let harness = try FrontDoorHarness.start(
            engine, worker: false, frontDoors: .init(answerTimeout: .milliseconds(100), failedLoginLimit: 3))
        let before = try harness.members()
        @Sendable func request(_ changes: [String: String]) -> ByteBuffer {
            var fields = [
                "username": Seed.easycmsUser, "password": Seed.easycmsPassword, "account": Seed.easycmsAccount,
                "email": Seed.customerEmail, "customer_password": Seed.customerPassword,
            ]
            fields.merge(changes) { $1 }
            return FrontDoorHarness.form(fields.sorted { $0.key < $1.key })
        }
        let header = HTTPField.Name("Authorization1")!
        try await harness.test { client in
            let cases: [(String, [String: String], HTTPResponse.Status, String)] = [
                ("WRONG", [:], .unauthorized, "UN-AUTHORIZED - header is set but the header value is not correct!"),
                (
                    Seed.easycmsToken, ["password": "nope-nope"], .unauthorized,
                    "UN-AUTHORIZED - _user_name_password_is_set_but_wrong_value!"
                ),
                (
                    Seed.easycmsToken, ["account": "globex"], .forbidden,
                    "this_account_does_not_exist_or_your_credentials_do_not_match_this_account"
                ),
                (Seed.easycmsToken, ["email": "not-an-email"], .badRequest, "email_is_not_valid"),
                (
                    Seed.easycmsToken, ["customer_password": "wrong"], .forbidden,
                    "this_account_does_not_exist_or_your_credentials_do_not_match_this_account"
                ),
                (
                    Seed.easycmsToken, ["email": "nobody@mail.com"], .forbidden,
                    "this_account_does_not_exist_or_your_credentials_do_not_match_this_account"
                ),
            ]
            for (token, changes, status, message) in cases {
                var headers = FrontDoorHarness.formHeaders
                headers[header] = token
                try await client.execute(
                    uri: "/public_api/set_customer_delete_account", method: .post, headers: headers,
                    body: request(changes)
                ) { response in
                    #expect(response.status == status, "\(changes)")
                    #expect((response.json["OUTPUT"] as? [String: Any])?["message"] as? String == message)
                }
            }
            var headers = FrontDoorHarness.formHeaders
            headers[header] = Seed.easycmsToken
            for _ in 0..<3 {
                _ = try await client.execute(
                    uri: "/public_api/set_customer_delete_account", method: .post, headers: headers,
                    body: request(["customer_password": "guess"]))
            }
            // Past the limit even the right password is refused until the window passes.
            try await client.execute(
                uri: "/public_api/set_customer_delete_account", method: .post, headers: headers, body: request([:])
            ) { response in
                #expect(response.status == .tooManyRequests)
            }
        }
        #expect(FrontDoorHarness.othersUnchanged(before, try harness.members(), except: []))
    }

    @Test("another tenant's key reaches only its own customers through every door", arguments: TestDatabase.engines)
    func crossTenant(_ engine: DatabaseEngine) async throws {
        let harness = try FrontDoorHarness.start(engine)
        let before = try harness.members()
        let key = FrontDoorHarness.globexKey
        try await harness.test { client in
            // Azotte: globex's own cu.00.482 (member 3), never the Azotte tenant's (member 1).
            try await client.execute(
                uri: "/api/c2a/customer/delete", method: .post, headers: Self.azotteHeaders(tenant: "globex", key: key),
                body: ByteBuffer(string: #"{"customerUuid":"cu.00.482"}"#)
            ) { response in
                #expect(response.json["status"] as? [String: String] == ["messageCode": "SUCCESS"])
            }
            try await client.execute(
                uri: "/api/c2a/customer/delete", method: .post, headers: Self.azotteHeaders(tenant: "globex", key: key),
                body: ByteBuffer(string: #"{"customerUuid":"cu.00.483"}"#)
            ) { response in
                #expect(response.status == .notFound)
            }
            // Loyalty: the code exists only in greatwidgets.
            try await client.execute(
                uri: "/api/loyalty", method: .post, headers: FrontDoorHarness.formHeaders,
                body: FrontDoorHarness.form([
                    ("user_id", "globexuser"), ("user_password", key), ("type", "customer_delete"),
                    ("account_id", "globex"), ("code", Seed.loyaltyCode), ("output", "json"),
                ])
            ) { response in
                #expect(response.status == .notFound)
            }
            // easycms: customer@mail.com of globex (member 10), not of ACCOUNT_ID (member 8).
            var headers = FrontDoorHarness.formHeaders
            headers[HTTPField.Name("Authorization1")!] = key
            try await client.execute(
                uri: "/public_api/set_customer_delete_account", method: .post, headers: headers,
                body: FrontDoorHarness.form([
                    ("username", "globexuser"), ("password", "globex-password"), ("account", "globex"),
                    ("email", Seed.customerEmail), ("customer_password", Seed.customerPassword),
                ])
            ) { response in
                #expect(response.status == .ok)
            }
        }
        try await harness.stop()
        let after = try harness.members()
        #expect(after[3]?.row != before[3]?.row, "globex's own customer is anonymised")
        #expect(after[10] == nil, "globex's own account is deleted")
        #expect(FrontDoorHarness.othersUnchanged(before, after, except: [3, 10]))
    }

    @Test(
        "Voyado's door: another tenant's export of the same key holds only its own customer's rows",
        arguments: TestDatabase.engines)
    func voyadoExportCrossTenant(_ engine: DatabaseEngine) async throws {
        let harness = try FrontDoorHarness.start(engine)
        try await harness.test { client in
            let globex: HTTPFields = [HTTPField.Name("Api-Key")!: FrontDoorHarness.globexKey]
            for (key, expected) in [("cu.00.482", ["globex"]), ("cu.00.483", [])] {
                let jid = try await client.execute(
                    uri: "/api/v2/event-data/create-export-customer-job?customerKey=\(key)", method: .post,
                    headers: globex
                ) { response in
                    try #require(response.json["jid"] as? String)
                }
                var text: String?
                for _ in 0..<200 {
                    let (status, body) = try await client.execute(
                        uri: "/api/v2/event-data/export-customer-job-result?jid=\(jid)", method: .get, headers: globex
                    ) { ($0.status, $0.text) }
                    if status == .ok {
                        text = body
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let export = try #require(text, "the export finished")
                let accounts = export.split(separator: "\n").compactMap { line -> String? in
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                        object["dataset"] as? String == "members"
                    else { return nil }
                    return (object["data"] as? [String: Any])?["account_id"] as? String
                }
                #expect(accounts == expected, "\(key)")
                #expect(!export.contains(Seed.azotteTenant), "nothing of the Azotte tenant's rows")
            }
        }
        try await harness.stop()
    }
}
