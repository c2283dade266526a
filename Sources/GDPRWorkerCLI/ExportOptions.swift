import ArgumentParser
import Foundation
import GDPRWorkerErasure
import GDPRWorkerQueue

/// Where export files live and how long, for the commands that write them (`work`, `serve`) and
/// the one that purges them (`sweep`): the flags, then the environment, then the defaults.
struct ExportOptions: ParsableArguments {
    @Option(
        name: .customLong("export-dir"),
        help: ArgumentHelp(
            "Where export files are written and kept (default: \(ExportStore.Configuration.defaultDirectory)). Env: GDPR_WORKER_EXPORT_DIR.",
            valueName: "path"))
    var directory: String?

    @Option(
        name: .customLong("export-retention"),
        help: ArgumentHelp(
            "How long exports are kept (default: \(ExportStore.Configuration.defaultRetention.humanReadable)). Env: GDPR_WORKER_EXPORT_RETENTION.",
            valueName: "duration"))
    var retention: String?

    func configuration() throws(InputError) -> ExportStore.Configuration {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ExportStore.Configuration()
        if let directory = directory ?? environment["GDPR_WORKER_EXPORT_DIR"], !directory.isEmpty {
            configuration.directory = directory
        }
        if let retention = retention ?? environment["GDPR_WORKER_EXPORT_RETENTION"], !retention.isEmpty {
            configuration.retention = try Duration(parsing: retention)
        }
        return configuration
    }
}
