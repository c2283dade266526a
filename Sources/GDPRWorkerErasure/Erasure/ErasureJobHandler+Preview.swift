import Foundation
import GDPRWorkerQueue
import Logging

/// What a remove job would do to a key, shown before anything happens: per table, the rows it
/// would reach and the fields its strategies would rewrite (or the rows it would delete), and how
/// many linked keys it would cover (a count, never the keys).
public struct ErasurePreview: Sendable, Encodable {
    public var mode: ErasureMode
    public var tenant: String
    /// Keys the job would cover, the customer's own included.
    public var keys: Int
    public var tables: [JobResult.TableCount]
    /// Why the job would fail instead (the cascade limit, say); nothing else is shown then.
    public var failure: String?

    /// The preview as one line of JSON with sorted keys.
    public var json: String {
        CanonicalJSON.string(self)
    }
}

extension ErasureJobHandler {
    /// Runs the erasure of `key` exactly as a worker would, inside a transaction that is always
    /// rolled back, and reports its counts: the preview is the real plan on the real rows, and it
    /// changes nothing. While it runs it holds the locks a job would (on SQLite, the write lock),
    /// so keep previews out of hot loops. Triggers on mapped tables fire and are rolled back too;
    /// one that acts outside the database (a dblink, say) would act.
    public func preview(
        _ key: CustomerKey, tenant: Tenant, mode: ErasureMode, on connection: any DatabaseConnection
    ) throws -> ErasurePreview {
        struct RolledBack: Error {}
        let now = Date()
        let job = ClaimedJob(
            jid: JobID(), tenant: tenant, kind: .remove, mode: mode, customerKey: key, attempt: 1, maxAttempts: 1,
            createdAt: now, legalDueAt: now)
        var outcome: JobOutcome?
        do {
            try connection.transaction {
                let context = JobContext(
                    connection: connection, logger: Logger(label: "gdpr-worker.preview"), worker: "preview", now: nil,
                    isAlone: false, commitAndReopen: { _ in throw RolledBack() })
                outcome = try process([job], in: context)[job.jid]
                throw RolledBack()
            }
        } catch is RolledBack {
        } catch is NeedsOwnTransaction {
            return ErasurePreview(
                mode: mode, tenant: tenant.name, keys: 1, tables: [],
                failure: "too_large: the job would commit in chunks; it is too large to preview in one transaction")
        }
        switch outcome {
        case .done(let result):
            return ErasurePreview(mode: mode, tenant: tenant.name, keys: result.keys, tables: result.tables)
        case .failed(let failure):
            return ErasurePreview(mode: mode, tenant: tenant.name, keys: 0, tables: [], failure: failure.reason)
        case nil:
            return ErasurePreview(mode: mode, tenant: tenant.name, keys: 0, tables: [], failure: "no outcome")
        }
    }
}
