import GDPRWorkerConformance
import GDPRWorkerTestSupport
import Testing

@Suite("SQLite driver: store conformance")
struct SQLiteDriverConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conforms(_ check: ConformanceCheck) async throws {
        try await StoreConformance.exercise(check, on: SQLiteTestEngine())
    }
}
