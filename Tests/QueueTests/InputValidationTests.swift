import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Testing

@Suite("Input validation")
struct InputValidationTests {
    @Test(
        "customer keys: empty, too long and control characters are refused",
        arguments: [
            "", String(repeating: "k", count: 257), String(repeating: "é", count: 129), "a\nb", "tab\there", "nul\u{0}",
            "del\u{7f}", "c1\u{85}",
        ])
    func refusedKeys(_ key: String) {
        #expect(throws: InputError.self) { try CustomerKey(key) }
        do {
            _ = try CustomerKey(key)
        } catch {
            #expect(error.code == .invalidCustomerKey)
            #expect(!key.isEmpty ? !error.message.contains(key) : true)
        }
    }

    @Test(
        "customer keys that look like SQL, unicode and the longest are accepted literally",
        arguments: [
            "'; DROP TABLE customers; --", "Ωmega-客户-🔑", String(repeating: "k", count: 256),
            String(repeating: "é", count: 128),
            "d9528030-509c-4e0f-b585-7168f1e9feca",
        ])
    func acceptedKeys(_ key: String) throws {
        #expect(try CustomerKey(key).rawValue == key)
    }

    @Test("a customer key never prints itself")
    func keyIsRedacted() throws {
        let key = try CustomerKey("alice@example.com")
        #expect(!"\(key)".contains("alice"))
        #expect(!String(reflecting: key).contains("alice"))
    }

    @Test(
        "jids: only the canonical UUID form is accepted",
        arguments: [
            "", "abc", "d9528030509c4e0fb5857168f1e9feca", "{d9528030-509c-4e0f-b585-7168f1e9feca}",
            "d9528030-509c-4e0f-b585-7168f1e9fecaa", "g9528030-509c-4e0f-b585-7168f1e9feca", "1 OR 1=1",
            "d9528030-509c-4e0f-b585_7168f1e9feca", "d9528030-509c-4e0f-b5857-168f1e9feca",
            "d9528030-509c-4e0f-b585-7168f1e9fec\u{e9}",
        ])
    func malformedJobIDs(_ text: String) {
        #expect(throws: InputError.self) { try JobID(parsing: text) }
    }

    @Test("jids print in lowercase")
    func jobIDsAreLowercase() throws {
        let jid = try JobID(parsing: "D9528030-509C-4E0F-B585-7168F1E9FECA")
        #expect(jid.description == "d9528030-509c-4e0f-b585-7168f1e9feca")
    }

    @Test("jids round-trip exactly as Foundation reads and prints them")
    func jobIDsRoundTrip() throws {
        for _ in 0..<1_000 {
            let uuid = UUID()
            let jid = JobID(uuid)
            #expect(jid.description == uuid.uuidString.lowercased())
            #expect(try JobID(parsing: uuid.uuidString) == jid)
            #expect(try JobID(parsing: jid.description).uuid == uuid)
        }
    }

    @Test("modes and kinds")
    func modesAndKinds() throws {
        #expect(try ErasureMode(parsing: "delete") == .delete)
        #expect(try ErasureMode(parsing: "anonymise") == .anonymise)
        #expect(throws: InputError.self) { try ErasureMode(parsing: "anonymize-ish") }
        #expect(throws: InputError.self) { try ErasureMode(parsing: "") }
        #expect(try JobKind(parsing: "export") == .export)
        #expect(throws: InputError.self) { try JobKind(parsing: "purge") }
    }

    @Test("tenants", arguments: ["default", "acme", "acme-eu.prod_1", "9lives"])
    func validTenants(_ name: String) throws {
        #expect(try Tenant(name).name == name)
    }

    @Test(
        "invalid tenants",
        arguments: ["", "-acme", "acme corp", "acme/eu", String(repeating: "a", count: 65), "ténant"])
    func invalidTenants(_ name: String) {
        #expect(throws: InputError.self) { try Tenant(name) }
    }
}
