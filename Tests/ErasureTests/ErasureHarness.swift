import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue
import GDPRWorkerSQLite
import GDPRWorkerTestSupport
import Logging

/// Drives the erasure handler as the worker pool does: enqueue, claim, and process the claimed
/// batch inside one transaction, then commit.
///
/// Its database work blocks, so the async methods run it on a thread of its own: tests must not
/// hold Swift's cooperative threads, which the worker pool's tests need to make progress.
struct ErasureHarness: Sendable {
    let database: TestDatabase
    let handler: ErasureJobHandler
    let worker = "erasure-test/1/w0"

    /// A fresh database with the sample shop loaded for `customers` customers (none when 0).
    static func make(
        _ engine: DatabaseEngine, customers: Int = 30, dataMap: DataMap? = nil,
        configuration: ErasureJobHandler.Configuration? = nil
    ) async throws
        -> ErasureHarness
    {
        try await offPool {
            try ErasureHarness(engine, customers: customers, dataMap: dataMap, configuration: configuration)
        }
    }

    /// Another handler on the same database, for a map that only fits once the test changed the schema.
    init(database: TestDatabase, handler: ErasureJobHandler) {
        self.database = database
        self.handler = handler
    }

    private init(
        _ engine: DatabaseEngine, customers: Int, dataMap: DataMap?, configuration: ErasureJobHandler.Configuration?
    ) throws {
        database = try TestDatabase(engine)
        let map = try dataMap ?? ShopSample.dataMap()
        handler = ErasureJobHandler(dataMap: map, configuration: configuration ?? Self.configuration())
        if customers > 0 {
            try database.withConnection { connection in
                try ShopSample.create(customers: customers, on: connection.database)
            }
        }
    }

    /// A configuration writing exports to a fresh temporary directory.
    static func configuration(
        rowsPerStatement: Int = 10_000, rowsPerTransaction: Int = 100_000
    ) -> ErasureJobHandler.Configuration {
        let directory = FileManager.default.temporaryDirectory.appending(path: "gw-exports-\(UUID().uuidString)").path
        return ErasureJobHandler.Configuration(
            rowsPerStatement: rowsPerStatement, rowsPerTransaction: rowsPerTransaction,
            export: .init(directory: directory))
    }

    /// Enqueues one job per key, claims them as one batch, processes and commits it.
    @discardableResult
    func run(
        _ keys: [String], kind: JobKind = .remove, mode: ErasureMode = .anonymise, tenant: Tenant = .default,
        checkpoints: Checkpoints? = nil
    ) async throws -> [String: JobOutcome] {
        try await withConnection { connection in
            var jids: [JobID: String] = [:]
            for key in keys {
                let jid = try connection.enqueue(
                    EnqueueRequest(customerKey: try CustomerKey(key), tenant: tenant, kind: kind, mode: mode)
                ).jid
                jids[jid] = key
            }
            let claimed = try connection.claim(
                ClaimRequest(
                    worker: worker, limit: max(1, keys.count), lease: .seconds(600),
                    cutoff: ArchiveCutoff(delay: .zero), now: nil))
            let outcomes = try processBlocking(claimed, on: connection.database, checkpoints: checkpoints)
            return Dictionary(uniqueKeysWithValues: outcomes.map { (jids[$0.key]!, $0.value) })
        }
    }

    /// Processes claimed jobs in one transaction, committed if the handler returns. Blocks; call it
    /// inside `withConnection`.
    func processBlocking(
        _ jobs: [ClaimedJob], on database: any DatabaseConnection, checkpoints: Checkpoints? = nil
    ) throws -> [JobID: JobOutcome] {
        try database.begin()
        let hooks = TransactionHooks()
        do {
            let context = JobContext(
                connection: database, logger: Logger(label: "erasure-test"), worker: worker, now: nil,
                isAlone: jobs.count == 1,
                transaction: hooks,
                commitAndReopen: { _ in
                    checkpoints?.count += 1
                    try database.commit()
                    try database.begin()
                })
            let outcomes = try handler.process(jobs, in: context)
            try database.commit()
            hooks.committed()
            return outcomes
        } catch {
            database.rollback()
            hooks.rolledBack()
            throw error
        }
    }

    /// The result of a job that must have succeeded.
    static func result(_ outcome: JobOutcome?) throws -> JobResult {
        guard case .done(let result)? = outcome else {
            throw HarnessError("the job did not succeed: \(String(describing: outcome))")
        }
        return result
    }

