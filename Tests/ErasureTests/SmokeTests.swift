import Foundation
import GDPRWorkerCore
import GDPRWorkerTestSupport
import Testing

@Suite("Smoke")
struct SmokeTests {
    @Test("anonymise one sample customer", arguments: TestDatabase.engines)
    func anonymise(_ engine: DatabaseEngine) throws {
        let harness = try ErasureHarness(engine)
        let outcomes = try harness.run([ShopSample.customerKey(7)])
        let result = try ErasureHarness.result(outcomes[ShopSample.customerKey(7)])
        print(engine, result)
        let again = try harness.run([ShopSample.customerKey(7)])
        print(engine, try ErasureHarness.result(again[ShopSample.customerKey(7)]))
        let deleted = try harness.run([ShopSample.customerKey(8)], mode: .delete)
        print(engine, try ErasureHarness.result(deleted[ShopSample.customerKey(8)]))
        let exported = try harness.run([ShopSample.customerKey(9)], kind: .export)
        print(engine, try ErasureHarness.result(exported[ShopSample.customerKey(9)]))
    }
}
