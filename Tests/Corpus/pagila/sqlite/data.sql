-- Fills Pagila for the number of customers in temp.gw_corpus (scale), set-based and deterministic,
-- with the same rows as data.postgres.sql (see there for the layout of customers and addresses):
-- recursive CTEs stand in for generate_series, datetime() for interval arithmetic, and CROSS JOIN
-- with WHERE for JOIN … ON, which keeps the numbered rows the outer loop of SQLite's plans.
--
-- store.manager_staff_id and staff.store_id reference each other, so foreign key checks are
-- deferred to the end of the transaction. The savepoint opens one when the loader has not, and
-- nests in the loader's transaction when it has.

SAVEPOINT corpus_pagila_data;
PRAGMA defer_foreign_keys = ON;

INSERT INTO country (country_id, country, last_update) VALUES
    (1, 'Argentina', '2022-02-15 09:44:00'),
    (2, 'Australia', '2022-02-15 09:44:00'),
    (3, 'Canada', '2022-02-15 09:44:00'),
    (4, 'Germany', '2022-02-15 09:44:00'),
    (5, 'India', '2022-02-15 09:44:00'),
    (6, 'Japan', '2022-02-15 09:44:00'),
    (7, 'Mexico', '2022-02-15 09:44:00'),
    (8, 'Nigeria', '2022-02-15 09:44:00'),
    (9, 'Sweden', '2022-02-15 09:44:00'),
    (10, 'United States', '2022-02-15 09:44:00');

WITH cities (k, name) AS (
    VALUES (1, 'Buenos Aires'), (2, 'Sydney'), (3, 'Toronto'), (4, 'Berlin'), (5, 'Mumbai'),
           (6, 'Osaka'), (7, 'Guadalajara'), (8, 'Lagos'), (9, 'Uppsala'), (10, 'Austin'),
           (11, 'Rosario'), (12, 'Perth'), (13, 'Lethbridge'), (14, 'Hamburg'), (15, 'Pune'),
           (16, 'Sapporo'), (17, 'Puebla'), (18, 'Ibadan'), (19, 'Malmo'), (20, 'Tulsa'))
INSERT INTO city (city_id, city, country_id, last_update)
SELECT k, name, 1 + (k - 1) % 10, '2022-02-15 09:45:25' FROM cities;

INSERT INTO language (language_id, name, last_update) VALUES
    (1, 'English', '2022-02-15 10:02:19'),
    (2, 'Italian', '2022-02-15 10:02:19'),
    (3, 'Japanese', '2022-02-15 10:02:19'),
    (4, 'Mandarin', '2022-02-15 10:02:19'),
    (5, 'French', '2022-02-15 10:02:19'),
    (6, 'German', '2022-02-15 10:02:19');

WITH categories (k, name) AS (
    VALUES (1, 'Action'), (2, 'Animation'), (3, 'Children'), (4, 'Classics'), (5, 'Comedy'),
           (6, 'Documentary'), (7, 'Drama'), (8, 'Family'), (9, 'Foreign'), (10, 'Games'),
           (11, 'Horror'), (12, 'Music'), (13, 'New'), (14, 'Sci-Fi'), (15, 'Sports'),
           (16, 'Travel'))
INSERT INTO category (category_id, name, last_update)
SELECT k, name, '2022-02-15 09:46:27' FROM categories;

WITH actors (k, first_name, last_name) AS (
    VALUES (1, 'ADA', 'QUILL'), (2, 'BORIS', 'FENNEL'), (3, 'CLEO', 'MARSH'), (4, 'DEV', 'OKAFOR'),
           (5, 'EDIE', 'VANCE'), (6, 'FELIX', 'GRAY'), (7, 'GRETA', 'NOLL'), (8, 'HUGO', 'PRATT'),
           (9, 'IMANI', 'COLE'), (10, 'JONAS', 'WREN'), (11, 'KIRA', 'DALE'), (12, 'LEON', 'BRAND'),
           (13, 'MILA', 'HART'), (14, 'NILS', 'FORD'), (15, 'OONA', 'REED'), (16, 'PAVEL', 'STONE'),
           (17, 'QUINN', 'LARK'), (18, 'ROSA', 'BELL'), (19, 'SAUL', 'KEMP'), (20, 'TESSA', 'YOUNG'))
