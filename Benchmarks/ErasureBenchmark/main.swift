import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue

// Erasure throughput against hand-written set-based SQL doing the same changes, in two scenarios:
// - shop: the sample shop at --customers customers; --jobs customers anonymised, then --jobs
//   others deleted, in batches of --batch as the worker pool runs them;
// - shared: the storefront corpus schema (most parent rows shared, no foreign keys) at
//   --shared-scale customers, --shared-jobs mixed jobs, indexed and not, at 1, 2 and 4 workers
//   and two processes of 4, counting deadlocks.
//
//   Benchmarks/erasure.sh [--scenarios shop,shared] [--customers 100000] [--jobs 10000] [--batch 500] [--big-customer 1000000]

let options = BenchmarkOptions(CommandLine.arguments.dropFirst())
let server = try PostgresConnectionParameters(parsing: options.databaseURL)
let admin = try PostgresConnection(parameters: server)

func database(_ name: String) -> PostgresConnectionParameters { server.setting("dbname", to: name) }

func seconds(_ work: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try work()
    return (ContinuousClock.now - start).seconds
}

/// Each measured run starts after a checkpoint, so none pays for another's dirty pages; the
/// order alternates between the modes, so neither side always runs first.
func measured<Result>(_ run: () throws -> Result) throws -> Result {
    try admin.executeScript("CHECKPOINT")
    return try run()
}

func rate(_ count: Int, _ time: Double) -> String { String(format: "%8.0f customers/s", Double(count) / time) }

struct Figures: Encodable {
    var worker: [Double] = []
    var handler: [Double] = []
    var peer: [Double] = []
}
var figures = ["anonymise": Figures(), "delete": Figures()]
var memory: [[String]] = []
var identicalEverywhere = true
var bigCustomer: [String: Double]?
var shared: [SharedParentsRun.Figure]?

if options.scenarios.contains("shared") {
    guard let binary = options.workerBinary else { BenchmarkOptions.fail("the shared scenario needs --worker-binary") }
    say("storefront: \(options.sharedScale) customers, \(options.sharedJobs) mixed jobs, batch \(options.batch)")
    shared = try SharedParentsRun(
        admin: admin, server: server, binary: binary, scale: options.sharedScale, jobs: options.sharedJobs,
        batch: options.batch
    ).run(runs: options.runs)
}

