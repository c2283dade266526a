import Foundation

public struct ClaimRequest: Sendable {
    /// The claiming worker's id; the job's lease is held in its name.
    public var worker: String
    public var limit: Int
    public var lease: Duration
    public var cutoff: ArchiveCutoff
    /// The instant to claim at, or nil for the database's clock.
    public var now: Date?

    public init(worker: String, limit: Int, lease: Duration, cutoff: ArchiveCutoff, now: Date?) {
        self.worker = worker
        self.limit = limit
        self.lease = lease
        self.cutoff = cutoff
        self.now = now
    }
}