INSERT INTO actor (actor_id, first_name, last_name, last_update)
SELECT k, first_name, last_name, '2022-02-15 09:34:33' FROM actors;

WITH RECURSIVE films (f) AS (SELECT 1 UNION ALL SELECT f + 1 FROM films WHERE f < 50),
adjectives (k, word) AS (
    VALUES (0, 'ACADEMY'), (1, 'BRAVE'), (2, 'CRIMSON'), (3, 'DUSTY'), (4, 'ELECTRIC'),
           (5, 'FROZEN'), (6, 'GOLDEN'), (7, 'HIDDEN'), (8, 'IRON'), (9, 'JADE')),
nouns (k, word) AS (
    VALUES (0, 'DINOSAUR'), (1, 'HARBOR'), (2, 'LANTERN'), (3, 'ORCHARD'), (4, 'SUBMARINE'))
INSERT INTO film (film_id, title, description, release_year, language_id, original_language_id, rental_duration,
                  rental_rate, length, replacement_cost, rating, last_update, special_features)
SELECT f, a.word || ' ' || n.word,
       'A story of a ' || lower(a.word) || ' ' || lower(n.word) || ' and the people around it',
       2000 + f % 23, 1,
       CASE WHEN f % 7 = 0 THEN 2 + f % 5 END,
       3 + f % 5,
       CASE f % 3 WHEN 0 THEN 0.99 WHEN 1 THEN 2.99 ELSE 4.99 END,
       60 + (f * 17) % 120,
       (999 + (f % 21) * 100) / 100.0,
       CASE f % 5 WHEN 0 THEN 'G' WHEN 1 THEN 'PG' WHEN 2 THEN 'PG-13' WHEN 3 THEN 'R' ELSE 'NC-17' END,
       '2022-02-15 10:03:42',
       CASE f % 4 WHEN 0 THEN 'Trailers' WHEN 1 THEN 'Commentaries,Deleted Scenes' WHEN 2 THEN 'Deleted Scenes,Behind the Scenes'
            ELSE 'Trailers,Commentaries,Behind the Scenes' END
  FROM films
 CROSS JOIN adjectives AS a
 CROSS JOIN nouns AS n
 WHERE a.k = (f - 1) % 10
   AND n.k = (f - 1) / 10;

WITH RECURSIVE films (f) AS (SELECT 1 UNION ALL SELECT f + 1 FROM films WHERE f < 50),
parts (k) AS (VALUES (0), (1), (2))
INSERT INTO film_actor (actor_id, film_id, last_update)
SELECT (f * 3 + k * 7) % 20 + 1, f, '2022-02-15 10:05:03'
  FROM films CROSS JOIN parts;

WITH RECURSIVE films (f) AS (SELECT 1 UNION ALL SELECT f + 1 FROM films WHERE f < 50)
INSERT INTO film_category (film_id, category_id, last_update)
SELECT f, 1 + f % 16, '2022-02-15 10:07:09' FROM films;

-- The two stores, their managers, and the managers' homes.
INSERT INTO address (address_id, address, address2, district, city_id, postal_code, phone, last_update) VALUES
    (1, '47 Harbor Street', NULL, 'Ontario', 3, '41305', '14033336271', '2022-02-15 09:45:30'),
    (2, '28 Quay Road', NULL, 'Western Australia', 12, '60812', '16172235589', '2022-02-15 09:45:30'),
    (3, '23 Workhaven Lane', NULL, 'Ontario', 3, '41309', '14033335568', '2022-02-15 09:45:30'),
    (4, '1411 Lillydale Drive', NULL, 'Western Australia', 12, '60817', '16172235513', '2022-02-15 09:45:30');

