import Foundation
import GDPRWorkerQueue

/// How confirmations leave: a sendmail-compatible program that reads the message on standard
/// input and takes its recipients from the headers (`-t`), the Unix convention.
///
/// With `GDPR_WORKER_SMTP_URL` the program is msmtp, a maintained SMTP client, pointed at that
/// relay; otherwise the local `sendmail`. Either way the address travels only on standard input,
/// never on a command line where `ps` would show it, and never through a file.
public struct MailTransport: Sendable, Hashable {
    /// The local mail program, as on every Unix.
    public static let defaultSendmail = "/usr/sbin/sendmail"
    /// The SMTP client run for `GDPR_WORKER_SMTP_URL`.
    public static let smtpClient = "msmtp"

    public var program: String
    public var arguments: [String]
    /// Added to the program's environment: the relay's password, kept off its command line.
    public var environment: [String: String]
    /// The message's `From:`.
    public var from: String
    public var timeout: Duration

    public init(
        program: String, arguments: [String], environment: [String: String] = [:], from: String,
        timeout: Duration = .seconds(30)
    ) {
        self.program = program
        self.arguments = arguments
        self.environment = environment
        self.from = from
        self.timeout = timeout
    }

    /// `sendmail -t -i` at `path`.
    public static func sendmail(path: String = defaultSendmail, from: String) -> MailTransport {
        MailTransport(program: path, arguments: ["-t", "-i", "-f", from], from: from)
    }

    /// msmtp sending through the relay `url`: `smtp://[user[:password]@]host[:port]` (plain, port
    /// 25; `?tls=starttls` upgrades the connection) or `smtps://…` (TLS from the start, port 465).
    public static func smtp(url: String, from: String) throws(InputError) -> MailTransport {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty
        else {
            throw InputError(
                .invalidArgument, "GDPR_WORKER_SMTP_URL must be smtp://[user[:password]@]host[:port] or smtps://…")
        }
        let startTLS = components.queryItems?.contains { $0.name == "tls" && $0.value == "starttls" } ?? false
        let port = components.port ?? (scheme == "smtps" ? 465 : 25)
        var arguments = ["--host=\(host)", "--port=\(port)", "--from=\(from)"]
        if scheme == "smtps" {
            arguments += ["--tls=on", "--tls-starttls=off", "--tls-trust-file=system"]
        } else if startTLS {
            arguments += ["--tls=on", "--tls-starttls=on", "--tls-trust-file=system"]
        } else {
            arguments += ["--tls=off"]
        }
        var environment: [String: String] = [:]
        if let user = components.user {
            arguments += ["--auth=on", "--user=\(user.removingPercentEncoding ?? user)"]
            if let password = components.password {
                environment["GDPR_WORKER_SMTP_PASSWORD"] = password.removingPercentEncoding ?? password
                arguments += ["--passwordeval=printf '%s' \"$GDPR_WORKER_SMTP_PASSWORD\""]
            }
        } else {
            arguments += ["--auth=off"]
        }
        return MailTransport(program: smtpClient, arguments: arguments + ["-t"], environment: environment, from: from)
    }

    /// The deployment's transport: the SMTP relay when `smtpURL` is set, else `sendmail` when it
    /// exists; nil when neither, and confirmations cannot be sent from this process.
    public static func resolve(smtpURL: String?, sendmail: String?, from: String) throws(InputError) -> MailTransport? {
        if let smtpURL, !smtpURL.isEmpty { return try smtp(url: smtpURL, from: from) }
        let path = sendmail.flatMap { $0.isEmpty ? nil : $0 } ?? defaultSendmail
        return FileManager.default.isExecutableFile(atPath: path) ? .sendmail(path: path, from: from) : nil
    }

    /// Hands one message to the program. Throws a `MailError` whose code is the program's exit
    /// status or how it failed to run; what the program printed is dropped, as it may quote the
    /// address.
    public func send(_ message: String) async throws(MailError) {
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: program.contains("/") ? program : "/usr/bin/env")
        process.arguments = program.contains("/") ? arguments : [program] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status: Int32
        do {
            status = try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Int32, any Error>) in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                    return
                }
                let timeout = self.timeout
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout.seconds) {
                    if process.isRunning { process.terminate() }
                }
                input.fileHandleForWriting.write(Data(message.utf8))
                try? input.fileHandleForWriting.close()
            }
        } catch {
            throw MailError(code: "mail_program_missing")
        }
        guard status == 0 else {
            throw MailError(code: process.terminationReason == .uncaughtSignal ? "mail_timeout" : "mail_exit_\(status)")
        }
    }
}

/// A confirmation the mail program did not take: a stable code only.
public struct MailError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public var description: String { "the mail program did not take the message (\(code))" }
}
