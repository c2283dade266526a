import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Logging

/// Everything a process that runs workers needs, checked before it starts: the schema is there,
/// the data map fits the database, and the audit secret is known.
struct WorkerRuntime {
    let store: any JobStore
    let handler: ErasureJobHandler
    let hasher: AuditKeyHasher
    let logger: Logger

    /// Refuses to start on a missing schema or a data map that fails `check`, naming every problem.
    static func prepare(
        options: GlobalOptions, exports: ExportStore.Configuration, logger: Logger
    ) throws -> WorkerRuntime {
        guard let path = options.resolvedDataMapPath() else {
            throw InputError(
                .invalidArgument,
                "no data map: pass --data-map PATH or set GDPR_WORKER_DATA_MAP (see `gdpr-worker check`)")
        }
        let store = try options.store()
        let connection = try options.connectMigrated()
        defer { connection.database.close() }
        let problems = try DataMapCheck.run(contentsOf: path, on: connection.database)
        guard problems.isEmpty else {
            for problem in problems { FileHandle.standardError.write(Data("gdpr-worker: \(problem)\n".utf8)) }
            throw CommandError(
                message:
                    "the data map \(path) has \(problems.count) problem\(problems.count == 1 ? "" : "s"); refusing to start",
                code: CommandFailure.dataError)
        }
        let version = FileManager.default.contents(atPath: path).map(ErasureJobHandler.version(of:))
        let handler = ErasureJobHandler(
            dataMap: try DataMap(contentsOf: path), configuration: .init(export: exports, dataMapVersion: version))
        try handler.prepare(on: connection.database)
        if AuditCommand.configuredSecret?.isEmpty ?? true {
            logger.notice(
                "GDPR_WORKER_AUDIT_SECRET is not set: audit hashes use a secret generated once and stored in gdpr_settings; set your own in production"
            )
        }
        let hasher = try AuditCommand.hasher(connection)
        return WorkerRuntime(store: store, handler: handler, hasher: hasher, logger: logger)
    }

    func makePool(_ configuration: WorkerPool.Configuration) -> WorkerPool {
        WorkerPool(store: store, handler: handler, hasher: hasher, configuration: configuration, logger: logger)
    }

    /// Previews of the jobs waiting for the archive cutoff, shown in their status.
    func makePreviews() -> WaitingJobPreviews {
        WaitingJobPreviews(
            database: BlockingConnectionPool(store: store, size: 1, label: "previews"), handler: handler, logger: logger
        )
    }

    func makeMaintenance() -> QueueMaintenance {
        QueueMaintenance(
            database: BlockingConnectionPool(store: store, size: 1, label: "maintenance"), logger: logger,
            auditChain: AuditChain(hasher: hasher))
    }
}
