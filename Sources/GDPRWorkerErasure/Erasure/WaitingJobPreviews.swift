import Foundation
import GDPRWorkerQueue
import Logging
import ServiceLifecycle

/// Previews each remove job while it waits, and keeps the counts with the job so its status shows
/// what it will do: the erasure run exactly as a worker would, in a transaction that is always
/// rolled back (`ErasureJobHandler.preview`).
///
/// A job is previewed once, soon after it is enqueued, a few at a time: on SQLite a preview holds
/// the write lock for as long as the job would.
public struct WaitingJobPreviews: Service {
    public struct Configuration: Sendable {
        public static let defaultInterval: Duration = .seconds(15)
        public static let defaultBatch = 10

        public var interval: Duration
        /// The most jobs one pass previews.
        public var batch: Int

        public init(interval: Duration = defaultInterval, batch: Int = defaultBatch) {
            self.interval = interval
            self.batch = batch
        }
    }

    public let configuration: Configuration
    private let database: BlockingConnectionPool
    private let handler: ErasureJobHandler
    private let logger: Logger

    public init(
        database: BlockingConnectionPool, handler: ErasureJobHandler, configuration: Configuration = .init(),
        logger: Logger
    ) {
        self.database = database
        self.handler = handler
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await previewOnce()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.interval) }
        }
    }

    /// One pass; returns how many jobs it previewed. Also used by tests.
    @discardableResult
    public func previewOnce(now: Date? = nil) async -> Int {
        let (handler, batch) = (handler, configuration.batch)
        do {
            return try await database.withConnection { connection in
                var previewed = 0
                for job in try connection.jobsAwaitingPreview(limit: batch) {
                    let preview: JobPreview
                    do {
                        let result = try handler.preview(
                            job.customerKey, tenant: job.tenant, mode: job.mode, on: connection.database)
                        preview = JobPreview(keys: result.keys, tables: result.tables, failure: result.failure)
                    } catch let error as DatabaseError where error.isConnectionBroken {
                        throw error
                    } catch {
                        // Kept as the preview's failure, so that one job that cannot be previewed is
                        // not tried again on every pass. The code only: never the error's text.
                        preview = JobPreview(keys: 0, tables: [], failure: "preview_failed: \(Self.code(of: error))")
                    }
                    if try connection.storePreview(preview, for: job.jid, now: now) { previewed += 1 }
                }
                return previewed
            }
        } catch {
            logger.warning("waiting jobs could not be previewed this pass", metadata: ["error": "\(error)"])
            return 0
        }
    }

    private static func code(of error: any Error) -> String {
        if let error = error as? DatabaseError { return error.code.rawValue }
        if error is DataMapError { return "data_map" }
        return "unexpected"
    }
}
