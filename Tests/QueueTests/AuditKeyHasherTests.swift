import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Testing

@Suite("Audit key hashes")
struct AuditKeyHasherTests {
    @Test("HMAC-SHA-256 of tenant/key under the secret")
    func knownAnswer() throws {
        // printf 'default/alice@example.com' | openssl dgst -sha256 -hmac 'secret'
        let hasher = AuditKeyHasher(secret: Data("secret".utf8))
        #expect(
            hasher.hash(try CustomerKey("alice@example.com"), tenant: .default)
                == "fff31f1ec83af98a6f51a4ded0c225473e0859cef29e8e253b2fbdd8d60a254c")
    }

    @Test("one hasher gives the same answers however often and from however many threads it is used")
    func sharedHasher() async throws {
        let hasher = AuditKeyHasher(secret: Data("secret".utf8))
        let keys = try (0..<200).map { try CustomerKey("customer-\($0)@example.com") }
        let expected = keys.map { hasher.hash($0, tenant: .default) }
        #expect(Set(expected).count == keys.count)
        let rounds = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { keys.map { hasher.hash($0, tenant: .default) } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for round in rounds { #expect(round == expected) }
        #expect(
            hasher.hash(try CustomerKey("alice@example.com"), tenant: .default)
                == "fff31f1ec83af98a6f51a4ded0c225473e0859cef29e8e253b2fbdd8d60a254c")
    }

    @Test("tenants and secrets separate hashes of the same key")
    func separation() throws {
        let key = try CustomerKey("alice@example.com")
        let hasher = AuditKeyHasher(secret: Data("secret".utf8))
        #expect(hasher.hash(key, tenant: .default) != hasher.hash(key, tenant: try Tenant("acme")))
        #expect(
            hasher.hash(key, tenant: .default) != AuditKeyHasher(secret: Data("other".utf8)).hash(key, tenant: .default)
        )
    }

    @Test("generated secrets are 256 random bits")
    func generated() {
        let secret = AuditKeyHasher.generateSecret()
        #expect(secret.count == 64)
        #expect(secret != AuditKeyHasher.generateSecret())
    }
}

@Suite("Hex")
struct HexTests {
    @Test("lowercase, two digits a byte")
    func encode() {
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.encode([UInt8]()) == "")
    }
}
