-- Fills the sample shop for the number of customers in the temporary table gw_sample, set-based.
-- Values are derived from the row numbers, so the same N always gives the same data (except times,
-- which are relative to now): customer-000042 has the same orders, links and events every time.
-- Every seventh customer shares the address of the customer before (a household).

INSERT INTO addresses (id, street, postal_code, city, country_code)
SELECT i,
       (i % 97 + 1) || ' ' || (ARRAY['Storgatan', 'Kungsgatan', 'Drottninggatan', 'Vasagatan', 'Sveavägen', 'Hamngatan', 'Linnégatan'])[1 + i % 7],
       lpad(((i * 7919) % 90000 + 10000)::text, 5, '0'),
       (ARRAY['Stockholm', 'Göteborg', 'Malmö', 'Uppsala', 'Lund', 'Umeå'])[1 + i % 6],
       'SE'
  FROM generate_series(1, (SELECT customers FROM gw_sample)) AS i
 WHERE i % 7 <> 0;

INSERT INTO customers (id, customer_key, email, first_name, last_name, phone, birth_date, loyalty_card, address_id, tier, marketing_opt_in, created_at)
SELECT i, 'customer-' || lpad(i::text, greatest(6, length(i::text)), '0'),
       lower(translate(first_name || '.' || last_name, 'åäöéÅÄÖÉ', 'aaoeaaoe')) || '.' || i || '@example.com',
       first_name, last_name,
       CASE WHEN i % 5 = 0 THEN NULL ELSE '+467' || lpad(((i * 104729) % 100000000)::text, 8, '0') END,
       CASE WHEN i % 4 = 0 THEN NULL ELSE DATE '1950-01-01' + CAST((i * 37) % 18000 AS integer) END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE 'LC' || lpad(((i * 7907) % 1000000000)::text, 10, '0') END,
       CASE WHEN i % 7 = 0 THEN i - 1 ELSE i END,
       (ARRAY['bronze', 'silver', 'gold'])[1 + i % 3],
       i % 2 = 0,
       now() - make_interval(days => CAST(30 + i % 1000 AS integer))
  FROM (SELECT i,
               (ARRAY['Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Åsa', 'Per', 'Eva', 'Nils',
                      'Sofia', 'Oskar', 'Elin', 'Gustav', 'Ida', 'Björn', 'Linnea', 'Axel', 'Maja', 'Hugo'])[1 + i % 20] AS first_name,
               (ARRAY['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson',
                      'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Lindström'])[1 + (i / 20) % 20] AS last_name
          FROM generate_series(1, (SELECT customers FROM gw_sample)) AS i) AS people;

INSERT INTO customer_links (customer_key, linked_key, link_type, created_at)
SELECT c.customer_key, l.linked_key, l.link_type, c.created_at + make_interval(days => l.offset_days)
  FROM customers AS c
 CROSS JOIN LATERAL (VALUES
        ('session-' || substr(c.customer_key, 10) || '-1', 'session', 1),
        ('session-' || substr(c.customer_key, 10) || '-2', 'session', 2),
        ('device-' || substr(c.customer_key, 10) || '-1', 'device', 3),
        (CASE WHEN c.id % 2 = 0 THEN c.email END, 'email', 4)) AS l (linked_key, link_type, offset_days)
 WHERE l.linked_key IS NOT NULL;

INSERT INTO orders (id, customer_id, order_number, ordered_at, status, currency, total_cents, shipping_address_id, delivery_note)
SELECT (c.id - 1) * 4 + n, c.id, 'SO-' || lpad(((c.id - 1) * 4 + n)::text, 8, '0'),
       now() - make_interval(days => CAST((c.id * 13 + n * 7) % 700 AS integer), secs => (c.id * 97) % 86400),
       (ARRAY['delivered', 'delivered', 'delivered', 'shipped', 'returned'])[1 + (c.id + n) % 5],
       'SEK', 4900 + (c.id * 131 + n * 977) % 250000, c.address_id,
       CASE WHEN n = 1 THEN 'Ring ' || c.first_name || ' at the door' END
  FROM customers AS c
 CROSS JOIN LATERAL generate_series(1, 1 + c.id % 4) AS n;

INSERT INTO order_lines (id, order_id, sku, product_name, quantity, unit_cents)
SELECT o.id * 3 + n, o.id, 'SKU-' || lpad(((o.id * 31 + n) % 5000)::text, 5, '0'),
       (ARRAY['Wool sweater', 'Rain jacket', 'Sneakers', 'Coffee beans', 'Desk lamp', 'Backpack', 'Water bottle', 'Notebook'])[1 + (o.id + n) % 8],
       1 + (o.id + n) % 3, 990 + (o.id * 57 + n * 311) % 90000
  FROM orders AS o
 CROSS JOIN LATERAL generate_series(1, 1 + o.id % 3) AS n;

