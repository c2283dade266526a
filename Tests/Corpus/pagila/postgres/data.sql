-- Fills Pagila for the number of customers in pg_temp.gw_corpus (scale), set-based and
-- deterministic: every value derives from row numbers, so a scale always gives the same rows, and
-- data.sqlite.sql gives the same rows on SQLite. Loads with or without the constraints section.
--
-- The catalogue (countries, cities, languages, categories, actors, 50 films, 200 copies in two
-- stores) does not grow with the scale; customers, their addresses, rentals, payments and the
-- staff living with customers do. Customers come in blocks of ten (r = (customer_id - 1) % 10):
--   r = 0, 1, 8, 9  an address of their own (address_id = customer_id + 4)
--   r = 2, 3        a household of two: r = 3 lives at r = 2's address
--   r = 4, 5, 6     a household of three at r = 4's address; in odd blocks r = 6 has no email
--   r = 7           an address of their own that a member of staff also lives at
--   customers 9 and 19 live at the address of store 1 and store 2 (a flat above the shop)
-- Addresses 1 and 2 are the stores', 3 and 4 their managers'.

INSERT INTO country (country_id, country, last_update) VALUES
    (1, 'Argentina', TIMESTAMP '2022-02-15 09:44:00'),
    (2, 'Australia', TIMESTAMP '2022-02-15 09:44:00'),
    (3, 'Canada', TIMESTAMP '2022-02-15 09:44:00'),
    (4, 'Germany', TIMESTAMP '2022-02-15 09:44:00'),
    (5, 'India', TIMESTAMP '2022-02-15 09:44:00'),
    (6, 'Japan', TIMESTAMP '2022-02-15 09:44:00'),
    (7, 'Mexico', TIMESTAMP '2022-02-15 09:44:00'),
    (8, 'Nigeria', TIMESTAMP '2022-02-15 09:44:00'),
    (9, 'Sweden', TIMESTAMP '2022-02-15 09:44:00'),
    (10, 'United States', TIMESTAMP '2022-02-15 09:44:00');

INSERT INTO city (city_id, city, country_id, last_update)
SELECT k, name, 1 + (k - 1) % 10, TIMESTAMP '2022-02-15 09:45:25'
  FROM (VALUES (1, 'Buenos Aires'), (2, 'Sydney'), (3, 'Toronto'), (4, 'Berlin'), (5, 'Mumbai'),
               (6, 'Osaka'), (7, 'Guadalajara'), (8, 'Lagos'), (9, 'Uppsala'), (10, 'Austin'),
               (11, 'Rosario'), (12, 'Perth'), (13, 'Lethbridge'), (14, 'Hamburg'), (15, 'Pune'),
               (16, 'Sapporo'), (17, 'Puebla'), (18, 'Ibadan'), (19, 'Malmo'), (20, 'Tulsa')) AS cities (k, name);

INSERT INTO language (language_id, name, last_update) VALUES
    (1, 'English', TIMESTAMP '2022-02-15 10:02:19'),
    (2, 'Italian', TIMESTAMP '2022-02-15 10:02:19'),
    (3, 'Japanese', TIMESTAMP '2022-02-15 10:02:19'),
    (4, 'Mandarin', TIMESTAMP '2022-02-15 10:02:19'),
    (5, 'French', TIMESTAMP '2022-02-15 10:02:19'),
    (6, 'German', TIMESTAMP '2022-02-15 10:02:19');

INSERT INTO category (category_id, name, last_update)
SELECT k, name, TIMESTAMP '2022-02-15 09:46:27'
  FROM (VALUES (1, 'Action'), (2, 'Animation'), (3, 'Children'), (4, 'Classics'), (5, 'Comedy'),
               (6, 'Documentary'), (7, 'Drama'), (8, 'Family'), (9, 'Foreign'), (10, 'Games'),
               (11, 'Horror'), (12, 'Music'), (13, 'New'), (14, 'Sci-Fi'), (15, 'Sports'),
               (16, 'Travel')) AS categories (k, name);

