import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue
import Hummingbird
import Logging

/// The Voyado-compatible job endpoints under `/api/v2/event-data`.
struct JobRoutes: Sendable {
    let database: BlockingConnectionPool
    let statusCache: JobStatusCache
    /// Live jobs' statuses, read in batches under a storm of polls.
    let statusReader: JobStatusBatcher
    let cutoff: ArchiveCutoff
    let timeSource: TimeSource
    /// Called after a new job is stored, to wake this process's idle workers.
    let onEnqueue: @Sendable () -> Void
    /// Hashes a key as the audit trail does, for `prove`; nil where the server has no audit secret.
    let auditHasher: AuditKeyHasher?
    /// The erasure engine, for `preview`; nil where the server has no data map.
    let previewer: ErasureJobHandler?

    static let paths: [String: [HTTPRequest.Method]] = [
        "/api/v2/event-data/create-remove-customer-job": [.post],
        "/api/v2/event-data/create-export-customer-job": [.post],
        "/api/v2/event-data/job-status": [.get],
        "/api/v2/event-data/retry-job": [.post],
        "/api/v2/event-data/cancel-job": [.post],
        "/api/v2/event-data/prove": [.get],
        "/api/v2/event-data/extend-legal-due": [.post],
        "/api/v2/event-data/preview": [.get],
    ]

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("create-remove-customer-job") { request, context in
            try await create(.remove, request, context)
        }
        group.post("create-export-customer-job") { request, context in
            try await create(.export, request, context)
        }
        group.get("job-status") { request, context in
            try await status(request, context)
        }
        group.post("retry-job") { request, context in
            try await retry(request, context)
        }
        group.post("cancel-job") { request, context in
            try await cancel(request, context)
        }
        group.get("prove") { request, context in
            try await prove(request, context)
        }
        group.post("extend-legal-due") { request, context in
            try await extend(request, context)
        }
        group.get("preview") { request, context in
            try await preview(request, context)
        }
    }

    /// What a remove job for the key would touch in the tenant's data, changing nothing.
    private func preview(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = try QueryParameters(request.uri)
        let key = try CustomerKey(try query.required("customerKey", code: .invalidCustomerKey))
        let mode = try ErasureMode(parsing: query["mode"] ?? ErasureMode.anonymise.rawValue)
        let tenant = try context.requireTenant()
        guard let previewer else {
            throw APIError(
                .serviceUnavailable, code: "preview_unavailable", message: "this server has no data map to preview with"
            )
        }
        let preview = try await database.withConnection { connection in
            try previewer.preview(key, tenant: tenant, mode: mode, on: connection.database)
        }
        return .json(preview)
    }

    /// Extends one of the tenant's unfinished jobs' legal due date by `months` (1 or 2, default 2)
    /// past creation plus one month, with a `reason`: `{"jid","legal_due_at","legal_due_reason"}`.
    private func extend(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (query, jid, tenant) = try await jobCall(request, context)
        let reason = try query.required("reason", code: .invalidArgument)
        guard let months = Int(query["months"] ?? "2") else {
            throw InputError(.invalidArgument, "months must be 1 or 2")
        }
        let who = context.caller
        let now = timeSource.override
        let outcome = try await database.withConnection { connection in
            try connection.extendLegalDue(jid, tenant: tenant, months: months, reason: reason, by: who, now: now)
        }
        switch outcome {
        case .extended(let due):
            context.logger.notice("legal due date extended", metadata: ["jid": "\(jid)", "months": "\(months)"])
            return .json(["jid": jid.description, "legal_due_at": Timestamp.format(due), "legal_due_reason": reason])
        case .finished(let state):
            throw APIError(
                .conflict, code: "job_finished",
                message: "the job is \(state.rawValue); only an unfinished job's deadline can be extended")
        case .notFound:
            return .json(JobStatusReport.notFound(jid.description), status: .notFound)
        }
    }

    /// The tenant's audit records of a key, found by its keyed hash: was it erased, when, by
    /// which job and data map. An unerased key is a 200 with `"erased": false`.
    private func prove(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = try QueryParameters(request.uri)
        let key = try CustomerKey(try query.required("customerKey", code: .invalidCustomerKey))
        let tenant = try context.requireTenant()
        guard let auditHasher else {
            throw APIError(
                .serviceUnavailable, code: "audit_unavailable", message: "this server has no audit secret to prove with"
            )
        }
        let hash = auditHasher.hash(key, tenant: tenant)
        let proof = try await database.withConnection { try ErasureProof.find(keyHash: hash, tenant: tenant, on: $0) }
        return .json(proof)
    }

    /// Withdraws one of the tenant's jobs that no worker has claimed: `{"jid","status":"cancelled",
    /// "cancelled_at"}`; 409 with the time its point of no return passed once it has started.
    private func cancel(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (_, jid, tenant) = try await jobCall(request, context)
        let who = context.caller
        let now = timeSource.override
        let outcome = try await database.withConnection { connection in
            try connection.cancel(jid, tenant: tenant, by: who, now: now)
        }
        switch outcome {
        case .cancelled(let at):
            context.logger.notice("job cancelled", metadata: ["jid": "\(jid)"])
            return .json(
                CancelledJob(
                    jid: jid.description, status: JobStatus.cancelled.rawValue, cancelledAt: Timestamp.format(at)))
        case .alreadyStarted(let job):
            let passed = job.startedAt ?? job.finishedAt
            throw APIError(
                .conflict, code: "job_started",
                message: "the job is \(job.state.rawValue); its point of no return, the first claim by a worker, passed"
                    + (passed.map { " at " + Timestamp.format($0) } ?? ""))
        case .notFound:
            return .json(JobStatusReport.notFound(jid.description), status: .notFound)
        }
    }

    private struct CancelledJob: Encodable {
        let jid: String
        let status: String
        let cancelledAt: String

        enum CodingKeys: String, CodingKey {
            case jid, status
            case cancelledAt = "cancelled_at"
        }
    }

    /// Puts one of the tenant's failed jobs back in the queue under its jid: `{"jid","status":"started"}`.
    private func retry(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (_, jid, tenant) = try await jobCall(request, context)
        let now = timeSource.override
        let outcome = try await database.withConnection { connection in
            try connection.retryFailed(jid, tenant: tenant, now: now)
        }
        switch outcome {
        case .retried:
            onEnqueue()
            context.logger.notice("failed job retried", metadata: ["jid": "\(jid)"])
            return .json(CreatedJob(jid: jid.description, status: JobStatus.started.rawValue))
        case .notFailed(let state):
            throw APIError(
                .conflict, code: "job_not_failed",
                message: "the job is \(state.status.rawValue); only a failed job can be retried")
        case .notFound:
            return .json(JobStatusReport.notFound(jid.description), status: .notFound)
        }
    }

    /// `{"jid","status":"started"}`, or the pending job of the same tenant, kind, mode and key.
    private func create(_ kind: JobKind, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        var request = request
        _ = try await request.collectBody(upTo: context.maxUploadSize)
        let query = try QueryParameters(request.uri)
        let key = try CustomerKey(try query.required("customerKey", code: .invalidCustomerKey))
        let mode = try ErasureMode(parsing: query["mode"] ?? ErasureMode.anonymise.rawValue)
        let tenant = try context.requireTenant()
        var enqueue = EnqueueRequest(customerKey: key, tenant: tenant, kind: kind, mode: mode, deduplicate: true)
        if let confirmTo = query["confirmTo"] {
            enqueue.sealedContact = try sealContact(confirmTo, kind: kind, tenant: tenant)
        }
        let stored = enqueue
        let enqueued = try await database.withConnection { connection in
            try connection.enqueue(stored)
        }
        if !enqueued.deduplicated { onEnqueue() }
        context.logger.info(
            "job created",
            metadata: [
                "jid": "\(enqueued.jid)", "kind": "\(kind.rawValue)", "deduplicated": "\(enqueued.deduplicated)",
            ])
        return .json(CreatedJob(jid: enqueued.jid.description, status: JobStatus.started.rawValue))
    }

    /// The sealed form of a confirmation address given with a remove job.
    private func sealContact(_ address: String, kind: JobKind, tenant: Tenant) throws -> String {
        let contact = try ContactAddress(address)
        guard kind == .remove else {
            throw InputError(
                .invalidContact, "confirmTo is for remove jobs; an export's result is collected, not mailed")
        }
        guard let auditHasher else {
            throw APIError(
                .serviceUnavailable, code: "confirmation_unavailable",
                message: "this server has no secret to seal a confirmation address with")
        }
        return try ContactSealer(hasher: auditHasher).seal(contact, tenant: tenant)
    }

    /// The status of one of the tenant's jobs; another tenant's job is not found, not forbidden.
    private func status(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = try QueryParameters(request.uri)
        let jid = try JobID(parsing: try query.required("jid", code: .invalidJobID))
        let tenant = try context.requireTenant()
        if let done = statusCache.doneAnswer(for: jid, tenant: tenant) { return .json(done) }
        // Another tenant's job is not found, not forbidden.
        guard let (job, watermark) = try await statusReader.job(jid), job.tenant == tenant else {
            return .json(JobStatusReport.notFound(jid.description), status: .notFound)
        }
        var effectiveCutoff = cutoff
        effectiveCutoff.watermark = watermark
        let report = JobStatusReport(job: job, now: timeSource.localNow, cutoff: effectiveCutoff)
        return .json(statusCache.answer(report, for: jid, tenant: tenant))
    }

    /// The query, jid and tenant of a POST on one of the tenant's jobs. Its input is in the query
    /// string; the body is read only so that an oversized one is refused.
    private func jobCall(
        _ request: Request, _ context: APIRequestContext
    ) async throws -> (QueryParameters, JobID, Tenant) {
        var request = request
        _ = try await request.collectBody(upTo: context.maxUploadSize)
        let query = try QueryParameters(request.uri)
        let jid = try JobID(parsing: try query.required("jid", code: .invalidJobID))
        return (query, jid, try context.requireTenant())
    }

    private struct CreatedJob: Encodable {
        let jid: String
        let status: String
    }
}