INSERT INTO payment_methods (id, customer_id, card_holder, card_brand, card_last4, expires_on, psp_reference, created_at)
SELECT (c.id - 1) * 2 + n, c.id, c.first_name || ' ' || c.last_name,
       (ARRAY['visa', 'mastercard', 'amex'])[1 + (c.id + n) % 3],
       lpad(((c.id * 13 + n * 7) % 10000)::text, 4, '0'),
       DATE '2026-01-31' + CAST((c.id + n) % 48 * 30 AS integer),
       'psp_' || md5(c.customer_key || '/' || n),
       c.created_at + make_interval(days => CAST(n AS integer))
  FROM customers AS c
 CROSS JOIN LATERAL generate_series(1, 1 + c.id % 2) AS n;

INSERT INTO campaigns (id, name, starts_on, ends_on) VALUES
    (1, 'Welcome bonus', DATE '2024-01-01', DATE '2030-12-31'),
    (2, 'Spring sale', DATE '2025-03-01', DATE '2025-05-31'),
    (3, 'Summer double points', DATE '2025-06-01', DATE '2025-08-31'),
    (4, 'Black week', DATE '2025-11-20', DATE '2025-11-30'),
    (5, 'Christmas', DATE '2025-12-01', DATE '2025-12-24'),
    (6, 'Birthday club', DATE '2024-01-01', DATE '2030-12-31');

INSERT INTO loyalty_transactions (id, customer_key, campaign_id, points, reason, occurred_at)
SELECT (c.id - 1) * 5 + n, c.customer_key, 1 + (c.id + n) % 6,
       CASE WHEN n = 5 THEN -((c.id * 7) % 200) ELSE 10 + (c.id * n * 11) % 490 END,
       (ARRAY['purchase', 'purchase', 'birthday', 'referral', 'redeemed'])[n],
       now() - make_interval(days => CAST((c.id * 3 + n * 11) % 365 AS integer))
  FROM customers AS c
 CROSS JOIN generate_series(1, 5) AS n;

INSERT INTO support_tickets (id, customer_id, contact_email, subject, body, status, created_at)
SELECT c.id, c.id, c.email,
       (ARRAY['Where is my order?', 'Refund request', 'Please change my address', 'Card charged twice'])[1 + c.id % 4],
       'Hi, this is ' || c.first_name || ' ' || c.last_name || '. ' ||
           CASE WHEN c.phone IS NOT NULL THEN 'Call me on ' || c.phone || '.' ELSE 'Reply by email.' END,
       (ARRAY['open', 'closed', 'closed'])[1 + c.id % 3],
       now() - make_interval(days => CAST(c.id % 200 AS integer))
  FROM customers AS c
 WHERE c.id % 3 = 0;

-- 20 click events per customer under its four keys, spread over the last 30 days; those older
-- than 5 days are already in the archive.
CREATE TEMPORARY TABLE gw_sample_events ON COMMIT DROP AS
SELECT (c.id - 1) * 20 + n AS id,
       CASE n % 4
           WHEN 0 THEN c.customer_key
           WHEN 1 THEN 'session-' || substr(c.customer_key, 10) || '-1'
           WHEN 2 THEN 'session-' || substr(c.customer_key, 10) || '-2'
           ELSE 'device-' || substr(c.customer_key, 10) || '-1'
       END AS visitor_key,
       (ARRAY['page_view', 'page_view', 'page_view', 'search', 'add_to_cart', 'checkout'])[1 + (c.id + n) % 6] AS event_type,
       '/products/' || ((c.id * 17 + n * 29) % 2000) AS page_url,
       CAST('10.' || (c.id % 250) || '.' || ((n * 7) % 250) || '.' || ((c.id * n) % 250 + 1) AS inet) AS ip_address,
       (ARRAY['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0',
              'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148', 'Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile'])[1 + (c.id + n) % 4] AS user_agent,
       now() - make_interval(secs => (c.id * 7919 + n * 104729) % 2592000) AS occurred_at
  FROM customers AS c
 CROSS JOIN generate_series(1, 20) AS n;

INSERT INTO events SELECT * FROM gw_sample_events WHERE occurred_at >= now() - interval '5 days';
INSERT INTO events_archive SELECT * FROM gw_sample_events WHERE occurred_at < now() - interval '5 days';
-- New events get ids past every loaded one, archived ones included.
SELECT setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM gw_sample_events));
