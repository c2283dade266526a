import Foundation

/// A finished job's outcome, written with its audit record in the transaction that did the work.
public struct JobCompletion: Sendable {
    public var job: ClaimedJob
    /// HMAC-SHA-256 of the customer key under the audit secret: the only form of the key kept.
    public var keyHash: String
    public var result: JobResult
    /// When this attempt started; the job's first start when it is its first attempt.
    public var startedAt: Date

    public init(job: ClaimedJob, keyHash: String, result: JobResult, startedAt: Date) {
        self.job = job
        self.keyHash = keyHash
        self.result = result
        self.startedAt = startedAt
    }
}
