import Foundation
import GDPRWorkerErasure
import GDPRWorkerPostgres
import GDPRWorkerQueue

/// The same changes as the engine, by hand-written set-based SQL for the sample shop: one
/// transaction per batch of customers, a recursive CTE for the linked keys, then one statement per
/// table. No attribution per job, no audit, no queue: the floor the engine is measured against.
struct PeerRun {
    let parameters: PostgresConnectionParameters
    let batch: Int

    init(parameters: PostgresConnectionParameters, batch: Int) throws {
        self.parameters = parameters
        self.batch = batch
    }

    func run(_ keys: [String], mode: ErasureMode) throws -> Double {
        let connection = try PostgresConnection(parameters: parameters)
        defer { connection.close() }
        try connection.executeScript(
            "CREATE TEMPORARY TABLE IF NOT EXISTS peer_surrogates (key text PRIMARY KEY, surrogate text NOT NULL) ON COMMIT DELETE ROWS"
        )
        let clock = ContinuousClock()
        let started = clock.now
        for start in stride(from: 0, to: keys.count, by: batch) {
            let customers = Array(keys[start..<min(keys.count, start + batch)])
            try connection.transaction {
                let linked =
                    try connection.queryFirst(Self.closure, [.textArray(customers)])?.optionalString("keys") ?? "{}"
                let all: SQLValue = .text(linked)
                for statement in mode == .anonymise ? Self.anonymise : Self.delete {
                    try connection.execute(statement, statement.contains("$1") ? [all] : [])
                }
            }
        }
        return (clock.now - started).seconds
    }

    /// The customers' keys and every key linked to them, as a text[] literal.
    static let closure = """
        WITH RECURSIVE k (key) AS (
            SELECT unnest(CAST($1 AS text[]))
            UNION
            SELECT CASE WHEN l.customer_key = k.key THEN l.linked_key ELSE l.customer_key END
              FROM k JOIN customer_links AS l ON l.customer_key = k.key OR l.linked_key = k.key)
        SELECT CAST(array_agg(key) AS text) AS keys FROM k
        """

    static let hex = "substr(md5(CAST(gen_random_uuid() AS text)), 1, 16)"

    static let anonymise = [
        "INSERT INTO peer_surrogates SELECT key, overlay(overlay(CAST(gen_random_uuid() AS text) placing '8' from 15 for 1) placing 'a' from 20 for 1) FROM unnest(CAST($1 AS text[])) AS key",
        """
        UPDATE addresses AS a SET street = 'REDACTED', postal_code = '00000'
         WHERE a.id IN (SELECT c.address_id FROM customers AS c WHERE c.customer_key = ANY(CAST($1 AS text[]))
                        UNION SELECT o.shipping_address_id FROM orders AS o JOIN customers AS c ON c.id = o.customer_id WHERE c.customer_key = ANY(CAST($1 AS text[])))
           AND NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.address_id = a.id AND c.customer_key <> ALL(CAST($1 AS text[])))
           AND NOT EXISTS (SELECT 1 FROM orders AS o LEFT JOIN customers AS c ON c.id = o.customer_id
                            WHERE o.shipping_address_id = a.id AND (c.customer_key IS NULL OR c.customer_key <> ALL(CAST($1 AS text[]))))
        """,
        """
        UPDATE payment_methods AS p SET card_holder = 'Anon ' || upper(substr(md5(CAST(gen_random_uuid() AS text)), 1, 8)), card_last4 = '0000'
          FROM customers AS c WHERE p.customer_id = c.id AND c.customer_key = ANY(CAST($1 AS text[]))
        """,
        """
        UPDATE support_tickets AS t SET contact_email = 'anon-' || \(hex) || '@anonymised.invalid', subject = 'REDACTED', body = NULL
          FROM customers AS c WHERE t.customer_id = c.id AND c.customer_key = ANY(CAST($1 AS text[]))
        """,
        """
        UPDATE orders AS o SET shipping_address_id = NULL, delivery_note = NULL
          FROM customers AS c WHERE o.customer_id = c.id AND c.customer_key = ANY(CAST($1 AS text[]))
        """,
        """
        UPDATE events AS e SET visitor_key = s.surrogate, ip_address = CAST('192.0.2.' || (1 + floor(random() * 254)) AS inet), user_agent = NULL
          FROM peer_surrogates AS s WHERE e.visitor_key = s.key
        """,
        """
        UPDATE events_archive AS e SET visitor_key = s.surrogate, ip_address = CAST('192.0.2.' || (1 + floor(random() * 254)) AS inet), user_agent = NULL
          FROM peer_surrogates AS s WHERE e.visitor_key = s.key
        """,
        "UPDATE customer_links AS l SET linked_key = s.surrogate FROM peer_surrogates AS s WHERE l.linked_key = s.key",
        """
        UPDATE customers SET email = 'anon-' || \(hex) || '@anonymised.invalid', first_name = 'Anon ' || upper(substr(md5(CAST(gen_random_uuid() AS text)), 1, 8)),
               last_name = 'REDACTED', phone = CASE WHEN phone IS NULL THEN NULL ELSE '+99900' || (10000000 + floor(random() * 90000000)) END,
               birth_date = NULL, loyalty_card = CASE WHEN loyalty_card IS NULL THEN NULL ELSE 'tok_' || md5(CAST(gen_random_uuid() AS text)) END, address_id = NULL
         WHERE customer_key = ANY(CAST($1 AS text[]))
        """,
    ]