INSERT INTO actor (actor_id, first_name, last_name, last_update)
SELECT k, first_name, last_name, TIMESTAMP '2022-02-15 09:34:33'
  FROM (VALUES (1, 'ADA', 'QUILL'), (2, 'BORIS', 'FENNEL'), (3, 'CLEO', 'MARSH'), (4, 'DEV', 'OKAFOR'),
               (5, 'EDIE', 'VANCE'), (6, 'FELIX', 'GRAY'), (7, 'GRETA', 'NOLL'), (8, 'HUGO', 'PRATT'),
               (9, 'IMANI', 'COLE'), (10, 'JONAS', 'WREN'), (11, 'KIRA', 'DALE'), (12, 'LEON', 'BRAND'),
               (13, 'MILA', 'HART'), (14, 'NILS', 'FORD'), (15, 'OONA', 'REED'), (16, 'PAVEL', 'STONE'),
               (17, 'QUINN', 'LARK'), (18, 'ROSA', 'BELL'), (19, 'SAUL', 'KEMP'), (20, 'TESSA', 'YOUNG')) AS actors (k, first_name, last_name);

WITH adjectives (k, word) AS (
    VALUES (0, 'ACADEMY'), (1, 'BRAVE'), (2, 'CRIMSON'), (3, 'DUSTY'), (4, 'ELECTRIC'),
           (5, 'FROZEN'), (6, 'GOLDEN'), (7, 'HIDDEN'), (8, 'IRON'), (9, 'JADE')),
nouns (k, word) AS (
    VALUES (0, 'DINOSAUR'), (1, 'HARBOR'), (2, 'LANTERN'), (3, 'ORCHARD'), (4, 'SUBMARINE')),
films (f) AS (
    SELECT f FROM generate_series(1, 50) AS f)
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
       TIMESTAMP '2022-02-15 10:03:42',
       CASE f % 4 WHEN 0 THEN 'Trailers' WHEN 1 THEN 'Commentaries,Deleted Scenes' WHEN 2 THEN 'Deleted Scenes,Behind the Scenes'
            ELSE 'Trailers,Commentaries,Behind the Scenes' END
  FROM films
  JOIN adjectives AS a ON a.k = (f - 1) % 10
  JOIN nouns AS n ON n.k = (f - 1) / 10;

INSERT INTO film_actor (actor_id, film_id, last_update)
SELECT (f * 3 + k * 7) % 20 + 1, f, TIMESTAMP '2022-02-15 10:05:03'
  FROM generate_series(1, 50) AS f
 CROSS JOIN generate_series(0, 2) AS k;

INSERT INTO film_category (film_id, category_id, last_update)
SELECT f, 1 + f % 16, TIMESTAMP '2022-02-15 10:07:09'
  FROM generate_series(1, 50) AS f;

-- The two stores, their managers, and the managers' homes.
INSERT INTO address (address_id, address, address2, district, city_id, postal_code, phone, last_update) VALUES
    (1, '47 Harbor Street', NULL, 'Ontario', 3, '41305', '14033336271', TIMESTAMP '2022-02-15 09:45:30'),
    (2, '28 Quay Road', NULL, 'Western Australia', 12, '60812', '16172235589', TIMESTAMP '2022-02-15 09:45:30'),
    (3, '23 Workhaven Lane', NULL, 'Ontario', 3, '41309', '14033335568', TIMESTAMP '2022-02-15 09:45:30'),
    (4, '1411 Lillydale Drive', NULL, 'Western Australia', 12, '60817', '16172235513', TIMESTAMP '2022-02-15 09:45:30');

