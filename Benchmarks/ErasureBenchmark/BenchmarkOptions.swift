import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// The benchmark's command line: `--name value` pairs.
struct BenchmarkOptions {
    var databaseURL = ""
    var customers = 100_000
    var jobs = 10_000
    /// Jobs per claim and transaction, for gdpr-worker and the hand-written SQL alike: the pool's default.
    var batch = WorkerPool.Configuration.defaultBatchSize
    /// Events to give one customer, to erase in bounded memory; none when nil.
    var bigCustomer: Int?
    /// How many times each measurement runs, on fresh copies of the loaded database.
    var runs = 1
    /// Run the jobs through this `gdpr-worker` binary (`work --drain`) rather than in this process.
    var workerBinary: String?
    var workers = 4
    /// Where to write the figures as JSON, for `Benchmarks/run`.
    var json: String?
    /// Which scenarios run: `shop` (the sample shop) and `shared` (the storefront corpus schema).
    var scenarios: Set<String> = ["shop"]
    var sharedScale = 10_000
    var sharedJobs = 6_000

    init(_ arguments: ArraySlice<String>) {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() {
            guard let value = iterator.next() else { Self.fail("\(name) needs a value") }
            switch name {
            case "--database-url": databaseURL = value
            case "--customers": customers = Self.number(name, value)
            case "--jobs": jobs = Self.number(name, value)
            case "--batch": batch = Self.number(name, value)
            case "--big-customer": bigCustomer = Self.number(name, value)
            case "--runs": runs = Self.number(name, value)
            case "--worker-binary": workerBinary = value
            case "--workers": workers = Self.number(name, value)
            case "--json": json = value
            case "--scenarios": scenarios = Set(value.split(separator: ",").map(String.init))
            case "--shared-scale": sharedScale = Self.number(name, value)
            case "--shared-jobs": sharedJobs = Self.number(name, value)
            default: Self.fail("unknown option \(name)")
            }
        }
        if databaseURL.isEmpty { Self.fail("--database-url postgres://… is required") }
        if 2 * jobs > customers { Self.fail("--customers must be at least twice --jobs") }
    }

    static func number(_ name: String, _ value: String) -> Int {
        guard let number = Int(value), number > 0 else { fail("\(name) takes a positive number") }
        return number
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("erasure-benchmark: \(message)\n".utf8))
        exit(64)
    }
}

/// Prints a line at once, even when the output is a pipe.
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
