import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import Logging

/// Runs jobs through ErasureJobHandler as a pool worker does: claim a batch (committed), then in
/// one transaction hold the jobs, process them, complete them with their audit records, and commit.
struct EngineRun {
    let store: PostgresJobStore
    let handler: ErasureJobHandler
    let batch: Int
    let worker = "bench/1/w0"

    init(parameters: PostgresConnectionParameters, batch: Int) throws {
        store = PostgresJobStore(parameters: parameters)
        handler = ErasureJobHandler(dataMap: try ShopSample.dataMap())
        self.batch = batch
    }

    /// Seconds spent in the handler, and in all (claim, process, complete, commit).
    func run(_ keys: [String], mode: ErasureMode) throws -> (handler: Double, total: Double) {
        let connection = try store.connect()
        defer { connection.database.close() }
        let database = connection.database
        try handler.prepare(on: database)
        try database.execute(
            "INSERT INTO gdpr_jobs (customer_key, mode) SELECT key, $2 FROM unnest(CAST($1 AS text[])) AS key",
            [.textArray(keys), .text(mode.rawValue)])
        let hasher = AuditKeyHasher(secret: Data("benchmark".utf8))
        let request = ClaimRequest(
            worker: worker, limit: batch, lease: .seconds(600), cutoff: ArchiveCutoff(delay: .zero), now: nil)
        var handlerTime: Duration = .zero
        let clock = ContinuousClock()
        let started = clock.now
        var done = 0
        while true {
            let batchStarted = Date()
            let claimed = try connection.claim(request)
            if claimed.isEmpty { break }
            try database.begin()
            _ = try connection.holdLeases(claimed.map(\.jid), worker: worker, lease: .seconds(600), now: nil)
            let context = JobContext(
                connection: database, logger: Logger(label: "bench"), worker: worker, now: nil, isAlone: false,
                commitAndReopen: { _ in })
            let handlerStarted = clock.now
            let outcomes = try handler.process(claimed, in: context)
            handlerTime += clock.now - handlerStarted
            let completions = try claimed.map { job -> JobCompletion in
                guard case .done(let result)? = outcomes[job.jid] else {
                    throw BenchmarkFailure("a job did not succeed: \(String(describing: outcomes[job.jid]))")
                }
                return JobCompletion(
                    job: job, keyHash: hasher.hash(job.customerKey, tenant: job.tenant), result: result,
                    startedAt: batchStarted)
            }
            _ = try connection.complete(completions, worker: worker, now: nil)
            try database.commit()
            done += claimed.count
        }
        guard done == keys.count else { throw BenchmarkFailure("\(done) of \(keys.count) jobs ran") }
        return (handlerTime.seconds, (clock.now - started).seconds)
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
