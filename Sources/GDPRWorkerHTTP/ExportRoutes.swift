import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Hummingbird
import Logging

/// `GET /api/v2/event-data/export-customer-job-result`: a finished export as JSON Lines.
struct ExportRoutes: Sendable {
    let database: BlockingConnectionPool
    let exports: ExportStore

    static let path = "/api/v2/event-data/export-customer-job-result"

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("export-customer-job-result") { request, context in
            try await result(request, context)
        }
    }

    private func result(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = try QueryParameters(request.uri)
        let jid = try JobID(parsing: try query.required("jid", code: .invalidJobID))
        guard let tenant = context.tenant else { throw APIError.unauthorized("the Api-Key header is missing") }
        guard let job = try await database.withConnection({ try $0.job(jid, tenant: tenant) }) else {
            return .json(JobStatusReport.notFound(jid.description), status: .notFound)
        }
        guard job.kind == .export else {
            throw APIError(
                .conflict, code: "not_an_export_job",
                message: "this job is a remove job; only export jobs have a result")
        }
        switch job.state {
        case .pending, .running:
            throw APIError(
                .conflict, code: "export_not_ready",
                message: "the export has not finished; poll job-status until it is done")
        case .failed:
            throw APIError(
                .conflict, code: "export_failed", message: "the export failed: \(job.lastError ?? "no reason recorded")"
            )
        case .cancelled:
            throw APIError(.conflict, code: "export_cancelled", message: "the export was cancelled before it ran")
        case .done:
            break
        }
        let exports = self.exports
        guard let reader = try await Self.onDispatch({ try exports.reader(for: jid) }) else {
            throw APIError(
                .gone, code: "export_expired",
                message: "the export was deleted after its retention period; create a new export job")
        }
        context.logger.info("export served", metadata: ["jid": "\(jid)"])
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/x-ndjson", .contentDisposition: "attachment; filename=\"\(jid).jsonl\"",
            ],
            body: ResponseBody { writer in
                while let chunk = try await Self.onDispatch({ try reader.next() }) {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
    }

    private static let files = DispatchQueue(label: "gdpr-worker.exports", attributes: .concurrent)

    /// File reads block, so they run on a Dispatch queue, never on an event loop.
    private static func onDispatch<Value: Sendable>(
        _ body: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            files.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