INSERT INTO staff (staff_id, first_name, last_name, address_id, email, store_id, active, username, password, last_update, picture) VALUES
    (1, 'Alma', 'Holm', 3, 'Alma.Holm@sakilastaff.com', 1, 1, 'Alma', '8cb2237d0679ca88db6464eac60da96345513964',
     '2022-05-16 16:13:11', X'89504E470D0A1A0A0000000D49484452'),
    (2, 'Ruben', 'Ortiz', 4, 'Ruben.Ortiz@sakilastaff.com', 2, 1, 'Ruben', '8cb2237d0679ca88db6464eac60da96345513964',
     '2022-05-16 16:13:11', NULL);

INSERT INTO store (store_id, manager_staff_id, address_id, last_update) VALUES
    (1, 1, 1, '2022-02-15 09:57:12'),
    (2, 2, 2, '2022-02-15 09:57:12');

WITH RECURSIVE copies (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM copies WHERE k < 200)
INSERT INTO inventory (inventory_id, film_id, store_id, last_update)
SELECT k, 1 + (k - 1) / 4, 1 + ((k - 1) / 2) % 2, '2022-02-15 10:09:17' FROM copies;

-- Customers' addresses: one for every customer who does not live at someone else's.
WITH RECURSIVE customers (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM customers WHERE i < (SELECT scale FROM temp.gw_corpus)),
streets (k, name) AS (
    VALUES (0, 'Maple Street'), (1, 'Oak Avenue'), (2, 'Cedar Lane'), (3, 'Elm Road'), (4, 'Birch Way'), (5, 'Pine Court'),
           (6, 'Willow Drive'), (7, 'Aspen Place'), (8, 'Hazel Terrace'), (9, 'Juniper Row'), (10, 'Laurel Close'), (11, 'Rowan Parade')),
districts (k, name) AS (
    VALUES (0, 'Buenos Aires'), (1, 'New South Wales'), (2, 'Ontario'), (3, 'Berlin'), (4, 'Maharashtra'),
           (5, 'Osaka'), (6, 'Jalisco'), (7, 'Lagos'), (8, 'Uppsala'), (9, 'Texas'))
INSERT INTO address (address_id, address, address2, district, city_id, postal_code, phone, last_update)
SELECT i + 4,
       ((i * 37) % 1900 + 1) || ' ' || s.name,
       CASE WHEN i % 4 = 0 THEN 'Apt ' || (i % 30 + 1) END,
       d.name,
       1 + i % 20,
       ((i * 7919) % 90000 + 10000) || '',
       '1' || ((i * 104729) % 900000000 + 100000000),
       '2022-02-15 09:45:30'
  FROM customers
 CROSS JOIN streets AS s
 CROSS JOIN districts AS d
 WHERE s.k = i % 12
   AND d.k = i % 10
   AND (i - 1) % 10 NOT IN (3, 5, 6) AND i NOT IN (9, 19);

-- Staff living at the address of every customer with r = 7.
WITH RECURSIVE customers (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM customers WHERE i < (SELECT scale FROM temp.gw_corpus)),
first_names (k, name) AS (
    VALUES (0, 'Nora'), (1, 'Tomas'), (2, 'Ines'), (3, 'Kwame'), (4, 'Lena'), (5, 'Omar'), (6, 'Priya'), (7, 'Sven'), (8, 'Yara'), (9, 'Diego')),
last_names (k, name) AS (
    VALUES (0, 'Lind'), (1, 'Varga'), (2, 'Costa'), (3, 'Mensah'), (4, 'Novak'), (5, 'Haddad'), (6, 'Rao'), (7, 'Berg'), (8, 'Sato'), (9, 'Rivera')),
housemates (i, b) AS (
    SELECT i, (i - 1) / 10 FROM customers WHERE (i - 1) % 10 = 7)
INSERT INTO staff (staff_id, first_name, last_name, address_id, email, store_id, active, username, password, last_update, picture)
SELECT 3 + b, f.name, l.name, i + 4,
       f.name || '.' || l.name || (3 + b) || '@sakilastaff.com',
       1 + b % 2, b % 5 <> 4, f.name || (3 + b), '8cb2237d0679ca88db6464eac60da96345513964',
       '2022-05-16 16:13:11', NULL
  FROM housemates
 CROSS JOIN first_names AS f
 CROSS JOIN last_names AS l
 WHERE f.k = b % 10
   AND l.k = (b * 3 + b / 10) % 10;

