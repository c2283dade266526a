import GDPRWorkerSchema

/// One versioned schema change, from `schema/<engine>/NNNN_name.sql`.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The migrations compiled into this binary for an engine, in version order.
    public static func embedded(for engine: DatabaseEngine) -> [Migration] {
        EmbeddedSchema.paths(in: engine.id).compactMap { path in
            let file = path.split(separator: "/").last.map(String.init) ?? path
            guard file.hasSuffix(".sql"), let underscore = file.firstIndex(of: "_"),
                let version = Int(file[..<underscore]), let sql = EmbeddedSchema.file(path)
            else { return nil }
            let name = String(file[file.index(after: underscore)...].dropLast(4))
            return Migration(version: version, name: name, sql: sql)
        }
        .sorted { $0.version < $1.version }
    }

    /// The schema version this binary needs: its newest migration's.
    public static func latestVersion(for engine: DatabaseEngine) -> Int {
        embedded(for: engine).last?.version ?? 0
    }

    /// Applies the migrations missing from a database, each in its own transaction, and records them.
    ///
    /// Each migration re-checks the history inside its transaction. On SQLite the transaction holds
    /// the write lock; on PostgreSQL the caller holds an advisory lock. Either way, concurrent
    /// `migrate` runs apply each file exactly once.
    public static func apply(
        _ migrations: [Migration], on connection: any DatabaseConnection, historyTableDDL: String,
        isAppliedSQL: String, recordSQL: String
    ) throws -> [AppliedMigration] {
        try connection.executeScript(historyTableDDL)
        let newest = try connection.queryFirst("SELECT max(version) AS version FROM gdpr_schema_migrations")?
            .optionalInt("version")
        if let newest, let known = migrations.last?.version, newest > known {
            throw DatabaseError(
                .schemaMissing,
                "the database schema is at version \(newest), newer than this binary knows (\(known)); upgrade gdpr-worker"
            )
        }
        var applied: [AppliedMigration] = []
        for migration in migrations {
            let didApply = try connection.transaction {
                guard try connection.query(isAppliedSQL, [.int(migration.version)]).isEmpty else { return false }
                try connection.executeScript(migration.sql)
                try connection.execute(recordSQL, [.int(migration.version), .text(migration.name)])
                return true
            }
            if didApply { applied.append(AppliedMigration(version: migration.version, name: migration.name)) }
        }
        return applied
    }
}
