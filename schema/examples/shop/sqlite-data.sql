-- Fills the sample shop for the number of customers in temp.gw_sample, set-based, with the same
-- values as postgres-data.sql (recursive CTEs stand in for generate_series, JSON arrays for arrays).

WITH RECURSIVE seq (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < (SELECT customers FROM temp.gw_sample))
INSERT INTO addresses (id, street, postal_code, city, country_code)
SELECT i,
       (i % 97 + 1) || ' ' || json_extract('["Storgatan","Kungsgatan","Drottninggatan","Vasagatan","Sveavägen","Hamngatan","Linnégatan"]', '$[' || (i % 7) || ']'),
       printf('%05d', (i * 7919) % 90000 + 10000),
       json_extract('["Stockholm","Göteborg","Malmö","Uppsala","Lund","Umeå"]', '$[' || (i % 6) || ']'),
       'SE'
  FROM seq
 WHERE i % 7 <> 0;

WITH RECURSIVE seq (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < (SELECT customers FROM temp.gw_sample)),
people AS (
    SELECT i,
           json_extract('["Anna","Erik","Maria","Lars","Karin","Johan","Åsa","Per","Eva","Nils","Sofia","Oskar","Elin","Gustav","Ida","Björn","Linnea","Axel","Maja","Hugo"]', '$[' || (i % 20) || ']') AS first_name,
           json_extract('["Andersson","Johansson","Karlsson","Nilsson","Eriksson","Larsson","Olsson","Persson","Svensson","Gustafsson","Pettersson","Jonsson","Jansson","Hansson","Bengtsson","Jönsson","Lindberg","Jakobsson","Magnusson","Lindström"]', '$[' || ((i / 20) % 20) || ']') AS last_name
      FROM seq)
INSERT INTO customers (id, customer_key, email, first_name, last_name, phone, birth_date, loyalty_card, address_id, tier, marketing_opt_in, created_at)
SELECT i, 'customer-' || printf('%06d', i),
       lower(replace(replace(replace(replace(replace(replace(replace(replace(first_name || '.' || last_name,
           'å', 'a'), 'ä', 'a'), 'ö', 'o'), 'é', 'e'), 'Å', 'a'), 'Ä', 'a'), 'Ö', 'o'), 'É', 'e')) || '.' || i || '@example.com',
       first_name, last_name,
       CASE WHEN i % 5 = 0 THEN NULL ELSE '+467' || printf('%08d', (i * 104729) % 100000000) END,
       CASE WHEN i % 4 = 0 THEN NULL ELSE date('1950-01-01', '+' || ((i * 37) % 18000) || ' days') END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE 'LC' || printf('%010d', (i * 7907) % 1000000000) END,
       CASE WHEN i % 7 = 0 THEN i - 1 ELSE i END,
       json_extract('["bronze","silver","gold"]', '$[' || (i % 3) || ']'),
       i % 2 = 0,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (30 + i % 1000) || ' days')
  FROM people;

INSERT INTO customer_links (customer_key, linked_key, link_type, created_at)
SELECT customer_key, linked_key, link_type, created_at
  FROM (SELECT c.customer_key,
               CASE kinds.n
                   WHEN 1 THEN 'session-' || substr(c.customer_key, 10) || '-1'
                   WHEN 2 THEN 'session-' || substr(c.customer_key, 10) || '-2'
                   WHEN 3 THEN 'device-' || substr(c.customer_key, 10) || '-1'
                   ELSE CASE WHEN c.id % 2 = 0 THEN c.email END
               END AS linked_key,
               kinds.link_type,
               strftime('%Y-%m-%dT%H:%M:%fZ', c.created_at, '+' || kinds.n || ' days') AS created_at
          FROM customers AS c
         CROSS JOIN (SELECT 1 AS n, 'session' AS link_type UNION ALL SELECT 2, 'session'
                     UNION ALL SELECT 3, 'device' UNION ALL SELECT 4, 'email') AS kinds)
 WHERE linked_key IS NOT NULL;

WITH numbers (n) AS (VALUES (1), (2), (3), (4))
INSERT INTO orders (id, customer_id, order_number, ordered_at, status, currency, total_cents, shipping_address_id, delivery_note)
SELECT (c.id - 1) * 4 + n, c.id, 'SO-' || printf('%08d', (c.id - 1) * 4 + n),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ((c.id * 13 + n * 7) % 700) || ' days', '-' || ((c.id * 97) % 86400) || ' seconds'),
       json_extract('["delivered","delivered","delivered","shipped","returned"]', '$[' || ((c.id + n) % 5) || ']'),
       'SEK', 4900 + (c.id * 131 + n * 977) % 250000, c.address_id,
       CASE WHEN n = 1 THEN 'Ring ' || c.first_name || ' at the door' END
  FROM customers AS c
  JOIN numbers ON n <= 1 + c.id % 4;