/// The sample shop scenario.
@MainActor func shop() throws {
    say("loading the sample shop with \(options.customers) customers …")
    for name in ["bench_template", "bench_engine", "bench_peer"]
    where try admin.queryFirst("SELECT 1 AS present FROM pg_database WHERE datname = $1", [.text(name)]) != nil {
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
    let anonymised = (1...options.jobs).map(ShopSample.customerKey)
    let deleted = (options.jobs + 1...2 * options.jobs).map(ShopSample.customerKey)

    for run in 1...options.runs {
        // File copies: the default strategy writes both copies to the WAL, and the checkpoint that
        // follows would slow whichever run comes first.
        for name in ["bench_engine", "bench_peer"] {
            try admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try admin.executeScript("CREATE DATABASE \(name) TEMPLATE bench_template STRATEGY FILE_COPY")
        }
        let peer = try PeerRun(parameters: database("bench_peer"), batch: options.batch)
        var times: [String: (ours: Double, handler: Double?, peer: Double)] = [:]
        if let binary = options.workerBinary {
            let worker = try WorkerBinaryRun(
                binary: binary, parameters: database("bench_engine"), workers: options.workers, batch: options.batch)
            let anonymise = try measured { try worker.run(anonymised, mode: .anonymise) }
            let peerAnonymise = try measured { try peer.run(anonymised, mode: .anonymise) }
            let peerDelete = try measured { try peer.run(deleted, mode: .delete) }
            let delete = try measured { try worker.run(deleted, mode: .delete) }
            times["anonymise"] = (anonymise.seconds, nil, peerAnonymise)
            times["delete"] = (delete.seconds, nil, peerDelete)
            memory += [
                ["work, erasure, anonymise", String(anonymise.megabytes)],
                ["work, erasure, delete", String(delete.megabytes)],
            ]
        } else {
            let engine = try EngineRun(parameters: database("bench_engine"), batch: options.batch)
            let anonymise = try measured { try engine.run(anonymised, mode: .anonymise) }
            let peerAnonymise = try measured { try peer.run(anonymised, mode: .anonymise) }
            let peerDelete = try measured { try peer.run(deleted, mode: .delete) }
            let delete = try measured { try engine.run(deleted, mode: .delete) }
            times["anonymise"] = (anonymise.total, anonymise.handler, peerAnonymise)
            times["delete"] = (delete.total, delete.handler, peerDelete)
        }
        say("")
        say(
            "run \(run) of \(options.runs): customers \(options.customers), jobs per mode \(options.jobs), batch \(options.batch)"
        )
        for mode in ["anonymise", "delete"] {
            let time = times[mode]!
            figures[mode]!.worker.append(Double(options.jobs) / time.ours)
            figures[mode]!.peer.append(Double(options.jobs) / time.peer)
            say("\(mode):")
            if let handler = time.handler {
                figures[mode]!.handler.append(Double(options.jobs) / handler)
                say("  gdpr-worker, handler only        \(rate(options.jobs, handler))")
            }
            say(
                "  gdpr-worker\(options.workerBinary == nil ? ", with claim + audit " : " work --drain         ")\(rate(options.jobs, time.ours))  (\(String(format: "%.2f", time.ours)) s)"
            )
            say(
                "  hand-written SQL                 \(rate(options.jobs, time.peer))  (\(String(format: "%.2f", time.peer)) s)"
            )
            say(String(format: "  ratio (gdpr-worker / SQL) %.2f", time.peer / time.ours))
        }
        say("same outcome in both databases:")
        let engineConnection = try PostgresConnection(parameters: database("bench_engine"))
        let peerConnection = try PostgresConnection(parameters: database("bench_peer"))
        var identical = true
        for check in OutcomeChecks.all {
            let ours = try engineConnection.queryFirst(check.sql)?.optionalInt("n") ?? -1
            let theirs = try peerConnection.queryFirst(check.sql)?.optionalInt("n") ?? -1
            identical = identical && ours == theirs
            say(
                "  \(check.name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(ours).padding(toLength: 14, withPad: " ", startingAt: 0)) \(theirs)\(ours == theirs ? "" : "   MISMATCH")"
            )
        }
        engineConnection.close()
        peerConnection.close()
        say(identical ? "  identical" : "  DIFFERENT")
        identicalEverywhere = identicalEverywhere && identical
    }

    if let events = options.bigCustomer {
        say("")
        let big = BigCustomerRun(parameters: database("bench_engine"), events: events)
        if let binary = options.workerBinary {
            let result = try big.run(
                through: WorkerBinaryRun(
                    binary: binary, parameters: database("bench_engine"), workers: 1, batch: options.batch))
            bigCustomer = ["events": Double(events), "seconds": result.seconds, "megabytes": result.megabytes]
            memory.append(["work, one customer with \(events / 1000)k events", String(result.megabytes)])
        } else {
            try big.run()
        }
    }
}
if options.scenarios.contains("shop") { try shop() }

if let path = options.json {
    struct Report: Encodable {
        var anonymise: Figures
        var delete: Figures
        var memory: [[String]]
        var big_customer: [String: Double]?
        var identical: Bool
        var shared: [SharedParentsRun.Figure]?
    }
    let report = Report(
        anonymise: figures["anonymise"]!, delete: figures["delete"]!, memory: memory, big_customer: bigCustomer,
        identical: identicalEverywhere,
        shared: shared)
    try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: path))
}
guard identicalEverywhere else { throw BenchmarkFailure("gdpr-worker and the hand-written SQL left different data") }
