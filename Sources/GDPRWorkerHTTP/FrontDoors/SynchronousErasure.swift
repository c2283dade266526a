import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// A remove job for a caller that waits for its outcome: enqueued like any other (deduplicated
/// against the same pending request), then read until it is done or failed, or the door's
/// timeout passes. Every front door erases through this, and so through the one job engine.
struct SynchronousErasure: Sendable {
    enum Outcome: Sendable {
        case done(Job)
        case failed(Job)
        /// Still queued or running when the timeout passed.
        case pending(JobID)
    }

    let database: BlockingConnectionPool
    let configuration: FrontDoorConfiguration
    /// Wakes this process's idle workers after a new job is stored.
    let onEnqueue: @Sendable () -> Void
    /// Seals a confirmation address; nil where the server has no audit secret, and none is sent.
    let sealer: ContactSealer?

    /// `confirmTo`: where the data subject's confirmation goes once the job is done.
    func erase(
        _ key: CustomerKey, tenant: Tenant, mode: ErasureMode, confirmTo: ContactAddress? = nil
    ) async throws
        -> Outcome
    {
        var request = EnqueueRequest(
            customerKey: key, tenant: tenant, kind: .remove, mode: mode, deduplicate: true,
            waitsForArchive: configuration.waitsForArchive)
        if let confirmTo, let sealer { request.sealedContact = try sealer.seal(confirmTo, tenant: tenant) }
        let stored = request
        let enqueued = try await database.withConnection { try $0.enqueue(stored) }
        if !enqueued.deduplicated { onEnqueue() }
        let deadline = ContinuousClock.now + configuration.answerTimeout
        while true {
            let job = try await database.withConnection { try $0.job(enqueued.jid, tenant: tenant) }
            if let job, job.state == .done { return .done(job) }
            if let job, job.state == .failed || job.state == .cancelled { return .failed(job) }
            if ContinuousClock.now >= deadline { return .pending(enqueued.jid) }
            try await Task.sleep(for: configuration.pollInterval)
        }
    }
}
