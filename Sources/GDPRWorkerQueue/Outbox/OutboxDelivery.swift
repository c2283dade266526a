import Foundation

/// One event claimed from `gdpr_outbox` for one delivery attempt.
public struct OutboxDelivery: Sendable, Hashable {
    public enum Channel: String, Sendable {
        /// A signed POST to one of the tenant's webhook endpoints.
        case webhook
        /// The confirmation to the data subject's address.
        case email
    }

    public var id: Int
    /// The Standard Webhooks message id, the same on every attempt.
    public var eventID: String
    public var channel: Channel
    public var tenant: Tenant
    public var jid: String
    public var eventType: String
    /// The JSON body: jid, status and counts, never a customer key.
    public var payload: String
    /// This attempt's number, from 1.
    public var attempt: Int
    /// The endpoint, for a webhook.
    public var url: String?
    public var secret: String?
    /// The sealed address, for a confirmation; nil once it is gone.
    public var sealedContact: String?

    public init(
        id: Int, eventID: String, channel: Channel, tenant: Tenant, jid: String, eventType: String, payload: String,
        attempt: Int, url: String? = nil, secret: String? = nil, sealedContact: String? = nil
    ) {
        self.id = id
        self.eventID = eventID
        self.channel = channel
        self.tenant = tenant
        self.jid = jid
        self.eventType = eventType
        self.payload = payload
        self.attempt = attempt
        self.url = url
        self.secret = secret
        self.sealedContact = sealedContact
    }
}

/// What one delivery attempt came to.
public struct DeliveryAttempt: Sendable, Hashable {
    /// The receiver's HTTP status, for a webhook that got an answer.
    public var status: Int?
    /// A stable code for what went wrong (`http_503`, `timeout`, `connection_refused`, `sendmail_exit_75`);
    /// nil when delivered. Never a receiver's response body or a mail server's text.
    public var error: String?
    public var duration: Duration

    public init(status: Int? = nil, error: String? = nil, duration: Duration) {
        self.status = status
        self.error = error
        self.duration = duration
    }

    public var delivered: Bool { error == nil }
}

/// The outbox in numbers, for `/metrics`.
public struct OutboxStatistics: Sendable, Hashable {
    /// Events not yet delivered and still being tried.
    public var pending: Int
    /// Events given up on after every retry.
    public var abandoned: Int
    /// Seconds the oldest pending event has waited; 0 when none waits.
    public var oldestPendingAge: Double

    public init(pending: Int, abandoned: Int, oldestPendingAge: Double) {
        self.pending = pending
        self.abandoned = abandoned
        self.oldestPendingAge = oldestPendingAge
    }
}
