import Foundation

/// Where things are in the package and its build, for tests that run scripts and the binary.
public enum PackagePaths {
    /// The package's root folder.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `gdpr-worker` executable of the build under test (`GDPR_WORKER_BINARY` overrides it).
    public static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["GDPR_WORKER_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBundle.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appending(path: "gdpr-worker")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return root.appending(path: ".build/debug/gdpr-worker")
    }
}