WITH numbers (n) AS (VALUES (1), (2), (3))
INSERT INTO order_lines (id, order_id, sku, product_name, quantity, unit_cents)
SELECT o.id * 3 + n, o.id, 'SKU-' || printf('%05d', (o.id * 31 + n) % 5000),
       json_extract('["Wool sweater","Rain jacket","Sneakers","Coffee beans","Desk lamp","Backpack","Water bottle","Notebook"]', '$[' || ((o.id + n) % 8) || ']'),
       1 + (o.id + n) % 3, 990 + (o.id * 57 + n * 311) % 90000
  FROM orders AS o
  JOIN numbers ON n <= 1 + o.id % 3;

WITH numbers (n) AS (VALUES (1), (2))
INSERT INTO payment_methods (id, customer_id, card_holder, card_brand, card_last4, expires_on, psp_reference, created_at)
SELECT (c.id - 1) * 2 + n, c.id, c.first_name || ' ' || c.last_name,
       json_extract('["visa","mastercard","amex"]', '$[' || ((c.id + n) % 3) || ']'),
       printf('%04d', (c.id * 13 + n * 7) % 10000),
       date('2026-01-31', '+' || (((c.id + n) % 48) * 30) || ' days'),
       'psp_' || printf('%016x%016x', (c.id * 2654435761 + n * 40503) % 9223372036854775807, (c.id * 40503 + n * 2654435761) % 9223372036854775807),
       strftime('%Y-%m-%dT%H:%M:%fZ', c.created_at, '+' || n || ' days')
  FROM customers AS c
  JOIN numbers ON n <= 1 + c.id % 2;

INSERT INTO campaigns (id, name, starts_on, ends_on) VALUES
    (1, 'Welcome bonus', '2024-01-01', '2030-12-31'),
    (2, 'Spring sale', '2025-03-01', '2025-05-31'),
    (3, 'Summer double points', '2025-06-01', '2025-08-31'),
    (4, 'Black week', '2025-11-20', '2025-11-30'),
    (5, 'Christmas', '2025-12-01', '2025-12-24'),
    (6, 'Birthday club', '2024-01-01', '2030-12-31');

WITH numbers (n) AS (VALUES (1), (2), (3), (4), (5))
INSERT INTO loyalty_transactions (id, customer_key, campaign_id, points, reason, occurred_at)
SELECT (c.id - 1) * 5 + n, c.customer_key, 1 + (c.id + n) % 6,
       CASE WHEN n = 5 THEN -((c.id * 7) % 200) ELSE 10 + (c.id * n * 11) % 490 END,
       json_extract('["purchase","purchase","birthday","referral","redeemed"]', '$[' || (n - 1) || ']'),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ((c.id * 3 + n * 11) % 365) || ' days')
  FROM customers AS c
 CROSS JOIN numbers;

INSERT INTO support_tickets (id, customer_id, contact_email, subject, body, status, created_at)
SELECT c.id, c.id, c.email,
       json_extract('["Where is my order?","Refund request","Please change my address","Card charged twice"]', '$[' || (c.id % 4) || ']'),
       'Hi, this is ' || c.first_name || ' ' || c.last_name || '. ' ||
           CASE WHEN c.phone IS NOT NULL THEN 'Call me on ' || c.phone || '.' ELSE 'Reply by email.' END,
       json_extract('["open","closed","closed"]', '$[' || (c.id % 3) || ']'),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (c.id % 200) || ' days')
  FROM customers AS c
 WHERE c.id % 3 = 0;

-- 20 click events per customer under its four keys, spread over the last 30 days; those older
-- than 5 days are already in the archive.
CREATE TEMP TABLE gw_sample_events AS
WITH RECURSIVE numbers (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < 20)
SELECT (c.id - 1) * 20 + n AS id,
       CASE n % 4
           WHEN 0 THEN c.customer_key
           WHEN 1 THEN 'session-' || substr(c.customer_key, 10) || '-1'
           WHEN 2 THEN 'session-' || substr(c.customer_key, 10) || '-2'
           ELSE 'device-' || substr(c.customer_key, 10) || '-1'
       END AS visitor_key,
       json_extract('["page_view","page_view","page_view","search","add_to_cart","checkout"]', '$[' || ((c.id + n) % 6) || ']') AS event_type,
       '/products/' || ((c.id * 17 + n * 29) % 2000) AS page_url,
       '10.' || (c.id % 250) || '.' || ((n * 7) % 250) || '.' || ((c.id * n) % 250 + 1) AS ip_address,
       json_extract('["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15","Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0","Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148","Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile"]', '$[' || ((c.id + n) % 4) || ']') AS user_agent,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ((c.id * 7919 + n * 104729) % 2592000) || ' seconds') AS occurred_at
  FROM customers AS c
 CROSS JOIN numbers;

INSERT INTO events SELECT * FROM temp.gw_sample_events WHERE occurred_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 days');
INSERT INTO events_archive SELECT * FROM temp.gw_sample_events WHERE occurred_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 days');
-- New events get ids past every loaded one, archived ones included.
INSERT OR REPLACE INTO sqlite_sequence (name, seq) SELECT 'events', max(id) FROM temp.gw_sample_events;
DROP TABLE temp.gw_sample_events;
