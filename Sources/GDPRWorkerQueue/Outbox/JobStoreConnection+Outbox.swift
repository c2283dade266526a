import Foundation

/// The outbox's statements, the same on every engine. Events are written by the schema's
/// triggers, in the transaction of each state change; these read, claim and settle them.
extension JobStoreConnection {
    /// Claims up to `limit` events that are due, oldest due first, for one attempt each under a
    /// lease of `lease`; an attempt whose process dies is claimed again once the lease expires.
    /// Each comes with its endpoint's URL and secret, or its sealed confirmation address.
    public func claimDeliveries(
        limit: Int, lease: Duration, channels: [OutboxDelivery.Channel] = [.webhook, .email], now: Date?
    ) throws(DatabaseError) -> [OutboxDelivery] {
        let channelList = channels.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let rows = try database.rows(
            """
            UPDATE gdpr_outbox SET attempts = attempts + 1, locked_until = \(rules.clock(now, plus: lease))
             WHERE id IN (SELECT id FROM gdpr_outbox
                           WHERE delivered_at IS NULL AND abandoned_at IS NULL AND channel IN (\(sql: channelList))
                             AND next_attempt_at <= \(rules.clock(now))
                             AND (locked_until IS NULL OR locked_until <= \(rules.clock(now)))
                           ORDER BY next_attempt_at, id LIMIT \(limit) \(sql: rules.skipLocked))
            RETURNING id, event_id, channel, tenant, jid, event_type, payload, attempts,
                      (SELECT w.url FROM gdpr_webhooks w WHERE w.id = gdpr_outbox.webhook_id) AS url,
                      (SELECT w.secret FROM gdpr_webhooks w WHERE w.id = gdpr_outbox.webhook_id) AS secret,
                      (SELECT c.sealed_contact FROM gdpr_confirmations c WHERE c.jid = gdpr_outbox.jid) AS sealed_contact
            """)
        return try rows.map { row throws(DatabaseError) in
            guard let channel = OutboxDelivery.Channel(rawValue: try row.string("channel")),
                let tenant = try? Tenant(try row.string("tenant"))
            else { throw DatabaseError(.unexpectedResult, "an outbox row has an unknown channel or tenant") }
            return OutboxDelivery(
                id: try row.int("id"), eventID: try row.string("event_id"), channel: channel, tenant: tenant,
                jid: try row.string("jid"), eventType: try row.string("event_type"), payload: try row.string("payload"),
                attempt: try row.int("attempts"), url: row.optionalString("url"), secret: row.optionalString("secret"),
                sealedContact: row.optionalString("sealed_contact"))
        }
    }

    /// Records an attempt and settles the event: delivered, due again after `retryAfter`, or,
    /// with no `retryAfter`, given up. A confirmation's address is erased once it is delivered or
    /// given up on, in the same transaction. An attempt whose lease another process has since
    /// taken over is recorded but settles nothing.
    public func recordDelivery(
        _ delivery: OutboxDelivery, _ attempt: DeliveryAttempt, retryAfter: Duration?, now: Date?
    ) throws {
        let milliseconds = Int(attempt.duration.seconds * 1000)
        try database.transaction {
            try database.run(
                """
                INSERT INTO gdpr_outbox_attempts (outbox_id, attempt, attempted_at, status, error, duration_ms)
                VALUES (\(delivery.id), \(delivery.attempt), \(rules.clock(now)), \(attempt.status.map(SQLValue.int) ?? .null),
                        \(attempt.error), \(milliseconds))
                ON CONFLICT (outbox_id, attempt) DO NOTHING
                """)
            let settle: SQLQuery =
                if attempt.delivered {
                    "delivered_at = \(rules.clock(now))"
                } else if let retryAfter {
                    "next_attempt_at = \(rules.clock(now, plus: retryAfter))"
                } else {
                    "abandoned_at = \(rules.clock(now))"
                }
            let settled = try database.run(
                """
                UPDATE gdpr_outbox SET \(settle), locked_until = NULL,
                       last_status = \(attempt.status.map(SQLValue.int) ?? .null), last_error = \(attempt.error)
                 WHERE id = \(delivery.id) AND attempts = \(delivery.attempt) AND delivered_at IS NULL AND abandoned_at IS NULL
                """)
            if settled == 1, delivery.channel == .email, attempt.delivered || retryAfter == nil {
                try database.run("DELETE FROM gdpr_confirmations WHERE jid = \(delivery.jid)")
            }
        }
    }

    /// Deletes delivered and abandoned events settled longer than `keep` ago, with their attempts.
    @discardableResult
    public func pruneOutbox(keep: Duration, now: Date?) throws(DatabaseError) -> Int {
        try database.run(
            """
            DELETE FROM gdpr_outbox
             WHERE delivered_at < \(rules.clock(now, plus: .zero - keep)) OR abandoned_at < \(rules.clock(now, plus: .zero - keep))
            """)
    }

    /// Gives up the confirmations no process has tried to send for `after` (a deployment with no
    /// mail route anywhere), and erases their addresses in the same transaction: an address is
    /// kept only while it can still be used. Returns how many it gave up.
    @discardableResult
    public func expireUnsentConfirmations(after: Duration, now: Date?) throws -> Int {
        try database.transaction {
            let expired = try database.rows(
                """
                UPDATE gdpr_outbox SET abandoned_at = \(rules.clock(now)), last_error = 'no_mail_route'
                 WHERE channel = 'email' AND attempts = 0 AND delivered_at IS NULL AND abandoned_at IS NULL
                   AND created_at < \(rules.clock(now, plus: .zero - after))
                RETURNING jid
                """)
            for row in expired {
                try database.run("DELETE FROM gdpr_confirmations WHERE jid = \(try row.string("jid"))")
            }
            return expired.count
        }
    }

    /// The outbox in numbers, for `/metrics`.
    public func outboxStatistics(now: Date?) throws(DatabaseError) -> OutboxStatistics {
        let row = try database.firstRow(
            """
            SELECT (SELECT count(*) FROM gdpr_outbox WHERE delivered_at IS NULL AND abandoned_at IS NULL) AS pending,
                   (SELECT count(*) FROM gdpr_outbox WHERE abandoned_at IS NOT NULL) AS abandoned,
                   (SELECT min(next_attempt_at) FROM gdpr_outbox WHERE delivered_at IS NULL AND abandoned_at IS NULL) AS oldest,
                   \(rules.clock(now)) AS now
            """)
        guard let row else { return OutboxStatistics(pending: 0, abandoned: 0, oldestPendingAge: 0) }
        let age = row.optionalDate("oldest").map { max(0, (row.optionalDate("now") ?? Date()).timeIntervalSince($0)) }
        return OutboxStatistics(
            pending: try row.int("pending"), abandoned: try row.int("abandoned"), oldestPendingAge: age ?? 0)
    }
}
