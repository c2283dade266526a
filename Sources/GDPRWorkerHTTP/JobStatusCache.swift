import GDPRWorkerErasure
import GDPRWorkerQueue
import Synchronization

/// Done jobs' statuses, which never change again, kept in memory for clients that poll.
///
/// Only `done` jobs are cached: a started job is always read fresh, and so is a failed one, which
/// an operator may retry from any process. The cache is bounded and simply starts over when full.
final class JobStatusCache: Sendable {
    private let capacity: Int
    private let entries = Mutex<[JobID: (tenant: Tenant, report: JobStatusReport)]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    func report(for jid: JobID, tenant: Tenant) -> JobStatusReport? {
        entries.withLock { entries in
            guard let entry = entries[jid], entry.tenant == tenant else { return nil }
            return entry.report
        }
    }

    func store(_ report: JobStatusReport, for jid: JobID, tenant: Tenant) {
        guard report.status == .done, capacity > 0 else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[jid] = (tenant, report)
        }
    }
}
