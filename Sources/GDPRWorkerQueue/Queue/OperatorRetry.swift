/// What asking to retry a job found.
public enum OperatorRetry: Sendable, Equatable {
    /// The failed job is back in the queue under its jid.
    case retried
    /// The job exists and has not failed: it is still running or waiting, or it is done.
    case notFailed(JobState)
    /// No job has this jid (for this tenant).
    case notFound
}