WITH RECURSIVE customers (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM customers WHERE i < (SELECT scale FROM temp.gw_corpus)),
first_names (k, name) AS (
    VALUES (0, 'MARY'), (1, 'PATRICIA'), (2, 'LINDA'), (3, 'BARBARA'), (4, 'ELIZABETH'), (5, 'JENNIFER'), (6, 'MARIA'),
           (7, 'SUSAN'), (8, 'MARGARET'), (9, 'DOROTHY'), (10, 'LISA'), (11, 'NANCY'), (12, 'KAREN'), (13, 'BETTY'),
           (14, 'HELEN'), (15, 'SANDRA'), (16, 'DONNA'), (17, 'CAROL'), (18, 'RUTH'), (19, 'SHARON')),
last_names (k, name) AS (
    VALUES (0, 'SMITH'), (1, 'JOHNSON'), (2, 'WILLIAMS'), (3, 'JONES'), (4, 'BROWN'), (5, 'DAVIS'), (6, 'MILLER'),
           (7, 'WILSON'), (8, 'MOORE'), (9, 'TAYLOR'), (10, 'ANDERSON'), (11, 'THOMAS'), (12, 'JACKSON'), (13, 'WHITE'),
           (14, 'HARRIS'), (15, 'MARTIN'), (16, 'THOMPSON'), (17, 'GARCIA'), (18, 'MARTINEZ'), (19, 'ROBINSON'))
INSERT INTO customer (customer_id, store_id, first_name, last_name, email, address_id, activebool, create_date, last_update, active)
SELECT i, 1 + i % 2, f.name, l.name,
       CASE WHEN (i - 1) % 10 = 6 AND (i - 1) / 10 % 2 = 1 THEN NULL
            ELSE lower(f.name || '.' || l.name) || CASE WHEN i > 400 THEN '.' || i ELSE '' END || '@sakilacustomer.org' END,
       CASE WHEN i = 9 THEN 1
            WHEN i = 19 THEN 2
            WHEN (i - 1) % 10 IN (3, 5) THEN i + 3
            WHEN (i - 1) % 10 = 6 THEN i + 2
            ELSE i + 4 END,
       i % 15 <> 0,
       date('2021-06-01', '+' || ((i * 3) % 250) || ' days'),
       '2022-02-15 09:57:20',
       CASE WHEN i % 15 = 0 THEN 0 ELSE 1 END
  FROM customers
 CROSS JOIN first_names AS f
 CROSS JOIN last_names AS l
 WHERE f.k = (i - 1) % 20
   AND l.k = ((i - 1) + (i - 1) / 20) % 20;

-- One to four rentals a customer (rental_id = (customer_id - 1) * 4 + n); a few not returned yet.
WITH numbers (n) AS (VALUES (1), (2), (3), (4))
INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date, staff_id, last_update)
SELECT (customer_id - 1) * 4 + n,
       rented,
       1 + (customer_id * 13 + n * 7) % 200,
       customer_id,
       CASE WHEN (customer_id + n) % 9 = 0 THEN NULL ELSE datetime(rented, '+' || (1 + (customer_id + n) % 7) || ' days') END,
       1 + (customer_id + n) % 2,
       '2022-06-16 02:30:53'
  FROM (SELECT c.customer_id, n,
               datetime('2022-05-24 22:00:00',
                        '+' || ((c.customer_id * 7 + n * 3) % 60) || ' days',
                        '+' || ((c.customer_id * 37 + n * 11) % 600) || ' minutes') AS rented
          FROM customer AS c
         CROSS JOIN numbers
         WHERE n <= 1 + c.customer_id % 4);

-- A payment for most rentals (payment_id = rental_id), taken by the staff member who rented it out.
INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date)
SELECT r.rental_id, r.customer_id, r.staff_id, r.rental_id,
       (99 + ((r.customer_id * 3 + r.rental_id) % 5) * 100) / 100.0,
       datetime(r.rental_date, '+' || (r.rental_id % 90) || ' minutes')
  FROM rental AS r
 WHERE (r.customer_id + r.rental_id) % 6 <> 0;

RELEASE corpus_pagila_data;
