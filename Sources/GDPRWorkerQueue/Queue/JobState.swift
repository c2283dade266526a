/// Where a job is in its life, as stored.
public enum JobState: String, Sendable, Hashable, Codable {
    /// Waiting to be claimed: for the archive cutoff, for its next attempt, or for a free worker.
    case pending
    /// Claimed by a worker that holds its lease.
    case running
    /// Finished: the data is gone and the audit record is written.
    case done
    /// Given up after its last attempt or on a permanent error; nothing was erased.
    case failed
    /// Withdrawn before it started: nothing was erased, and the customer key is gone.
    case cancelled

    /// The status of the HTTP contract: `started` until the job finishes.
    public var status: JobStatus {
        switch self {
        case .pending, .running: .started
        case .done: .done
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }
}

/// The `status` field of the Voyado-compatible contract.
public enum JobStatus: String, Sendable, Hashable, Codable {
    case started
    case done
    case failed
    /// Withdrawn before it started (`cancel-job`); beyond Voyado's three statuses.
    case cancelled
    case notFound = "not_found"
}

/// Why a started job has not finished yet, for the status details.
public enum JobPhase: String, Sendable, Hashable, Codable {
    /// Its archive cutoff, or the archive watermark, has not passed its creation time.
    case waitingForArchive = "waiting_for_archive"
    /// Eligible and waiting for a worker.
    case queued
    /// A worker is on it.
    case running
    /// An attempt failed; the next one is scheduled.
    case retrying
    case done
    case failed
    /// Failed after committing part of the erasure (a large job's chunks): `erased_so_far` says
    /// what is gone. An operator's retry finishes it.
    case partiallyErased = "partially_erased"
    case cancelled
}