    /// Runs blocking work with a connection, on a thread of its own.
    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (any JobStoreConnection) throws -> Result
    ) async throws -> Result {
        try await offPool { [database] in try database.withConnection(body) }
    }

    func query(_ sql: String, _ binds: [SQLValue] = []) async throws -> [SQLRow] {
        try await withConnection { try $0.database.query(sql, binds) }
    }

    /// The first column of the first row, as an integer.
    func count(_ sql: String, _ binds: [SQLValue] = []) async throws -> Int {
        let row = try await query(sql, binds).first
        return row.flatMap { $0.optionalInt($0.columns[0]) } ?? 0
    }

    func execute(_ sql: String, _ binds: [SQLValue] = []) async throws {
        try await withConnection { _ = try $0.database.execute(sql, binds) }
    }

    /// The placeholder of parameter n on this engine.
    func p(_ index: Int) -> String { database.dialect.placeholder(index) }
}

/// Counts checkpoints taken while a job runs.
final class Checkpoints: @unchecked Sendable {
    var count = 0
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ErasureHarness {
    /// Every row of a table, by primary key.
    func snapshot(_ table: String) async throws -> [String: [SQLValue]] {
        try await withConnection { try Self.snapshot(table, on: $0.database) }
    }

    static func snapshot(_ table: String, on connection: any DatabaseConnection) throws -> [String: [SQLValue]] {
        let key = try requireTable(try connection.erasureDialect().loadCatalog(connection), table).primaryKey
        var rows: [String: [SQLValue]] = [:]
        for row in try connection.query("SELECT * FROM \"\(table)\"", []) {
            rows[key.map { row.optionalString($0) ?? "null" }.joined(separator: "/")] = row.values
        }
        return rows
    }

    /// Every row of every table the data map covers.
    func snapshotAll() async throws -> [String: [String: [SQLValue]]] {
        let tables = handler.dataMap.expandedTables.map(\.name)
        return try await withConnection { connection in
            try Dictionary(uniqueKeysWithValues: tables.map { ($0, try Self.snapshot($0, on: connection.database)) })
        }
    }

    /// How many rows of each table changed or disappeared between two snapshots.
    static func changes(
        _ before: [String: [String: [SQLValue]]], _ after: [String: [String: [SQLValue]]]
    ) -> [String: Int] {
        var changes: [String: Int] = [:]
        for (table, rows) in before {
            let changed = rows.filter { after[table]?[$0.key] != $0.value }.count
            if changed > 0 { changes[table] = changed }
        }
        return changes
    }

    /// How many rows of the mapped tables (or of `tables`) hold any of the values in any text column.
    func occurrences(of values: [String], in tables: [String]? = nil) async throws -> [String: Int] {
        let tables = tables ?? handler.dataMap.expandedTables.map(\.name)
        let placeholders = values.indices.map { p($0 + 1) }
        return try await withConnection { connection in
            let catalog = try connection.database.erasureDialect().loadCatalog(connection.database)
            var found: [String: Int] = [:]
            for table in tables {
                for column in try requireTable(catalog, table).columns
                where column.category == .text || column.category == .uuid {
                    let condition = placeholders.map { "CAST(\"\(column.name)\" AS text) = \($0)" }.joined(
                        separator: " OR ")
                    let rows =
                        try connection.database.queryFirst(
                            "SELECT count(*) AS n FROM \"\(table)\" WHERE \(condition)", values.map { .text($0) })?.int(
                            "n") ?? 0
                    if rows > 0 { found["\(table).\(column.name)", default: 0] += rows }
                }
            }
            return found
        }
    }

    /// The sample keys of customer `number`: its own, two sessions, a device, and for even numbers its email.
    func sampleKeys(_ number: Int) async throws -> [String] {
        let key = ShopSample.customerKey(number)
        let linked = try await query(
            "SELECT linked_key FROM customer_links WHERE customer_key = \(p(1)) ORDER BY linked_key", [.text(key)])
        return [key] + linked.compactMap { $0.optionalString("linked_key") }
    }
}

func requireTable(_ catalog: DatabaseCatalog, _ name: String) throws -> DatabaseCatalog.Table {
    guard let table = catalog.table(name) else { throw HarnessError("no table \(name)") }
    return table
}

/// Runs blocking work on a thread of its own and waits for it without holding a cooperative thread.
func offPool<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Swift.Result { try body() }) }
    }
}
