import Crypto
import Foundation
import GDPRWorkerQueue
import Logging

/// The erasure engine behind the worker pool: for each claimed batch it follows every job's keys
/// through the link tables, finds every row the data map reaches, and anonymises, deletes or
/// exports them, set-based, one statement per table for the whole batch.
///
/// Jobs are grouped by what they do: exports first (so an export claimed with a removal of the same
/// customer still sees the data), then deletes, then anonymisations. A job whose keys exceed
/// `cascade_limit` fails before anything is written for it, and the others go on.
public final class ErasureJobHandler: JobHandler, @unchecked Sendable {
    public let dataMap: DataMap
    public let configuration: Configuration
    /// The exports this handler writes, for the result endpoint and the purge.
    public let exports: ExportStore
    /// The version every audit record of this handler names.
    public let dataMapVersion: String

    private let lock = NSLock()
    private var compiled: (plan: ErasurePlan, at: Date)?

    public init(dataMap: DataMap, configuration: Configuration = .init()) {
        self.dataMap = dataMap
        self.configuration = configuration
        exports = ExportStore(configuration: configuration.export)
        dataMapVersion =
            configuration.dataMapVersion
            ?? Self.version(of: Data(String(describing: dataMap).utf8))
    }

    /// `sha256:` and the first 16 hex digits of the digest of a data map file's bytes.
    public static func version(of file: Data) -> String {
        "sha256:" + SHA256.hash(data: file).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether eligibility also waits for the sweep's archive watermark: the map has archive tables.
    public var requiresArchiveWatermark: Bool { dataMap.requiresArchiveWatermark }

    /// The hot/archive pairs the sweep moves rows between.
    public var archivePairs: [ArchivePair] { dataMap.archivePairs }

    /// Checks the data map against the database and compiles it, so that a process refuses to
    /// start on a map that does not fit rather than failing every job. Throws `DataMapError`.
    public func prepare(on connection: any DatabaseConnection) throws {
        _ = try plan(on: connection, forceRefresh: true)
    }

    public func process(_ jobs: [ClaimedJob], in context: JobContext) throws -> [JobID: JobOutcome] {
        let connection = context.connection
        let plan: ErasurePlan
        do {
            plan = try self.plan(on: connection, forceRefresh: false)
        } catch let error as DataMapError {
            context.logger.error(
                "the data map does not fit the database; jobs will retry", metadata: ["problem": "\(error)"])
            let failure = JobFailure(.dataMap, error.description, permanent: false)
            return Dictionary(uniqueKeysWithValues: jobs.map { ($0.jid, JobOutcome.failed(failure)) })
        }
        if plan.tables.isEmpty && !jobs.contains(where: { $0.kind == .export }) {
            // A map of no tables erases nothing: there is nothing to look up for these jobs.
            return Dictionary(uniqueKeysWithValues: jobs.map { ($0.jid, JobOutcome.done(JobResult(keys: 1))) })
        }
        let statements = ErasureStatements(plan: plan, dialect: try connection.erasureDialect())
        let workingSet = WorkingSet(plan: plan, statements: statements, connection: connection)
        try workingSet.prepare()
        var outcomes: [JobID: JobOutcome] = [:]
        let groups: [(kind: JobKind, mode: ErasureMode, jobs: [ClaimedJob])] = [
            (.export, .anonymise, jobs.filter { $0.kind == .export }),
            (.remove, .delete, jobs.filter { $0.kind == .remove && $0.mode == .delete }),
            (.remove, .anonymise, jobs.filter { $0.kind == .remove && $0.mode == .anonymise }),
        ]
        for group in groups where !group.jobs.isEmpty {
            let closures = try KeyCascade(plan: plan, statements: statements).closures(of: group.jobs, on: connection)
            var live: [ClaimedJob] = []
            for job in group.jobs {
                if closures[job.jid.description]?.exceeded == true {
                    outcomes[job.jid] = .failed(
                        JobFailure(
                            .cascadeLimit,
                            "more than \(plan.cascadeLimit) keys are linked (cascade_limit); nothing was erased",
                            permanent: true))
                } else {
                    live.append(job)
                }
            }
            guard !live.isEmpty else { continue }
            let keys = try keyRows(
                live, closures: closures, surrogates: group.kind == .remove && plan.rekeys(in: group.mode),
                statements: statements, on: connection)
            try workingSet.load(keys: keys, forExport: group.kind == .export)
            let keyCounts = Dictionary(
                uniqueKeysWithValues: live.map { ($0.jid.description, closures[$0.jid.description]?.keys.count ?? 1) })
            if group.kind == .export {
                let results = try Exporter(plan: plan, statements: statements, connection: connection, store: exports)
                    .run(live, keys: keyCounts, now: context.now ?? Date(), hooks: context.transaction)
                for job in live {
                    outcomes[job.jid] = .done(
                        results[job.jid.description] ?? JobResult(keys: keyCounts[job.jid.description] ?? 1))
                }
            } else {
                var eraser = Eraser(
                    plan: plan, statements: statements, context: context, configuration: configuration,
                    mode: group.mode, workingSet: workingSet
                ) {
                    workingSet.committed()
                    try workingSet.load(keys: keys)
                }
                try eraser.run()
                for job in live {
                    outcomes[job.jid] = .done(
                        eraser.result(for: job.jid.description, keys: keyCounts[job.jid.description] ?? 1))
                }
            }
        }
        context.logger.debug("erasure batch processed", metadata: ["jobs": "\(jobs.count)"])
        return outcomes.mapValues { outcome in
            guard case .done(var result) = outcome else { return outcome }
            result.dataMap = dataMapVersion
            return .done(result)
        }
    }

    /// The rows of the keys work table: per job and key, its typed forms, its surrogate and the job's tenant,
    /// drawn once per key so a rekeyed key gets the same surrogate in every table.
    private func keyRows(
        _ jobs: [ClaimedJob], closures: [String: KeyCascade.Closure], surrogates: Bool, statements: ErasureStatements,
        on connection: any DatabaseConnection
    ) throws -> [[String]] {
        // Keyed by bytes: canonically equivalent keys in different normal forms are different keys.
        var drawn: [[UInt8]: String] = [:]
        if surrogates {
            let distinct = Set(jobs.flatMap { (closures[$0.jid.description]?.keys ?? []).map { Array($0.utf8) } })
            let statement = statements.drawSurrogates(distinct.map { String(decoding: $0, as: UTF8.self) })
            for row in try connection.query(statement.sql, statement.binds) {
                drawn[Array(try row.string("key").utf8)] = try row.string("surrogate")
            }
        }
        return jobs.flatMap { job in
            let jid = job.jid.description
            return (closures[jid]?.keys ?? [job.customerKey.rawValue]).map { key in
                [jid, key] + KeyCascade.typedForms(key) + [drawn[Array(key.utf8)] ?? "", job.tenant.name]
            }
        }
    }

    /// The compiled plan, compiled again once `catalogRefresh` has passed.
    private func plan(on connection: any DatabaseConnection, forceRefresh: Bool) throws -> ErasurePlan {
        lock.lock()
        defer { lock.unlock() }
        if !forceRefresh, let compiled, Date().timeIntervalSince(compiled.at) < configuration.catalogRefresh.seconds {
            return compiled.plan
        }
        let plan = try DataMapCheck.plan(dataMap, on: connection)
        compiled = (plan, Date())
        return plan
    }
}
