import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import Synchronization

/// The PostgreSQL server the tests use: `GDPR_WORKER_TEST_DATABASE_URL` if set, otherwise an
/// ephemeral cluster started once per test process by `scripts/ephemeral-postgres` and removed
/// when the process exits.
public enum TestPostgresServer {
    /// The server's connection parameters, or why there is none.
    public static var parameters: Result<PostgresConnectionParameters, TestSetupError> {
        server.withLock { state in
            if let state { return state }
            let started = start()
            state = started
            return started
        }
    }

    /// Whether a missing server fails the run rather than skipping the PostgreSQL cases.
    public static var isRequired: Bool {
        let ci = ProcessInfo.processInfo.environment["CI"]?.lowercased()
        return ci == "true" || ci == "1"
    }

    private static let server = Mutex<Result<PostgresConnectionParameters, TestSetupError>?>(nil)

    private static func start() -> Result<PostgresConnectionParameters, TestSetupError> {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["GDPR_WORKER_TEST_DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres"), let parameters = try? PostgresConnectionParameters(parsing: url) else {
                return .failure(TestSetupError("GDPR_WORKER_TEST_DATABASE_URL is not a postgres:// URL"))
            }
            return .success(parameters)
        }
        let directory = PackagePaths.scratch.appending(path: "gdpr-worker-test-pg-\(getpid())").path
        let script = PackagePaths.root.appending(path: "scripts/ephemeral-postgres").path
        let output: String
        do {
            output = try ProcessRunner.run(script, ["start", directory, "--owner-pid", String(getpid())])
        } catch {
            return .failure(TestSetupError("cannot start an ephemeral PostgreSQL: \(error)"))
        }
        atexit {
            let directory = PackagePaths.scratch.appending(path: "gdpr-worker-test-pg-\(getpid())")
                .path
            _ = try? ProcessRunner.run(
                PackagePaths.root.appending(path: "scripts/ephemeral-postgres").path, ["stop", directory])
        }
        guard
            let parameters = try? PostgresConnectionParameters(
                parsing: output.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            return .failure(TestSetupError("ephemeral-postgres printed no URL"))
        }
        return .success(parameters)
    }
}

/// Why the test environment could not be set up.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
