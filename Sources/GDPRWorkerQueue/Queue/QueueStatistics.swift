import Foundation

/// The live queue in numbers, for metrics and capacity planning.
public struct QueueStatistics: Sendable, Hashable {
    /// Pending jobs still inside their archive cutoff.
    public var waitingForArchive: Int
    /// Pending jobs past their cutoff: the backlog the workers have to clear.
    public var eligible: Int
    public var running: Int
    /// Age of the oldest eligible job, in seconds; 0 when there is none.
    public var oldestEligibleAge: Double
    /// Unfinished jobs whose legal due date has passed.
    public var pastLegalDue: Int
    /// Unfinished jobs due within `QueueStatistics.nearDueWindow`.
    public var nearLegalDue: Int
    /// Failed jobs: erasures that did not happen and need a human.
    public var failed: Int

    /// How close to its legal due date a job counts as at risk.
    public static let nearDueWindow: Duration = .seconds(7 * 86_400)

    public init(
        waitingForArchive: Int = 0, eligible: Int = 0, running: Int = 0, oldestEligibleAge: Double = 0,
        pastLegalDue: Int = 0, nearLegalDue: Int = 0, failed: Int = 0
    ) {
        self.waitingForArchive = waitingForArchive
        self.eligible = eligible
        self.running = running
        self.oldestEligibleAge = oldestEligibleAge
        self.pastLegalDue = pastLegalDue
        self.nearLegalDue = nearLegalDue
        self.failed = failed
    }
}

extension QueueStatistics {
    /// Decodes the statistics row both drivers return; the SQLite driver fills in the age itself.
    public init(row: SQLRow) throws(DatabaseError) {
        self.init(
            waitingForArchive: try row.int("waiting"), eligible: try row.int("eligible"),
            running: try row.int("running"),
            oldestEligibleAge: row.optionalDouble("oldest") ?? 0, pastLegalDue: try row.int("past_due"),
            nearLegalDue: try row.int("near_due"), failed: try row.int("failed"))
    }
}
