import GDPRWorkerConformance
import GDPRWorkerTestSupport
import Testing

@Suite("PostgreSQL driver: store conformance")
struct PostgresDriverConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conforms(_ check: ConformanceCheck) async throws {
        try await StoreConformance.exercise(check, on: PostgresTestEngine())
    }
}
