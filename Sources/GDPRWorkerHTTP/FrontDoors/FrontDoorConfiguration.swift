import GDPRWorkerQueue

/// How the seed systems' front doors (Azotte, the loyalty platform, easycms) run their jobs.
///
/// Their clients expect the erasure done when the call returns, so by default their jobs skip the
/// archive cutoff and the call waits for the outcome up to `answerTimeout`; past it the answer
/// says the job is still running and carries its jid to poll.
public struct FrontDoorConfiguration: Sendable {
    public static let defaultAnswerTimeout: Duration = .seconds(10)
    public static let defaultFailedLoginLimit = 5
    public static let defaultFailedLoginWindow: Duration = .seconds(15 * 60)

    /// Whether the doors' jobs wait for the archive cutoff, as Voyado's do; false runs them at once.
    public var waitsForArchive: Bool
    /// How long a call waits for its job before answering that it still runs.
    public var answerTimeout: Duration
    /// How often a waiting call reads its job's status.
    public var pollInterval: Duration
    /// Failed customer logins allowed per email and per client address within `failedLoginWindow`.
    public var failedLoginLimit: Int
    public var failedLoginWindow: Duration

    public init(
        waitsForArchive: Bool = false, answerTimeout: Duration = FrontDoorConfiguration.defaultAnswerTimeout,
        pollInterval: Duration = .milliseconds(50),
        failedLoginLimit: Int = FrontDoorConfiguration.defaultFailedLoginLimit,
        failedLoginWindow: Duration = FrontDoorConfiguration.defaultFailedLoginWindow
    ) {
        self.waitsForArchive = waitsForArchive
        self.answerTimeout = answerTimeout
        self.pollInterval = pollInterval
        self.failedLoginLimit = failedLoginLimit
        self.failedLoginWindow = failedLoginWindow
    }
}
