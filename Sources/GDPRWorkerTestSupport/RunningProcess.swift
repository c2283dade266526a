import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A long-running child, such as `gdpr-worker work`, whose output is drained in the background so
/// it never blocks on a full pipe, and which a test can signal and wait for.
public final class RunningProcess: @unchecked Sendable {
    private let child: ProcessRunner.Child
    private let output: BackgroundReader
    private let error: BackgroundReader
    private var status: Int32?

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        child = try ProcessRunner.spawn(executable, arguments, environment: environment)
        close(child.input)
        output = BackgroundReader(child.output)
        error = BackgroundReader(child.error)
    }

    deinit {
        if status == nil {
            child.send(SIGKILL)
            _ = child.wait()
        }
    }

    public func send(_ signal: Int32) {
        child.send(signal)
    }

    /// Waits up to `timeout` for the process to exit; returns its status (128 + signal when killed),
    /// or nil if it is still running.
    public func waitForExit(timeout: Duration) -> Int32? {
        if let status { return status }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var raw: Int32 = 0
            let pid = waitpid(child.pid, &raw, WNOHANG)
            if pid == child.pid {
                let signal = raw & 0x7f
                status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
                return status
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    /// Standard output and error, once the process has exited.
    public var outputs: (standardOutput: String, standardError: String) {
        (String(decoding: output.finish(), as: UTF8.self), String(decoding: error.finish(), as: UTF8.self))
    }
}

/// A TCP port nobody listens on at the moment of asking.
public func freeTCPPort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            _ = bind(descriptor, socketAddress, length)
            _ = getsockname(descriptor, socketAddress, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
