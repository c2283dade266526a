import Metrics

/// Delivery metrics, through swift-metrics. Dimensions are the channel and the outcome only:
/// never a tenant's URL, a jid or an address.
struct OutboxMetrics: Sendable {
    func attempts(_ channel: String, outcome: String) -> Counter {
        Counter(label: "gdpr_outbox_deliveries_total", dimensions: [("channel", channel), ("outcome", outcome)])
    }

    func duration(_ channel: String) -> Timer {
        Timer(
            label: "gdpr_outbox_delivery_duration_seconds", dimensions: [("channel", channel)],
            preferredDisplayUnit: .seconds)
    }

    let pending = Gauge(label: "gdpr_outbox_pending")
    let abandoned = Gauge(label: "gdpr_outbox_abandoned")
    let oldestPendingAge = Gauge(label: "gdpr_outbox_oldest_pending_seconds")
}
