import GDPRWorkerTestSupport
import Testing

/// The conformance suite of the store seam, as a library every driver's tests call (River's
/// `riverdrivertest.Exercise`): a driver is done when
///
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conforms(_ check: ConformanceCheck) async throws {
///     try await StoreConformance.exercise(check, on: MyTestEngine())
/// }
/// ```
///
/// passes. The checks cover migrations, enqueue and status, claims, completion, retries, rescue,
/// the archive cutoff, API keys, statistics and values.
public enum StoreConformance {
    public static let checks: [ConformanceCheck] =
        MigrationConformance.checks + EnqueueConformance.checks + EnqueueConformance.cancelChecks
        + QueueConformance.checks
        + ArchiveCutoffConformance.checks + APIKeyConformance.checks + ValueConformance.checks
        + AuditChainConformance.checks + OutboxConformance.checks

    /// Runs one check on a fresh database of `engine`, or skips it where the engine cannot be
    /// tested on this machine (and fails it instead under `CI=true`).
    public static func exercise(_ check: ConformanceCheck, on engine: any TestEngine) async throws {
        guard TestDatabase.isAvailable(engine) else { return }
        try await check.run(on: engine)
    }
}
