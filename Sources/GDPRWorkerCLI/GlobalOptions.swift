import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import Logging

/// Options every command takes. Each falls back to a `GDPR_WORKER_…` environment variable, so a
/// deployment configures the process once and cron lines stay short.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "postgres://user:pass@host:port/db?sslmode=… or sqlite:PATH. Env: GDPR_WORKER_DATABASE_URL.",
            valueName: "url"))
    var databaseURL: String?

    @Option(
        name: .customLong("archive-delay"),
        help: ArgumentHelp(
            "How long data takes to reach the archive, such as 5d, 36h or 0s (default: \(ArchiveCutoff.defaultDelay.humanReadable)). Env: GDPR_WORKER_ARCHIVE_DELAY.",
            valueName: "duration"))
    var archiveDelay: String?

    @Option(
        name: .customLong("data-map"),
        help: ArgumentHelp("The YAML data map of your schema. Env: GDPR_WORKER_DATA_MAP.", valueName: "path"))
    var dataMap: String?

    @Option(
        name: .customLong("lock-timeout"),
        help: ArgumentHelp(
            "How long a statement waits for a row the application holds locked before the job is retried later (PostgreSQL; default: \(PostgresSessionSettings.defaultLockTimeout.humanReadable)). Env: GDPR_WORKER_LOCK_TIMEOUT.",
            valueName: "duration"))
    var lockTimeout: String?

    @Option(
        name: .customLong("statement-timeout"),
        help: ArgumentHelp(
            "How long one statement may run (PostgreSQL; default: \(PostgresSessionSettings.defaultStatementTimeout.humanReadable)). Env: GDPR_WORKER_STATEMENT_TIMEOUT.",
            valueName: "duration"))
    var statementTimeout: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "trace, debug, info, notice, warning, error or critical. Env: GDPR_WORKER_LOG_LEVEL.", valueName: "level"))
    var logLevel: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The engines this executable can open; a new engine is one more entry.
    static let drivers = DatabaseDrivers([PostgresDriver(), SQLiteDriver()])

    /// The database URL: the flag, then the environment, then the embedded default.
    func resolvedDatabaseURL() -> String {
        guard let text = databaseURL ?? environment["GDPR_WORKER_DATABASE_URL"], !text.isEmpty else {
            return SQLiteDriver.defaultURL
        }
        return text
    }

    func resolvedArchiveDelay() throws(InputError) -> Duration {
        guard let text = archiveDelay ?? environment["GDPR_WORKER_ARCHIVE_DELAY"], !text.isEmpty else {
            return ArchiveCutoff.defaultDelay
        }
        return try Duration(parsing: text)
    }

    /// The data map's path, if one is configured.
    func resolvedDataMapPath() -> String? {
        guard let path = dataMap ?? environment["GDPR_WORKER_DATA_MAP"], !path.isEmpty else { return nil }
        return path
    }

    /// Sends logs to standard error at the configured level, once per process, and returns the logger.
    /// Lines carry job ids, kinds and attempts; never a customer key or a data value.
    func bootstrapLogging() throws(InputError) -> Logger {
        let text = logLevel ?? environment["GDPR_WORKER_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw InputError(
                .invalidArgument, "--log-level must be one of: trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "gdpr-worker")
        logger.logLevel = level
        return logger
    }

    /// The timeouts of every store connection: the flags, then the environment, then each driver's defaults.
    func storeSettings() throws(InputError) -> StoreSettings {
        var settings = StoreSettings()
        if let text = lockTimeout ?? environment["GDPR_WORKER_LOCK_TIMEOUT"], !text.isEmpty {
            settings.lockTimeout = try Duration(parsing: text)
        }
        if let text = statementTimeout ?? environment["GDPR_WORKER_STATEMENT_TIMEOUT"], !text.isEmpty {
            settings.statementTimeout = try Duration(parsing: text)
        }
        return settings
    }

    /// Opens the store the URL names, with the driver registered for its scheme.
    func store() throws(InputError) -> any JobStore {
        try Self.drivers.makeStore(url: resolvedDatabaseURL(), settings: storeSettings())
    }

    /// Connects and checks that the schema is there, so a missing `migrate` is named as such.
    func connectMigrated() throws -> any JobStoreConnection {
        let connection = try store().connect()
        guard let version = try connection.schemaVersion() else {
            connection.database.close()
            throw DatabaseError(.schemaMissing, "the database has no gdpr-worker schema")
        }
        // An older schema lacks what this binary writes: every round would fail.
        let needed = Migration.latestVersion(for: connection.database.engine)
        guard version >= needed else {
            connection.database.close()
            throw DatabaseError(
                .schemaMissing, "the database schema is at version \(version) and this binary needs version \(needed)")
        }
        return connection
    }
}
