import GDPRWorkerTestSupport
import Testing

/// One rule every driver's store must keep, run against a fresh database of the driver under test.
///
/// Checks branch on what an engine can do (`TestEngine`'s capabilities), never on its name, so a
/// new driver passes or fails them on its own merits.
public struct ConformanceCheck: Sendable, CustomTestStringConvertible {
    public let name: String
    private let body: @Sendable (any TestEngine) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any TestEngine) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { name }

    /// Runs the check; its expectations are recorded against the calling test.
    public func run(on engine: any TestEngine) async throws {
        try await body(engine)
    }
}
