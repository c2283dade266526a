import Foundation
import GDPRWorkerCore
import GDPRWorkerTestSupport
import Logging

/// Drives the erasure handler as the worker pool does: enqueue, claim, and process the claimed
/// batch inside one transaction, then commit.
struct ErasureHarness {
    let database: TestDatabase
    let handler: ErasureJobHandler
    let worker = "erasure-test/1/w0"

    init(_ engine: DatabaseEngine, customers: Int = 30, dataMap: DataMap? = nil, configuration: ErasureJobHandler.Configuration? = nil) throws {
        database = try TestDatabase(engine)
        let map = try dataMap ?? ShopSample.dataMap()
        handler = ErasureJobHandler(dataMap: map, configuration: configuration ?? Self.configuration())
        if customers > 0 {
            try database.withConnection { connection in try ShopSample.create(customers: customers, on: connection.database) }
        }
    }

    /// A configuration writing exports to a fresh temporary directory.
    static func configuration(rowsPerStatement: Int = 10_000, rowsPerTransaction: Int = 100_000) -> ErasureJobHandler.Configuration {
        let directory = FileManager.default.temporaryDirectory.appending(path: "gw-exports-\(UUID().uuidString)").path
        return ErasureJobHandler.Configuration(
            rowsPerStatement: rowsPerStatement, rowsPerTransaction: rowsPerTransaction, export: .init(directory: directory))
    }

    /// Enqueues one job per key, claims them as one batch, processes and commits it.
    @discardableResult
    func run(_ keys: [String], kind: JobKind = .remove, mode: ErasureMode = .anonymise, checkpoints: Checkpoints? = nil) throws -> [String: JobOutcome] {
        try database.withConnection { connection in
            var jids: [JobID: String] = [:]
            for key in keys {
                let jid = try connection.enqueue(EnqueueRequest(customerKey: try CustomerKey(key), kind: kind, mode: mode)).jid
                jids[jid] = key
            }
            let claimed = try connection.claim(
                ClaimRequest(worker: worker, limit: max(1, keys.count), lease: .seconds(600), cutoff: ArchiveCutoff(delay: .zero), now: nil))
            let outcomes = try process(claimed, on: connection.database, checkpoints: checkpoints)
            return Dictionary(uniqueKeysWithValues: outcomes.map { (jids[$0.key]!, $0.value) })
        }
    }

    /// Processes claimed jobs in one transaction, committed if the handler returns.
    func process(_ jobs: [ClaimedJob], on database: any DatabaseConnection, checkpoints: Checkpoints? = nil) throws -> [JobID: JobOutcome] {
        try database.begin()
        do {
            let context = JobContext(
                connection: database, logger: Logger(label: "erasure-test"), worker: worker, now: nil, isAlone: jobs.count == 1,
                commitAndReopen: {
                    checkpoints?.count += 1
                    try database.commit()
                    try database.begin()
                })
            let outcomes = try handler.process(jobs, in: context)
            try database.commit()
            return outcomes
        } catch {
            database.rollback()
            throw error
        }
    }

    /// The result of a job that must have succeeded.
    static func result(_ outcome: JobOutcome?) throws -> JobResult {
        guard case .done(let result)? = outcome else { throw HarnessError("the job did not succeed: \(String(describing: outcome))") }
        return result
    }

    func query(_ sql: String, _ binds: [SQLValue] = []) throws -> [SQLRow] {
        try database.withConnection { try $0.database.query(sql, binds) }
    }

    func count(_ sql: String, _ binds: [SQLValue] = []) throws -> Int {
        try query(sql, binds).first?.optionalInt(query(sql, binds).first?.columns.first ?? "") ?? 0
    }

    func execute(_ sql: String, _ binds: [SQLValue] = []) throws {
        try database.withConnection { _ = try $0.database.execute(sql, binds) }
    }

    /// The placeholder of parameter n on this engine.
    func p(_ index: Int) -> String { database.engine == .postgres ? "$\(index)" : "?\(index)" }
}

/// Counts checkpoints taken while a job runs.
final class Checkpoints: @unchecked Sendable {
    var count = 0
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
