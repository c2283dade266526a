import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion and captures its output.
///
/// Built on `posix_spawn` and `waitpid` rather than Foundation's `Process`, whose exit monitoring
/// can miss a child's exit on Linux. Pipes are close-on-exec, so a child started by one test never
/// inherits another test's pipe and holds it open.
public enum ProcessRunner {
    public struct Outcome: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var outcome: Outcome
        public var description: String {
            "exit \(outcome.status): \(outcome.standardError.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    /// Runs `executable` and returns its standard output, throwing when it exits non-zero.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> String {
        let outcome = try outcome(executable, arguments, environment: environment)
        guard outcome.status == 0 else { throw Failure(outcome: outcome) }
        return outcome.standardOutput
    }

    /// Runs `executable` and returns how it ended, whatever its status. A signal is reported as 128 + its number.
    public static func outcome(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) throws -> Outcome {
        let child = try spawn(executable, arguments, environment: environment)
        if let input {
            input.utf8CString.withUnsafeBufferPointer { buffer in
                _ = write(child.input, buffer.baseAddress, buffer.count - 1)
            }
        }
        close(child.input)
        let errorReader = BackgroundReader(child.error)
        let output = readAll(child.output)
        let error = errorReader.finish()
        return Outcome(
            status: child.wait(), standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: error, as: UTF8.self))
    }

    /// A running child, with the parent's ends of its standard streams.
    public struct Child: Sendable {
        public let pid: pid_t
        public let input: Int32
        public let output: Int32
        public let error: Int32

        /// Waits for the child to exit and returns its status (128 + signal when killed).
        public func wait() -> Int32 {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }

        /// Sends a signal, such as SIGTERM for a graceful stop or SIGKILL to simulate a crash.
        public func send(_ signal: Int32) {
            kill(pid, signal)
        }
    }

    /// Starts `executable` without waiting for it; the caller reads its pipes and calls `wait`.
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> Child {
        // pipe2 is hidden from Swift on glibc; pipe + FD_CLOEXEC under one lock is just as tight,
        // since every spawn in this process takes the same lock.
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var pipes = [[Int32]](repeating: [0, 0], count: 3)
        for index in 0..<3 {
            guard pipe(&pipes[index]) == 0 else { throw SpawnError(executable: executable, code: errno) }
            for end in pipes[index] { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(pipes[0][0])
        close(pipes[1][1])
        close(pipes[2][1])
        guard status == 0 else {
            close(pipes[0][1])
            close(pipes[1][0])
            close(pipes[2][0])
            throw SpawnError(executable: executable, code: status)
        }
        return Child(pid: pid, input: pipes[0][1], output: pipes[1][0], error: pipes[2][0])
    }

    private static let spawnLock = NSLock()

    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var code: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Reads a descriptor to its end and closes it.
    public static func readAll(_ descriptor: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(descriptor)
        return data
    }
}

/// Drains a pipe on a thread of its own, so a child writing to both pipes can never block.
public final class BackgroundReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    public init(_ descriptor: Int32) {
        Thread.detachNewThread { [self] in
            data = ProcessRunner.readAll(descriptor)
            done.signal()
        }
    }

    public func finish() -> Data {
        done.wait()
        return data
    }
}
