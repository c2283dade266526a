import ArgumentParser
import Foundation
import GDPRWorkerNotify
import GDPRWorkerQueue
import Logging

/// Options of the commands that deliver the outbox (`work` and `serve`): webhooks always, and
/// confirmations when a mail route is configured.
struct NotifyOptions: ParsableArguments {
    @Option(
        name: .customLong("smtp-url"),
        help: ArgumentHelp(
            "The SMTP relay for confirmations, smtp://[user[:password]@]host[:port][?tls=starttls] or smtps://… (sent with msmtp); default GDPR_WORKER_SMTP_URL, else the local sendmail.",
            valueName: "url"))
    var smtpURL: String?

    @Option(
        help: ArgumentHelp(
            "The sendmail program for confirmations when no SMTP relay is set (default GDPR_WORKER_SENDMAIL, else \(MailTransport.defaultSendmail)).",
            valueName: "path"))
    var sendmail: String?

    @Option(
        name: .customLong("mail-from"),
        help: ArgumentHelp("The From: address of confirmations (default GDPR_WORKER_MAIL_FROM).", valueName: "address"))
    var mailFrom: String?

    @Option(
        name: .customLong("outbox-poll-interval"),
        help: ArgumentHelp("How often the outbox is looked at when nothing was due.", valueName: "duration"))
    var outboxPollInterval: String = OutboxDispatcher.Configuration.defaultPollInterval.humanReadable

    @Option(
        name: .customLong("outbox-lease"),
        help: ArgumentHelp(
            "How long a claimed event is this process's; a process killed mid-delivery delays its events this long.",
            valueName: "duration"))
    var outboxLease: String = OutboxDispatcher.Configuration.defaultLease.humanReadable

    @Flag(name: .customLong("no-outbox"), help: "Deliver no webhooks or confirmations from this process.")
    var noOutbox = false

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The mail route, or nil when neither a relay nor a sendmail program is there.
    func mailTransport() throws(InputError) -> MailTransport? {
        let from = mailFrom ?? environment["GDPR_WORKER_MAIL_FROM"] ?? "gdpr-worker@\(ProcessInfo.processInfo.hostName)"
        _ = try ContactAddress(from)
        return try MailTransport.resolve(
            smtpURL: smtpURL ?? environment["GDPR_WORKER_SMTP_URL"],
            sendmail: sendmail ?? environment["GDPR_WORKER_SENDMAIL"],
            from: from)
    }

    /// The dispatcher for this process, or nil with `--no-outbox`.
    func makeDispatcher(store: any JobStore, hasher: AuditKeyHasher, logger: Logger) throws -> OutboxDispatcher? {
        guard !noOutbox else { return nil }
        let mail = try mailTransport()
        if mail == nil {
            logger.notice(
                "no SMTP relay (GDPR_WORKER_SMTP_URL) and no sendmail: this process sends webhooks but no confirmations"
            )
        }
        var configuration = OutboxDispatcher.Configuration()
        configuration.pollInterval = try Duration(parsing: outboxPollInterval)
        configuration.lease = try Duration(parsing: outboxLease)
        guard configuration.lease >= .seconds(1) else {
            throw InputError(.invalidArgument, "--outbox-lease must be at least 1s")
        }
        return OutboxDispatcher(
            database: BlockingConnectionPool(store: store, size: 2, label: "outbox"), configuration: configuration,
            sealer: ContactSealer(hasher: hasher), mail: mail, logger: logger)
    }
}