    static let delete = [
        "DELETE FROM events WHERE visitor_key = ANY(CAST($1 AS text[]))",
        "DELETE FROM events_archive WHERE visitor_key = ANY(CAST($1 AS text[]))",
        "DELETE FROM loyalty_transactions WHERE customer_key = ANY(CAST($1 AS text[]))",
        "DELETE FROM payment_methods AS p USING customers AS c WHERE p.customer_id = c.id AND c.customer_key = ANY(CAST($1 AS text[]))",
        "DELETE FROM support_tickets AS t USING customers AS c WHERE t.customer_id = c.id AND c.customer_key = ANY(CAST($1 AS text[]))",
        """
        WITH c AS (SELECT id, address_id FROM customers WHERE customer_key = ANY(CAST($1 AS text[]))),
             candidates AS (SELECT address_id AS id FROM c UNION SELECT o.shipping_address_id FROM orders AS o JOIN c ON o.customer_id = c.id),
             kept AS (UPDATE orders SET customer_id = NULL, shipping_address_id = NULL, delivery_note = NULL FROM c WHERE orders.customer_id = c.id),
             links AS (DELETE FROM customer_links WHERE customer_key = ANY(CAST($1 AS text[])) OR linked_key = ANY(CAST($1 AS text[]))),
             gone AS (DELETE FROM customers USING c WHERE customers.id = c.id)
        DELETE FROM addresses AS a USING candidates
         WHERE a.id = candidates.id
           AND NOT EXISTS (SELECT 1 FROM customers AS x WHERE x.address_id = a.id AND x.id NOT IN (SELECT id FROM c))
           AND NOT EXISTS (SELECT 1 FROM orders AS y WHERE y.shipping_address_id = a.id AND (y.customer_id IS NULL OR y.customer_id NOT IN (SELECT id FROM c)))
        """,
    ]
}

/// Counts that must agree between the engine's database and the peer's after both runs.
enum OutcomeChecks {
    static let all: [(name: String, sql: String)] = [
        ("customers", "SELECT count(*) AS n FROM customers"),
        ("customers anonymised", "SELECT count(*) AS n FROM customers WHERE email LIKE 'anon-%@anonymised.invalid'"),
        ("customers with a phone", "SELECT count(*) AS n FROM customers WHERE phone IS NOT NULL"),
        ("addresses", "SELECT count(*) AS n FROM addresses"),
        ("addresses redacted", "SELECT count(*) AS n FROM addresses WHERE street = 'REDACTED'"),
        ("customer links", "SELECT count(*) AS n FROM customer_links"),
        ("customer links rekeyed", "SELECT count(*) AS n FROM customer_links WHERE linked_key LIKE '%-8___-a___-%'"),
        ("orders", "SELECT count(*) AS n FROM orders"),
        ("orders kept without customer", "SELECT count(*) AS n FROM orders WHERE customer_id IS NULL"),
        ("order revenue (cents)", "SELECT sum(total_cents) AS n FROM orders"),
        ("order lines", "SELECT count(*) AS n FROM order_lines"),
        ("payment methods", "SELECT count(*) AS n FROM payment_methods"),
        ("payment methods anonymised", "SELECT count(*) AS n FROM payment_methods WHERE card_last4 = '0000'"),
        ("loyalty transactions", "SELECT count(*) AS n FROM loyalty_transactions"),
        ("support tickets", "SELECT count(*) AS n FROM support_tickets"),
        ("support tickets anonymised", "SELECT count(*) AS n FROM support_tickets WHERE subject = 'REDACTED'"),
        ("events", "SELECT count(*) AS n FROM events"),
        ("archived events", "SELECT count(*) AS n FROM events_archive"),
        (
            "events rekeyed (hot + archive)",
            "SELECT (SELECT count(*) FROM events WHERE visitor_key LIKE '%-8___-a___-%') + (SELECT count(*) FROM events_archive WHERE visitor_key LIKE '%-8___-a___-%') AS n"
        ),
    ]
}
