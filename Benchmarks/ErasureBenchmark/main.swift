import Foundation
import GDPRWorkerCore
import GDPRWorkerPostgres

// Erasure throughput: the sample shop at --customers customers on PostgreSQL; --jobs customers
// anonymised, then --jobs others deleted, through ErasureJobHandler in batches of --batch as the
// worker pool runs them; then the same changes by hand-written set-based SQL on a fresh copy.
//
//   Benchmarks/erasure.sh [--customers 100000] [--jobs 10000] [--batch 100] [--big-customer 1000000]

let options = BenchmarkOptions(CommandLine.arguments.dropFirst())
let server = try PostgresConnectionParameters(parsing: options.databaseURL)
let admin = try PostgresConnection(parameters: server)

func database(_ name: String) -> PostgresConnectionParameters { server.setting("dbname", to: name) }

func seconds(_ work: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try work()
    return (ContinuousClock.now - start).seconds
}

say("loading the sample shop with \(options.customers) customers …")
for name in ["bench_template", "bench_engine", "bench_peer"] where try admin.queryFirst("SELECT 1 AS present FROM pg_database WHERE datname = $1", [.text(name)]) != nil {
    try admin.executeScript("DROP DATABASE \(name)")
}
try admin.executeScript("CREATE DATABASE bench_template")
let loadTime = try seconds {
    let store = PostgresJobStore(parameters: database("bench_template"))
    let connection = try store.connect()
    defer { connection.database.close() }
    _ = try connection.migrate()
    try ShopSample.create(customers: options.customers, on: connection.database)
}
say(String(format: "  loaded in %.1f s", loadTime))
// File copies: the default strategy writes both copies to the WAL, and the checkpoint that
// follows would slow whichever run comes first.
try admin.executeScript("CREATE DATABASE bench_engine TEMPLATE bench_template STRATEGY FILE_COPY")
try admin.executeScript("CREATE DATABASE bench_peer TEMPLATE bench_template STRATEGY FILE_COPY")

let anonymised = (1...options.jobs).map(ShopSample.customerKey)
let deleted = (options.jobs + 1...2 * options.jobs).map(ShopSample.customerKey)
let engine = try EngineRun(parameters: database("bench_engine"), batch: options.batch)
let peer = try PeerRun(parameters: database("bench_peer"), batch: options.batch)

/// Each measured run starts after a checkpoint, so none pays for another's dirty pages; the
/// order alternates between the modes, so neither side always runs first.
func measured<Result>(_ run: () throws -> Result) throws -> Result {
    try admin.executeScript("CHECKPOINT")
    return try run()
}
let engineAnonymise = try measured { try engine.run(anonymised, mode: .anonymise) }
let peerAnonymise = try measured { try peer.run(anonymised, mode: .anonymise) }
let peerDelete = try measured { try peer.run(deleted, mode: .delete) }
let engineDelete = try measured { try engine.run(deleted, mode: .delete) }

func rate(_ count: Int, _ time: Double) -> String { String(format: "%8.0f customers/s", Double(count) / time) }
say("")
say("customers: \(options.customers), jobs per mode: \(options.jobs), batch: \(options.batch)")
for (mode, ours, theirs) in [("anonymise", engineAnonymise, peerAnonymise), ("delete", engineDelete, peerDelete)] {
    say("\(mode):")
    say("  gdpr-worker, handler only        \(rate(options.jobs, ours.handler))  (\(String(format: "%.2f", ours.handler)) s)")
    say("  gdpr-worker, with claim + audit  \(rate(options.jobs, ours.total))  (\(String(format: "%.2f", ours.total)) s)")
    say("  hand-written SQL                 \(rate(options.jobs, theirs))  (\(String(format: "%.2f", theirs)) s)")
    say(String(format: "  ratio (handler / SQL) %.2f, (with claim + audit / SQL) %.2f", theirs / ours.handler, theirs / ours.total))
}

say("")
say("same outcome in both databases:")
let engineConnection = try PostgresConnection(parameters: database("bench_engine"))
let peerConnection = try PostgresConnection(parameters: database("bench_peer"))
var identical = true
for check in OutcomeChecks.all {
    let ours = try engineConnection.queryFirst(check.sql)?.optionalInt("n") ?? -1
    let theirs = try peerConnection.queryFirst(check.sql)?.optionalInt("n") ?? -1
    identical = identical && ours == theirs
    say("  \(check.name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(ours).padding(toLength: 14, withPad: " ", startingAt: 0)) \(theirs)\(ours == theirs ? "" : "   MISMATCH")")
}
say(identical ? "  identical" : "  DIFFERENT")

if let events = options.bigCustomer {
    say("")
    try BigCustomerRun(parameters: database("bench_engine"), events: events).run()
}
