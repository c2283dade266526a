/// How a caller holds a job it writes to.
public enum JobOwnership: Sendable, Hashable {
    /// The worker's open transaction took the job out of the queue with a batch claim: writes
    /// record the job from what the claim returned.
    case taken(by: String)
    /// The worker holds the job's lease from a durable claim; writes check the lease.
    case leased(by: String)

    /// The worker acting on the job, recorded on its audit or failure record.
    public var worker: String {
        switch self {
        case .taken(let worker), .leased(let worker): worker
        }
    }

    /// The lease holder to check, or nil when the job was taken by the caller's transaction.
    public var leaseHolder: String? {
        switch self {
        case .taken: nil
        case .leased(let worker): worker
        }
    }
}
