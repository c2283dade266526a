-- Fills storefront for the number of customers in pg_temp.gw_corpus (scale), set-based and
-- deterministic (every value derives from row numbers), with the same rows as data.sqlite.sql.
-- Fast at scale 10,000 and beyond: one statement a table, no loops.
--
-- Customers come in blocks of twenty (b = (i - 1) / 20, r = (i - 1) % 20) with four addresses
-- (A1..A4 = 4b + 1 .. 4b + 4, so about scale / 5 addresses):
--   r = 0        lives alone at A1;
--                b % 3 = 1: a member of staff also lives at A1 (shared through staff only);
--                b % 3 = 2: A1 also receives r = 19's first order (a gift)
--   r = 1 .. 9   live at A2 (in even blocks with a member of staff)
--   r = 10 .. 19 live at A3
--   A4           r = 19's office: only r = 19's orders go there (their first one to A1 when b % 3 = 2)
-- Customer i has 2 + i % 3 orders (order_id = (i - 1) * 4 + n) to their home address unless said
-- otherwise, 1 + i % 2 cards (card_id = (i - 1) * 2 + m) billed to their home address,
-- 2 + i % 4 visits at distinct times, and 1 + (i + 1) % 2 devices with binary fingerprints
-- (0x00, n, i in base 128 on four bytes, 0x7f, (i * 7 + n) % 128). Staff member 1 has no address.
-- scale / 10 prospects (prospect.N@example.net) visited twice and never became customers.
-- A temporary table, gw_corpus_people, numbers the customers while the script runs.

WITH streets (k, name) AS (
    VALUES (0, 'Storgatan'), (1, 'Main Street'), (2, 'Rue de la Paix'), (3, 'Hauptstraße'), (4, 'Via Roma'),
           (5, 'Calle Mayor'), (6, 'Kerkstraat'), (7, 'Ulica Długa'), (8, 'High Street'), (9, 'Bahnhofstraße')),
cities (k, name) AS (
    VALUES (0, 'Stockholm'), (1, 'Springfield'), (2, 'Lyon'), (3, 'Köln'), (4, 'Torino'), (5, 'Sevilla'), (6, 'Utrecht'), (7, 'Gdańsk'))
INSERT INTO address (id, street, city, zip)
SELECT a, ((a * 37) % 400 + 1) || ' ' || s.name, c.name, ((a * 7919) % 90000 + 10000) || ''
  FROM generate_series(1, 4 * (((SELECT scale FROM pg_temp.gw_corpus) + 19) / 20)) AS a
  JOIN streets AS s ON s.k = a % 10
  JOIN cities AS c ON c.k = a % 8;

-- Who is who, once: customer number i with their email, name and home (dropped at the end).
CREATE TEMP TABLE gw_corpus_people AS
WITH first_names (k, name) AS (
    VALUES (0, 'Anna'), (1, 'Ben'), (2, 'Chloe'), (3, 'David'), (4, 'Elif'), (5, 'Farid'), (6, 'Greta'), (7, 'Hiro'),
           (8, 'Ines'), (9, 'Jamal'), (10, 'Kaisa'), (11, 'Liam'), (12, 'Mei'), (13, 'Nikolai'), (14, 'Olga'), (15, 'Pedro')),
last_names (k, name) AS (
    VALUES (0, 'Berg'), (1, 'Chen'), (2, 'Diaz'), (3, 'Eklund'), (4, 'Fischer'), (5, 'Garcia'), (6, 'Haas'), (7, 'Ivanova'),
           (8, 'Johansson'), (9, 'Kim'), (10, 'Larsen'), (11, 'Moreau'), (12, 'Nowak'), (13, 'Okoro'), (14, 'Perez'), (15, 'Quist'))
SELECT i, (i - 1) / 20 AS b, (i - 1) % 20 AS r,
       lower(f.name) || '.' || lower(l.name) || '.' || i || '@example.com' AS email,
       f.name || ' ' || l.name AS full_name,
       CASE WHEN (i - 1) % 20 = 0 THEN 4 * ((i - 1) / 20) + 1
            WHEN (i - 1) % 20 <= 9 THEN 4 * ((i - 1) / 20) + 2
            ELSE 4 * ((i - 1) / 20) + 3 END AS address_id
  FROM generate_series(1, (SELECT scale FROM pg_temp.gw_corpus)) AS i
  JOIN first_names AS f ON f.k = (i - 1) % 16
  JOIN last_names AS l ON l.k = ((i - 1) / 16 + (i - 1) * 3) % 16;

