/// Work a handler defers until its transaction ends: files that may appear only once the
/// database says the job is done, or must go if it does not.
///
/// The worker runs `afterCommit` actions once the transaction that did the work has committed, and
/// `afterRollback` actions once it has been undone; never both. A crash in between runs neither,
/// which is why whatever they finish must also be finishable later (an export is published when
/// first read, and abandoned ones are purged).
public final class TransactionHooks: @unchecked Sendable {
    private var commitActions: [() -> Void] = []
    private var rollbackActions: [() -> Void] = []

    public init() {}

    public func afterCommit(_ action: @escaping () -> Void) {
        commitActions.append(action)
    }

    public func afterRollback(_ action: @escaping () -> Void) {
        rollbackActions.append(action)
    }

    /// Runs the commit actions and forgets both lists.
    public func committed() {
        let actions = commitActions
        commitActions = []
        rollbackActions = []
        for action in actions { action() }
    }

    /// Runs the rollback actions and forgets both lists.
    public func rolledBack() {
        let actions = rollbackActions
        commitActions = []
        rollbackActions = []
        for action in actions { action() }
    }
}
