import GDPRWorkerCore
import Synchronization

/// Finished jobs' statuses, which never change again, kept in memory for clients that poll.
///
/// Only `done` and `failed` jobs are cached, so a started job is always read fresh. The cache is
/// bounded and simply starts over when full.
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
        guard report.status == .done || report.status == .failed, capacity > 0 else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[jid] = (tenant, report)
        }
    }
}
