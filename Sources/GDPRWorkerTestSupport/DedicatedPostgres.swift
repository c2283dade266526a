import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue

/// A PostgreSQL cluster of one test's own, for tests that take the database away: stopping the
/// shared server would break every other test running in parallel.
public final class DedicatedPostgres: @unchecked Sendable {
    public let parameters: PostgresConnectionParameters
    private let directory: String
    private static var script: String { PackagePaths.root.appending(path: "scripts/ephemeral-postgres").path }

    public init() throws {
        directory =
            PackagePaths.scratch.appending(
                path: "gdpr-worker-dedicated-\(UUID().uuidString.prefix(8))"
            ).path
        let url = try ProcessRunner.run(Self.script, ["start", directory, "--owner-pid", String(getpid())])
        guard
            let parameters = try? PostgresConnectionParameters(
                parsing: url.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw TestSetupError("ephemeral-postgres printed no URL")
        }
        self.parameters = parameters
    }

    deinit {
        _ = try? ProcessRunner.run(Self.script, ["stop", directory])
    }

    /// A migrated store on this cluster.
    public func migratedStore() throws -> PostgresJobStore {
        let store = PostgresJobStore(parameters: parameters)
        let connection = try store.connect()
        defer { connection.database.close() }
        _ = try connection.migrate()
        return store
    }

    /// Stops the server, keeping its data: the database goes away.
    public func pause() throws {
        _ = try ProcessRunner.run(Self.script, ["pause", directory])
    }

    /// Starts it again on the same port: the database comes back.
    public func resume() throws {
        _ = try ProcessRunner.run(Self.script, ["resume", directory])
    }
}
