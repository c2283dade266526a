import Foundation

/// What asking to retry a job found.
public enum OperatorRetry: Sendable, Equatable {
    /// The failed job is back in the queue under its jid.
    case retried
    /// The job exists and has not failed: it is still running or waiting, or it is done.
    case notFailed(JobState)
    /// No job has this jid (for this tenant).
    case notFound
}

/// What asking to extend a job's legal due date found.
public enum LegalDueExtension: Sendable {
    /// The job is now due at `due`.
    case extended(due: Date)
    /// The job has finished: its deadline no longer runs.
    case finished(JobState)
    /// No job has this jid (for this tenant).
    case notFound
}

/// What asking to cancel a job found.
public enum JobCancellation: Sendable {
    /// The job was withdrawn at `at`; it keeps no customer key.
    case cancelled(at: Date)
    /// The job had started (been claimed) or finished: the point of no return has passed.
    case alreadyStarted(Job)
    /// No job has this jid (for this tenant).
    case notFound
}
