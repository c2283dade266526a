import Foundation
import GDPRWorkerQueue
import Logging
import Metrics
import NIOCore
import ServiceLifecycle

/// Delivers the outbox: the job events the schema's triggers wrote in the transactions of the
/// state changes, to each tenant's webhook endpoints, and the confirmations data subjects asked for.
///
/// Delivery is at least once. An event is claimed under a lease, sent, and settled in a
/// transaction of its own: delivered, due again after the next wait of the retry schedule, or
/// given up once the schedule is spent. A process killed mid-delivery leaves the event claimed
/// until its lease expires, when any dispatcher sends it again under the same `webhook-id`. Any
/// number of processes may run one.
public final class OutboxDispatcher: Service, Sendable {
    public let configuration: Configuration
    private let database: BlockingConnectionPool
    private let sealer: ContactSealer?
    private let mail: MailTransport?
    private let logger: Logger
    private let timeSource: TimeSource
    private let metrics = OutboxMetrics()

    /// `mail` nil: this process sends no confirmations and leaves them to one that can.
    public init(
        database: BlockingConnectionPool, configuration: Configuration = .init(), sealer: ContactSealer?,
        mail: MailTransport?, logger: Logger, timeSource: TimeSource = .database
    ) {
        self.database = database
        self.configuration = configuration
        self.sealer = sealer
        self.mail = mail
        self.logger = logger
        self.timeSource = timeSource
    }

    public func run() async throws {
        var lastPrune = ContinuousClock.now - .seconds(3600)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let delivered = await dispatchOnce()
            if ContinuousClock.now - lastPrune >= .seconds(3600) {
                lastPrune = .now
                await prune()
            }
            if delivered == 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.configuration.pollInterval) }
            }
        }
        // A drain or a SIGTERM often comes just after the last jobs finished: send their events
        // now rather than leave them to the next process that runs.
        if !Task.isCancelled { await dispatchOnce() }
    }

    /// One claim and its deliveries; returns how many events it tried. Also used by tests.
    @discardableResult
    public func dispatchOnce() async -> Int {
        let now = timeSource.override
        let channels: [OutboxDelivery.Channel] = mail == nil ? [.webhook] : [.webhook, .email]
        let batch: [OutboxDelivery]
        do {
            let (limit, lease) = (configuration.batchSize, configuration.lease)
            batch = try await database.withConnection {
                try $0.claimDeliveries(limit: limit, lease: lease, channels: channels, now: now)
            }
        } catch {
            logger.warning("the outbox could not be read", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for delivery in batch {
                group.addTask { await self.deliver(delivery) }
            }
        }
        await recordStatistics()
        return batch.count
    }

    private func deliver(_ delivery: OutboxDelivery) async {
        let attempt: DeliveryAttempt
        switch delivery.channel {
        case .webhook:
            attempt = await WebhookSender(timeout: configuration.requestTimeout).send(delivery)
        case .email:
            attempt = await sendConfirmation(delivery)
        }
        let final = attempt.error.map(Self.isFinal) ?? false
        let retryAfter = final ? nil : configuration.retryDelay(afterAttempt: delivery.attempt)
        let outcome = attempt.delivered ? "delivered" : (retryAfter == nil ? "abandoned" : "retried")
        metrics.attempts(delivery.channel.rawValue, outcome: outcome).increment()
        metrics.duration(delivery.channel.rawValue).recordNanoseconds(
            Int64(attempt.duration.components.seconds) * 1_000_000_000 + attempt.duration.components.attoseconds
                / 1_000_000_000)
        let metadata: Logger.Metadata = [
            "event": "\(delivery.eventID)", "type": "\(delivery.eventType)", "channel": "\(delivery.channel.rawValue)",
            "attempt": "\(delivery.attempt)", "outcome": "\(outcome)", "error": "\(attempt.error ?? "")",
        ]
        if attempt.delivered {
            logger.debug("outbox event delivered", metadata: metadata)
        } else {
            logger.warning("outbox event not delivered", metadata: metadata)
        }
        let now = timeSource.override
        do {
            try await database.withConnection {
                try $0.recordDelivery(delivery, attempt, retryAfter: retryAfter, now: now)
            }
        } catch {
            // The lease expires and the event is sent again: at least once, never lost.
            logger.warning("an outbox delivery could not be recorded", metadata: ["error": "\(error)"])
        }
    }

    /// Errors no retry can mend: the confirmation's address is gone or does not open.
    private static func isFinal(_ code: String) -> Bool {
        code == "contact_missing" || code == "contact_unreadable" || code == "endpoint_removed"
    }

    private func sendConfirmation(_ delivery: OutboxDelivery) async -> DeliveryAttempt {
        let clock = ContinuousClock()
        let start = clock.now
        guard let sealed = delivery.sealedContact else {
            return DeliveryAttempt(error: "contact_missing", duration: clock.now - start)
        }
        guard let sealer, let mail, let address = try? sealer.open(sealed, tenant: delivery.tenant) else {
            return DeliveryAttempt(error: "contact_unreadable", duration: clock.now - start)
        }
        do {
            try await mail.send(ConfirmationMessage(to: address, from: mail.from, delivery: delivery).text)
            return DeliveryAttempt(duration: clock.now - start)
        } catch {
            return DeliveryAttempt(error: error.code, duration: clock.now - start)
        }
    }

    private func prune() async {
        let (keep, now) = (configuration.keepSettled, timeSource.override)
        do {
            let window = configuration.retryWindow
            let (pruned, expired) = try await database.withConnection {
                (try $0.pruneOutbox(keep: keep, now: now), try $0.expireUnsentConfirmations(after: window, now: now))
            }
            if pruned > 0 { logger.info("settled outbox events pruned", metadata: ["events": "\(pruned)"]) }
            if expired > 0 {
                logger.warning(
                    "confirmations given up: no process with a mail route sent them within the retry window; their addresses are erased",
                    metadata: ["confirmations": "\(expired)"])
            }
        } catch {
            logger.debug("the outbox was not pruned this pass", metadata: ["error": "\(error)"])
        }
    }

    private func recordStatistics() async {
        let now = timeSource.override
        guard let statistics = try? await database.withConnection({ try $0.outboxStatistics(now: now) }) else { return }
        metrics.pending.record(statistics.pending)
        metrics.abandoned.record(statistics.abandoned)
        metrics.oldestPendingAge.record(statistics.oldestPendingAge)
    }
}