INSERT INTO customer (email, full_name, phone, address_id, created_at)
SELECT email, full_name,
       CASE WHEN i % 6 = 0 THEN NULL ELSE '+46 70 ' || (1000000 + (i * 7919) % 9000000) END,
       address_id,
       TIMESTAMP '2023-01-01 00:00:00' + (i % 365) * INTERVAL '1 day' + ((i * 37) % 86400) * INTERVAL '1 second'
  FROM pg_temp.gw_corpus_people;

-- Staff: the owner (no address), one at A2 of every even block, one at A1 of blocks with b % 3 = 1.
WITH blocks (b) AS (
    SELECT b FROM generate_series(0, ((SELECT scale FROM pg_temp.gw_corpus) - 1) / 20) AS b),
homes (staff_id, address_id) AS (
    SELECT 2 + 2 * b, 4 * b + 2 FROM blocks WHERE b % 2 = 0
    UNION ALL
    SELECT 3 + 2 * b, 4 * b + 1 FROM blocks WHERE b % 3 = 1),
names (k, name) AS (
    VALUES (0, 'Sara Lind'), (1, 'Tomas Varga'), (2, 'Ines Costa'), (3, 'Kwame Mensah'), (4, 'Lena Novak'), (5, 'Omar Haddad'))
INSERT INTO staff (staff_id, full_name, address_id)
SELECT 1, 'Alex Owner', NULL
UNION ALL
SELECT h.staff_id, n.name, h.address_id
  FROM homes AS h
  JOIN names AS n ON n.k = h.staff_id % 6;

INSERT INTO orders (order_id, customer_email, address_id, total, placed_at)
SELECT (i - 1) * 4 + n, c.email,
       CASE WHEN r <> 19 THEN c.address_id
            WHEN n = 1 AND b % 3 = 2 THEN 4 * b + 1
            ELSE 4 * b + 4 END,
       (500 + (i * 37 + n * 101) % 20000) / 100.0,
       TIMESTAMP '2024-01-01 00:00:00' + ((i * 13 + n * 29) % 365) * INTERVAL '1 day' + ((i * 7 + n) % 1440) * INTERVAL '1 minute'
  FROM pg_temp.gw_corpus_people AS c
 CROSS JOIN LATERAL generate_series(1, 2 + i % 3) AS n;

INSERT INTO card (card_id, customer_email, address_id, holder, last4)
SELECT (i - 1) * 2 + m, c.email, c.address_id, c.full_name, '' || (1000 + (i * 7 + m * 3) % 9000)
  FROM pg_temp.gw_corpus_people AS c
 CROSS JOIN LATERAL generate_series(1, 1 + i % 2) AS m;

WITH pages (k, page) AS (
    VALUES (0, '/'), (1, '/products'), (2, '/cart'), (3, '/checkout'), (4, '/account'), (5, '/search?q=shoes'))
INSERT INTO visit (email, last_visit, page)
SELECT c.email,
       TIMESTAMP '2024-06-01 00:00:00' + ((i * 17) % 100000 + v * 613) * INTERVAL '1 minute',
       p.page
  FROM pg_temp.gw_corpus_people AS c
 CROSS JOIN LATERAL generate_series(1, 2 + i % 4) AS v
  JOIN pages AS p ON p.k = (i + v) % 6
UNION ALL
SELECT 'prospect.' || q || '@example.net',
       TIMESTAMP '2024-07-01 00:00:00' + (q * 31 + v * 977) * INTERVAL '1 minute',
       p.page
  FROM generate_series(1, (SELECT scale FROM pg_temp.gw_corpus) / 10) AS q
 CROSS JOIN generate_series(1, 2) AS v
  JOIN pages AS p ON p.k = (q + v) % 6;

INSERT INTO device (fingerprint, email, seen_on)
SELECT decode('00' || lpad(to_hex(d), 2, '0')
              || lpad(to_hex((i / 2097152) % 128), 2, '0') || lpad(to_hex((i / 16384) % 128), 2, '0')
              || lpad(to_hex((i / 128) % 128), 2, '0') || lpad(to_hex(i % 128), 2, '0')
              || '7f' || lpad(to_hex((i * 7 + d) % 128), 2, '0'), 'hex'),
       c.email,
       DATE '2024-01-01' + (i * 3 + d * 11) % 300
  FROM pg_temp.gw_corpus_people AS c
 CROSS JOIN LATERAL generate_series(1, 1 + (i + 1) % 2) AS d;

DROP TABLE pg_temp.gw_corpus_people;