-- store.manager_staff_id and staff.store_id reference each other: one statement inserts both.
WITH managers AS (
    INSERT INTO staff (staff_id, first_name, last_name, address_id, email, store_id, active, username, password, last_update, picture)
    VALUES (1, 'Alma', 'Holm', 3, 'Alma.Holm@sakilastaff.com', 1, true, 'Alma', '8cb2237d0679ca88db6464eac60da96345513964',
            TIMESTAMP '2022-05-16 16:13:11', decode('89504e470d0a1a0a0000000d49484452', 'hex')),
           (2, 'Ruben', 'Ortiz', 4, 'Ruben.Ortiz@sakilastaff.com', 2, true, 'Ruben', '8cb2237d0679ca88db6464eac60da96345513964',
            TIMESTAMP '2022-05-16 16:13:11', NULL)
    RETURNING staff_id)
INSERT INTO store (store_id, manager_staff_id, address_id, last_update)
SELECT staff_id, staff_id, staff_id, TIMESTAMP '2022-02-15 09:57:12' FROM managers;

INSERT INTO inventory (inventory_id, film_id, store_id, last_update)
SELECT k, 1 + (k - 1) / 4, 1 + ((k - 1) / 2) % 2, TIMESTAMP '2022-02-15 10:09:17'
  FROM generate_series(1, 200) AS k;

-- Customers' addresses: one for every customer who does not live at someone else's.
WITH streets (k, name) AS (
    VALUES (0, 'Maple Street'), (1, 'Oak Avenue'), (2, 'Cedar Lane'), (3, 'Elm Road'), (4, 'Birch Way'), (5, 'Pine Court'),
           (6, 'Willow Drive'), (7, 'Aspen Place'), (8, 'Hazel Terrace'), (9, 'Juniper Row'), (10, 'Laurel Close'), (11, 'Rowan Parade')),
districts (k, name) AS (
    VALUES (0, 'Buenos Aires'), (1, 'New South Wales'), (2, 'Ontario'), (3, 'Berlin'), (4, 'Maharashtra'),
           (5, 'Osaka'), (6, 'Jalisco'), (7, 'Lagos'), (8, 'Uppsala'), (9, 'Texas')),
customers (i) AS (
    SELECT i FROM generate_series(1, (SELECT scale FROM pg_temp.gw_corpus)) AS i)
INSERT INTO address (address_id, address, address2, district, city_id, postal_code, phone, last_update)
SELECT i + 4,
       ((i * 37) % 1900 + 1) || ' ' || s.name,
       CASE WHEN i % 4 = 0 THEN 'Apt ' || (i % 30 + 1) END,
       d.name,
       1 + i % 20,
       ((i * 7919) % 90000 + 10000) || '',
       '1' || ((CAST(i AS bigint) * 104729) % 900000000 + 100000000),
       TIMESTAMP '2022-02-15 09:45:30'
  FROM customers
  JOIN streets AS s ON s.k = i % 12
  JOIN districts AS d ON d.k = i % 10
 WHERE (i - 1) % 10 NOT IN (3, 5, 6) AND i NOT IN (9, 19);

-- Staff living at the address of every customer with r = 7.
WITH first_names (k, name) AS (
    VALUES (0, 'Nora'), (1, 'Tomas'), (2, 'Ines'), (3, 'Kwame'), (4, 'Lena'), (5, 'Omar'), (6, 'Priya'), (7, 'Sven'), (8, 'Yara'), (9, 'Diego')),
last_names (k, name) AS (
    VALUES (0, 'Lind'), (1, 'Varga'), (2, 'Costa'), (3, 'Mensah'), (4, 'Novak'), (5, 'Haddad'), (6, 'Rao'), (7, 'Berg'), (8, 'Sato'), (9, 'Rivera')),
housemates (i, b) AS (
    SELECT i, (i - 1) / 10 FROM generate_series(1, (SELECT scale FROM pg_temp.gw_corpus)) AS i WHERE (i - 1) % 10 = 7)
