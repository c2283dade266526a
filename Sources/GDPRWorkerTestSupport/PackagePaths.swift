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

    /// Where the tests' disposable databases go (SQLite files, PostgreSQL clusters): a memory file
    /// system when the machine has one, unless `GDPR_WORKER_TEST_SCRATCH=disk`.
    ///
    /// Test databases run with fsync off or are removed at exit, so nothing is lost by keeping
    /// them in memory, and every test creates and drops whole databases: on a disk file system,
    /// creating a PostgreSQL database's hundreds of files was the largest single cost of the suite.
    public static var scratch: URL {
        let memory = URL(fileURLWithPath: "/dev/shm")
        if ProcessInfo.processInfo.environment["GDPR_WORKER_TEST_SCRATCH"] == "disk" {
            return FileManager.default.temporaryDirectory
        }
        return FileManager.default.isWritableFile(atPath: memory.path) ? memory : FileManager.default.temporaryDirectory
    }
}
