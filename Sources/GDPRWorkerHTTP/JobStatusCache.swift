import GDPRWorkerErasure
import GDPRWorkerQueue
import NIOCore
import Synchronization

/// Job-status answers as encoded bytes, for clients that poll.
///
/// A done job's answer never changes again, so it is served from here without reading the job.
/// A started job is always read fresh, and so is a failed one, which an operator may retry from
/// any process; but most polls of a live job get the same answer as the last one, so its bytes
/// are reused when the fresh report equals the stored one, and encoded again only when it changed
/// (encoding cost as much of a request as reading the job, with Benchmarks/run's distinct jids).
/// The cache is bounded and simply starts over when full.
final class JobStatusCache: Sendable {
    private struct Entry {
        let tenant: Tenant
        let report: JobStatusReport
        let body: ByteBuffer
    }

    private let capacity: Int
    private let entries = Mutex<[JobID: Entry]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The answer of a done job of the tenant, if it is known; nil means read the job.
    func doneAnswer(for jid: JobID, tenant: Tenant) -> ByteBuffer? {
        entries.withLock { entries in
            guard let entry = entries[jid], entry.tenant == tenant, entry.report.status == .done else { return nil }
            return entry.body
        }
    }

    /// The encoded answer for a report just read: the stored bytes when the report has not changed.
    func answer(_ report: JobStatusReport, for jid: JobID, tenant: Tenant) -> ByteBuffer {
        let stored = entries.withLock { entries -> ByteBuffer? in
            guard let entry = entries[jid], entry.tenant == tenant, entry.report == report else { return nil }
            return entry.body
        }
        if let stored { return stored }
        let body = ByteBuffer(bytes: CanonicalJSON.data(report))
        guard capacity > 0 else { return body }
        entries.withLock { entries in
            if entries.count >= capacity, entries[jid] == nil { entries.removeAll(keepingCapacity: true) }
            entries[jid] = Entry(tenant: tenant, report: report, body: body)
        }
        return body
    }
}