INSERT INTO staff (staff_id, first_name, last_name, address_id, email, store_id, active, username, password, last_update, picture)
SELECT 3 + b, f.name, l.name, i + 4,
       f.name || '.' || l.name || (3 + b) || '@sakilastaff.com',
       1 + b % 2, b % 5 <> 4, f.name || (3 + b), '8cb2237d0679ca88db6464eac60da96345513964',
       TIMESTAMP '2022-05-16 16:13:11', NULL
  FROM housemates
  JOIN first_names AS f ON f.k = b % 10
  JOIN last_names AS l ON l.k = (b * 3 + b / 10) % 10;

WITH first_names (k, name) AS (
    VALUES (0, 'MARY'), (1, 'PATRICIA'), (2, 'LINDA'), (3, 'BARBARA'), (4, 'ELIZABETH'), (5, 'JENNIFER'), (6, 'MARIA'),
           (7, 'SUSAN'), (8, 'MARGARET'), (9, 'DOROTHY'), (10, 'LISA'), (11, 'NANCY'), (12, 'KAREN'), (13, 'BETTY'),
           (14, 'HELEN'), (15, 'SANDRA'), (16, 'DONNA'), (17, 'CAROL'), (18, 'RUTH'), (19, 'SHARON')),
last_names (k, name) AS (
    VALUES (0, 'SMITH'), (1, 'JOHNSON'), (2, 'WILLIAMS'), (3, 'JONES'), (4, 'BROWN'), (5, 'DAVIS'), (6, 'MILLER'),
           (7, 'WILSON'), (8, 'MOORE'), (9, 'TAYLOR'), (10, 'ANDERSON'), (11, 'THOMAS'), (12, 'JACKSON'), (13, 'WHITE'),
           (14, 'HARRIS'), (15, 'MARTIN'), (16, 'THOMPSON'), (17, 'GARCIA'), (18, 'MARTINEZ'), (19, 'ROBINSON')),
customers (i) AS (
    SELECT i FROM generate_series(1, (SELECT scale FROM pg_temp.gw_corpus)) AS i)
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
       DATE '2021-06-01' + (i * 3) % 250,
       TIMESTAMP '2022-02-15 09:57:20',
       CASE WHEN i % 15 = 0 THEN 0 ELSE 1 END
  FROM customers
  JOIN first_names AS f ON f.k = (i - 1) % 20
  JOIN last_names AS l ON l.k = ((i - 1) + (i - 1) / 20) % 20;

-- One to four rentals a customer (rental_id = (customer_id - 1) * 4 + n); a few not returned yet.
INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date, staff_id, last_update)
SELECT (c.customer_id - 1) * 4 + n,
       rented,
       1 + (c.customer_id * 13 + n * 7) % 200,
       c.customer_id,
       CASE WHEN (c.customer_id + n) % 9 = 0 THEN NULL ELSE rented + (1 + (c.customer_id + n) % 7) * INTERVAL '1 day' END,
       1 + (c.customer_id + n) % 2,
       TIMESTAMP '2022-06-16 02:30:53'
  FROM customer AS c
 CROSS JOIN LATERAL generate_series(1, 1 + c.customer_id % 4) AS n
 CROSS JOIN LATERAL (SELECT TIMESTAMP '2022-05-24 22:00:00'
                            + ((c.customer_id * 7 + n * 3) % 60) * INTERVAL '1 day'
                            + ((c.customer_id * 37 + n * 11) % 600) * INTERVAL '1 minute' AS rented) AS t;

-- A payment for most rentals (payment_id = rental_id), taken by the staff member who rented it out.
INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date)
SELECT r.rental_id, r.customer_id, r.staff_id, r.rental_id,
       (99 + ((r.customer_id * 3 + r.rental_id) % 5) * 100) / 100.0,
       r.rental_date + (r.rental_id % 90) * INTERVAL '1 minute'
  FROM rental AS r
 WHERE (r.customer_id + r.rental_id) % 6 <> 0;
