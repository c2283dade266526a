import Foundation

/// The body of `GET job-status` and of `gdpr-worker status`: `{"jid","status", …details}`.
///
/// Details are counts, times and table names. The customer key is never part of a status.
public struct JobStatusReport: Sendable, Encodable, Equatable {
    public var jid: String
    public var status: JobStatus
    public var phase: JobPhase?
    public var kind: JobKind?
    public var mode: ErasureMode?
    public var tenant: String?
    public var createdAt: Date?
    /// Creation time plus the archive delay: when the archive cutoff passes.
    public var eligibleAt: Date?
    /// How far the archive sweep has reached, shown while a job waits for it.
    public var archivedUntil: Date?
    public var legalDueAt: Date?
    public var attempts: Int?
    public var maxAttempts: Int?
    public var nextAttemptAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Why the last attempt failed, or why the job failed. Never personal data.
    public var reason: String?
    public var keys: Int?
    public var tables: [JobResult.TableCount]?
    /// What a job not done has already erased in transactions that committed.
    public var erasedSoFar: [JobResult.TableCount]?
    /// Who cancelled a cancelled job; `finished_at` says when.
    public var cancelledBy: String?
    /// Why `legal_due_at` was extended past creation plus one month.
    public var legalDueReason: String?
    /// What the job will do, while it waits: a preview made by queue maintenance.
    public var preview: JobPreview?

    /// The contract's answer for an unknown jid: `{"jid":J,"status":"not_found"}`.
    public static func notFound(_ jid: String) -> JobStatusReport {
        JobStatusReport(jid: jid, status: .notFound)
    }

    public init(jid: String, status: JobStatus) {
        self.jid = jid
        self.status = status
    }

    public init(job: Job, now: Date, cutoff: ArchiveCutoff) {
        self.init(jid: job.jid.description, status: job.state.status)
        kind = job.kind
        mode = job.mode
        tenant = job.tenant.name
        createdAt = job.createdAt
        legalDueAt = job.legalDueAt
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        reason = job.lastError
        legalDueReason = job.legalDueReason
        let waits = job.kind == .remove && job.waitsForArchive
        if waits { eligibleAt = cutoff.eligibleAt(createdAt: job.createdAt) }
        switch job.state {
        case .cancelled:
            phase = .cancelled
            cancelledBy = job.cancelledBy
        case .done:
            phase = .done
        case .failed:
            phase = job.erasedSoFar.isEmpty ? .failed : .partiallyErased
        case .running:
            phase = .running
        case .pending:
            if waits, !cutoff.isEligible(createdAt: job.createdAt, now: now) {
                phase = .waitingForArchive
                if cutoff.requiresWatermark { archivedUntil = cutoff.watermark }
            } else if job.attempts > 0 {
                phase = .retrying
                nextAttemptAt = job.runAt
            } else {
                phase = .queued
            }
            preview = job.preview
        }
        if let result = job.result {
            keys = result.keys
            tables = result.tables
        }
        if !job.erasedSoFar.isEmpty { erasedSoFar = job.erasedSoFar }
    }

    private enum CodingKeys: String, CodingKey {
        case jid, status, phase, kind, mode, tenant
        case createdAt = "created_at"
        case eligibleAt = "eligible_at"
        case archivedUntil = "archived_until"
        case legalDueAt = "legal_due_at"
        case attempts
        case maxAttempts = "max_attempts"
        case nextAttemptAt = "next_attempt_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case reason, keys, tables
        case erasedSoFar = "erased_so_far"
        case cancelledBy = "cancelled_by"
        case legalDueReason = "legal_due_reason"
        case preview
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jid, forKey: .jid)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(phase, forKey: .phase)
        try container.encodeIfPresent(kind, forKey: .kind)
        try container.encodeIfPresent(mode, forKey: .mode)
        try container.encodeIfPresent(tenant, forKey: .tenant)
        for (key, date) in [
            (CodingKeys.createdAt, createdAt), (.eligibleAt, eligibleAt), (.archivedUntil, archivedUntil),
            (.legalDueAt, legalDueAt),
        ] {
            try container.encodeIfPresent(date.map { Timestamp.format($0) }, forKey: key)
        }
        try container.encodeIfPresent(attempts, forKey: .attempts)
        try container.encodeIfPresent(maxAttempts, forKey: .maxAttempts)
        for (key, date) in [
            (CodingKeys.nextAttemptAt, nextAttemptAt), (.startedAt, startedAt), (.finishedAt, finishedAt),
        ] {
            try container.encodeIfPresent(date.map { Timestamp.format($0) }, forKey: key)
        }
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(keys, forKey: .keys)
        try container.encodeIfPresent(tables, forKey: .tables)
        try container.encodeIfPresent(erasedSoFar, forKey: .erasedSoFar)
        try container.encodeIfPresent(cancelledBy, forKey: .cancelledBy)
        try container.encodeIfPresent(legalDueReason, forKey: .legalDueReason)
        try container.encodeIfPresent(preview, forKey: .preview)
    }

    /// The report as one line of JSON with sorted keys, so the same status always prints the same bytes.
    public var json: String {
        CanonicalJSON.string(self)
    }
}
