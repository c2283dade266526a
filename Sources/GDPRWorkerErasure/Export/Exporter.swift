import Foundation
import GDPRWorkerQueue

/// Writes every matched and reached row of each export job of a batch as JSON Lines, one file per
/// table, streaming rows from the database straight to the files. It writes nothing to the data.
struct Exporter {
    let plan: ErasurePlan
    let statements: ErasureStatements
    let connection: any DatabaseConnection
    let store: ExportStore

    /// Each job's result, by jid text. The exports are published once `hooks`' transaction
    /// commits, and removed if it is undone.
    func run(
        _ jobs: [ClaimedJob], keys: [String: Int], now: Date, hooks: TransactionHooks
    ) throws -> [String: JobResult] {
        let writer = ExportWriter(store: store)
        let jids = jobs.map(\.jid.description)
        var tables: [String: [ExportManifest.Table]] = [:]
        do {
            for jid in jids { try writer.begin(jid) }
            for table in plan.tables.sorted(by: { $0.name < $1.name }) {
                let statement = statements.export(table)
                let file = ExportStore.fileName(for: table.name)
                var current: (jid: String, rows: Int)?
                try connection.stream(statement.sql, statement.binds) { row in
                    let jid = try row.string("jid")
                    if current?.jid != jid {
                        if let done = current {
                            tables[done.jid, default: []].append(.init(table: table.name, file: file, rows: done.rows))
                        }
                        try writer.openFile(jid, named: file)
                        current = (jid, 0)
                    }
                    try writer.writeLine(try row.string("data"))
                    current?.rows += 1
                }
                try writer.closeFile()
                if let done = current {
                    tables[done.jid, default: []].append(.init(table: table.name, file: file, rows: done.rows))
                }
            }
            for job in jobs {
                let jid = job.jid.description
                try writer.finish(
                    ExportManifest(jid: job.jid, createdAt: now, keys: keys[jid] ?? 1, tables: tables[jid] ?? []))
            }
        } catch {
            writer.abandon(jids)
            throw error
        }
        let store = self.store
        let finished = jobs.map(\.jid)
        hooks.afterCommit { for jid in finished { try? store.publish(jid) } }
        hooks.afterRollback { store.abandon(jids) }
        return Dictionary(
            uniqueKeysWithValues: jids.map { jid in
                let counts = (tables[jid] ?? []).map {
                    JobResult.TableCount(table: $0.table, method: "export", rows: $0.rows, fields: 0)
                }
                return (jid, JobResult(keys: keys[jid] ?? 1, tables: counts))
            })
    }
}
