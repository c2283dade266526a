-- Fills storefront for the number of customers in temp.gw_corpus (scale), set-based and
-- deterministic, with the same rows as data.postgres.sql (see there for who lives where and owns
-- what): recursive CTEs stand in for generate_series, datetime() for interval arithmetic, CROSS
-- JOIN with WHERE for JOIN … ON (it keeps the numbered rows the outer loop of SQLite's plans), and
-- CAST(char(...) AS BLOB) builds the binary fingerprints (all their bytes are below 0x80).
-- Fast at scale 10,000 and beyond: one statement a table, no loops.
-- A temporary table, gw_corpus_people, numbers the customers while the script runs.

WITH RECURSIVE numbers (a) AS (SELECT 1 UNION ALL SELECT a + 1 FROM numbers WHERE a < 4 * (((SELECT scale FROM temp.gw_corpus) + 19) / 20)),
streets (k, name) AS (
    VALUES (0, 'Storgatan'), (1, 'Main Street'), (2, 'Rue de la Paix'), (3, 'Hauptstraße'), (4, 'Via Roma'),
           (5, 'Calle Mayor'), (6, 'Kerkstraat'), (7, 'Ulica Długa'), (8, 'High Street'), (9, 'Bahnhofstraße')),
cities (k, name) AS (
    VALUES (0, 'Stockholm'), (1, 'Springfield'), (2, 'Lyon'), (3, 'Köln'), (4, 'Torino'), (5, 'Sevilla'), (6, 'Utrecht'), (7, 'Gdańsk'))
INSERT INTO address (id, street, city, zip)
SELECT a, ((a * 37) % 400 + 1) || ' ' || s.name, c.name, ((a * 7919) % 90000 + 10000) || ''
  FROM numbers
 CROSS JOIN streets AS s
 CROSS JOIN cities AS c
 WHERE s.k = a % 10
   AND c.k = a % 8;

-- Who is who, once: customer number i with their email, name and home (dropped at the end).
CREATE TEMP TABLE gw_corpus_people AS
WITH RECURSIVE numbers (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM numbers WHERE i < (SELECT scale FROM temp.gw_corpus)),
first_names (k, name) AS (
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
  FROM numbers
 CROSS JOIN first_names AS f
 CROSS JOIN last_names AS l
 WHERE f.k = (i - 1) % 16
   AND l.k = ((i - 1) / 16 + (i - 1) * 3) % 16;

INSERT INTO customer (email, full_name, phone, address_id, created_at)
SELECT email, full_name,
       CASE WHEN i % 6 = 0 THEN NULL ELSE '+46 70 ' || (1000000 + (i * 7919) % 9000000) END,
       address_id,
       datetime('2023-01-01 00:00:00', '+' || (i % 365) || ' days', '+' || ((i * 37) % 86400) || ' seconds')
  FROM temp.gw_corpus_people;

-- Staff: the owner (no address), one at A2 of every even block, one at A1 of blocks with b % 3 = 1.
WITH RECURSIVE blocks (b) AS (SELECT 0 UNION ALL SELECT b + 1 FROM blocks WHERE b < ((SELECT scale FROM temp.gw_corpus) - 1) / 20),
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
 CROSS JOIN names AS n
 WHERE n.k = h.staff_id % 6;

WITH numbers (n) AS (VALUES (1), (2), (3), (4))
INSERT INTO orders (order_id, customer_email, address_id, total, placed_at)
SELECT (i - 1) * 4 + n, c.email,
       CASE WHEN r <> 19 THEN c.address_id
            WHEN n = 1 AND b % 3 = 2 THEN 4 * b + 1
            ELSE 4 * b + 4 END,
       (500 + (i * 37 + n * 101) % 20000) / 100.0,
       datetime('2024-01-01 00:00:00', '+' || ((i * 13 + n * 29) % 365) || ' days', '+' || ((i * 7 + n) % 1440) || ' minutes')
  FROM temp.gw_corpus_people AS c
 CROSS JOIN numbers
 WHERE n <= 2 + i % 3;

WITH numbers (m) AS (VALUES (1), (2))
INSERT INTO card (card_id, customer_email, address_id, holder, last4)
SELECT (i - 1) * 2 + m, c.email, c.address_id, c.full_name, '' || (1000 + (i * 7 + m * 3) % 9000)
  FROM temp.gw_corpus_people AS c
 CROSS JOIN numbers
 WHERE m <= 1 + i % 2;

WITH RECURSIVE numbers (v) AS (VALUES (1), (2), (3), (4), (5)),
prospects (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM prospects WHERE k < (SELECT scale FROM temp.gw_corpus) / 10),
pages (k, page) AS (
    VALUES (0, '/'), (1, '/products'), (2, '/cart'), (3, '/checkout'), (4, '/account'), (5, '/search?q=shoes'))
INSERT INTO visit (email, last_visit, page)
SELECT c.email,
       datetime('2024-06-01 00:00:00', '+' || ((i * 17) % 100000 + v * 613) || ' minutes'),
       p.page
  FROM temp.gw_corpus_people AS c
 CROSS JOIN numbers
 CROSS JOIN pages AS p
 WHERE v <= 2 + i % 4
   AND p.k = (i + v) % 6
UNION ALL
SELECT 'prospect.' || prospects.k || '@example.net',
       datetime('2024-07-01 00:00:00', '+' || (prospects.k * 31 + v * 977) || ' minutes'),
       p.page
  FROM prospects
 CROSS JOIN numbers
 CROSS JOIN pages AS p
 WHERE v <= 2
   AND p.k = (prospects.k + v) % 6;

WITH numbers (d) AS (VALUES (1), (2))
INSERT INTO device (fingerprint, email, seen_on)
SELECT CAST(char(0, d, (i / 2097152) % 128, (i / 16384) % 128, (i / 128) % 128, i % 128, 127, (i * 7 + d) % 128) AS BLOB),
       c.email,
       date('2024-01-01', '+' || ((i * 3 + d * 11) % 300) || ' days')
  FROM temp.gw_corpus_people AS c
 CROSS JOIN numbers
 WHERE d <= 1 + (i + 1) % 2;

DROP TABLE temp.gw_corpus_people;
