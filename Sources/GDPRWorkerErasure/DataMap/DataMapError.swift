import GDPRWorkerQueue

/// A data map refused with every problem found, so the user can fix them all in one pass.
public struct DataMapError: Error, Sendable, CustomStringConvertible, JobFailureConvertible {
    public let problems: [DataMapProblem]

    public init(problems: [DataMapProblem]) {
        self.problems = problems
    }

    /// The first problem, and how many more there are: one line, for logs and job reasons.
    public var description: String {
        guard let first = problems.first else { return "the data map is invalid" }
        let more = problems.count - 1
        return more == 0 ? "data map: \(first)" : "data map: \(first) (and \(more) more; run `gdpr-worker check`)"
    }

    /// Retried, not failed: a map fixed and redeployed lets the job finish.
    public var jobFailure: JobFailure { JobFailure(.dataMap, description, permanent: false) }
}
