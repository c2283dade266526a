-- Fills Chinook for the number of customers in temp.gw_corpus (scale), set-based and deterministic,
-- with the same rows as data.postgres.sql (see there for what each customer has): recursive CTEs
-- stand in for generate_series, datetime() for interval arithmetic, and CROSS JOIN with WHERE for
-- JOIN … ON, which keeps the numbered rows the outer loop of SQLite's plans (with JOINs, a
-- six-way join to the name lists took minutes at scale 10,000). Every statement satisfies the
-- foreign keys when it ends ("ReportsTo" points at rows of the same statement).

INSERT INTO "MediaType" ("MediaTypeId", "Name") VALUES
    (1, 'MPEG audio file'), (2, 'Protected AAC audio file'), (3, 'Protected MPEG-4 video file'),
    (4, 'Purchased AAC audio file'), (5, 'AAC audio file');

INSERT INTO "Genre" ("GenreId", "Name") VALUES
    (1, 'Rock'), (2, 'Jazz'), (3, 'Metal'), (4, 'Alternative & Punk'), (5, 'Rock And Roll'),
    (6, 'Blues'), (7, 'Latin'), (8, 'Reggae'), (9, 'Pop'), (10, 'Soundtrack');

WITH RECURSIVE artists (a) AS (SELECT 1 UNION ALL SELECT a + 1 FROM artists WHERE a < 25),
adjectives (k, word) AS (VALUES (0, 'Velvet'), (1, 'Neon'), (2, 'Silver'), (3, 'Paper'), (4, 'Midnight')),
nouns (k, word) AS (VALUES (0, 'Foxes'), (1, 'Engines'), (2, 'Tides'), (3, 'Lanterns'), (4, 'Choir'))
INSERT INTO "Artist" ("ArtistId", "Name")
SELECT a, adjectives.word || ' ' || nouns.word
  FROM artists
 CROSS JOIN adjectives
 CROSS JOIN nouns
 WHERE adjectives.k = (a - 1) % 5
   AND nouns.k = (a - 1) / 5;

WITH RECURSIVE albums (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM albums WHERE k < 40),
firsts (k, word) AS (VALUES (0, 'Northern'), (1, 'Quiet'), (2, 'Broken'), (3, 'Electric'), (4, 'Golden'), (5, 'Hollow'), (6, 'Wild'), (7, 'Distant')),
seconds (k, word) AS (VALUES (0, 'Lights'), (1, 'Roads'), (2, 'Hearts'), (3, 'Skies'), (4, 'Rooms'))
INSERT INTO "Album" ("AlbumId", "Title", "ArtistId")
SELECT albums.k, firsts.word || ' ' || seconds.word, 1 + (albums.k - 1) % 25
  FROM albums
 CROSS JOIN firsts
 CROSS JOIN seconds
 WHERE firsts.k = (albums.k - 1) % 8
   AND seconds.k = (albums.k - 1) / 8;

WITH RECURSIVE numbers (t) AS (SELECT 1 UNION ALL SELECT t + 1 FROM numbers WHERE t < 200),
verbs (k, word) AS (
    VALUES (0, 'Falling'), (1, 'Running'), (2, 'Waiting'), (3, 'Dancing'), (4, 'Burning'),
           (5, 'Drifting'), (6, 'Singing'), (7, 'Calling'), (8, 'Breaking'), (9, 'Shining')),
things (k, word) AS (
    VALUES (0, 'Rain'), (1, 'Home'), (2, 'Fire'), (3, 'Water'), (4, 'Stars'), (5, 'Glass'), (6, 'Stone'),
           (7, 'Light'), (8, 'Shadows'), (9, 'Summer'), (10, 'Winter'), (11, 'Rivers'), (12, 'Mountains'),
           (13, 'Streets'), (14, 'Windows'), (15, 'Bridges'), (16, 'Echoes'), (17, 'Dreams'), (18, 'Wires'), (19, 'Clouds')),
composers (k, name) AS (
    VALUES (0, 'A. Lindgren'), (1, 'M. Okoye'), (2, 'J. Müller, P. Costa'), (3, 'R. Sato'),
           (4, 'L. Ferreira'), (5, 'D. O''Brien'), (6, 'H. Dvořák'), (7, 'S. Nguyen, T. Berg')),
tracks (t, media) AS (
    SELECT t, CASE WHEN t % 20 = 0 THEN 3 WHEN t % 7 = 0 THEN 2 WHEN t % 11 = 0 THEN 4 ELSE 1 END
      FROM numbers)
INSERT INTO "Track" ("TrackId", "Name", "AlbumId", "MediaTypeId", "GenreId", "Composer", "Milliseconds", "Bytes", "UnitPrice")
SELECT t, verbs.word || ' ' || things.word, 1 + (t - 1) / 5, media, 1 + ((t - 1) / 5) % 10,
       CASE WHEN t % 3 = 0 THEN NULL ELSE composers.name END,
       150000 + (t * 7919) % 200000,
       (150000 + (t * 7919) % 200000) * 32 + t % 1000,
       CASE WHEN media = 3 THEN 1.99 ELSE 0.99 END
  FROM tracks
 CROSS JOIN verbs
 CROSS JOIN things
 CROSS JOIN composers
 WHERE verbs.k = (t - 1) % 10
   AND things.k = (t - 1) / 10
   AND composers.k = t % 8;

INSERT INTO "Playlist" ("PlaylistId", "Name") VALUES
    (1, 'Music'), (2, 'Movies'), (3, 'TV Shows'), (4, 'Audiobooks'), (5, '90’s Music'),
    (6, 'Classical'), (7, 'Late Night'), (8, 'Road Trip'), (9, 'On-The-Go 1'), (10, 'Música Brasileira');

WITH RECURSIVE playlists (p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM playlists WHERE p < 10),
tracks (t) AS (SELECT 1 UNION ALL SELECT t + 1 FROM tracks WHERE t < 200)
INSERT INTO "PlaylistTrack" ("PlaylistId", "TrackId")
SELECT p, t
  FROM playlists CROSS JOIN tracks
 WHERE (t + p * 3) % 7 = 0;

-- One statement: "ReportsTo" points at rows of the same statement.
INSERT INTO "Employee" ("EmployeeId", "LastName", "FirstName", "Title", "ReportsTo", "BirthDate", "HireDate",
                        "Address", "City", "State", "Country", "PostalCode", "Phone", "Fax", "Email") VALUES
    (1, 'Okafor', 'Grace', 'General Manager', NULL, '1968-03-14 00:00:00', '2019-08-14 00:00:00',
     '410 Ridge Road NW', 'Edmonton', 'AB', 'Canada', 'T5K 1A1', '+1 (780) 555-0101', '+1 (780) 555-0102', 'grace@chinookcorp.com'),
    (2, 'Lindqvist', 'Erik', 'Sales Manager', 1, '1962-02-18 00:00:00', '2019-08-14 00:00:00',
     '12 Bow Trail SW', 'Calgary', 'AB', 'Canada', 'T2P 1B2', '+1 (403) 555-0111', '+1 (403) 555-0112', 'erik@chinookcorp.com'),
    (3, 'Moreau', 'Claire', 'Sales Support Agent', 2, '1979-08-29 00:00:00', '2020-04-01 00:00:00',
     '88 Elbow Drive SW', 'Calgary', 'AB', 'Canada', 'T2P 3C4', '+1 (403) 555-0121', '+1 (403) 555-0122', 'claire@chinookcorp.com'),
    (4, 'Tanaka', 'Ken', 'Sales Support Agent', 2, '1983-09-19 00:00:00', '2020-05-03 00:00:00',
     '305 Prairie Way SW', 'Calgary', 'AB', 'Canada', 'T2P 4D5', '+1 (403) 555-0131', '+1 (403) 555-0132', 'ken@chinookcorp.com'),
    (5, 'Silva', 'Rafael', 'Sales Support Agent', 2, '1977-03-03 00:00:00', '2021-10-17 00:00:00',
     '7 Foothills Close', 'Calgary', 'AB', 'Canada', 'T3B 2E6', '+1 (403) 555-0141', '+1 (403) 555-0142', 'rafael@chinookcorp.com'),
    (6, 'Novak', 'Petra', 'IT Manager', 1, '1983-07-01 00:00:00', '2021-10-17 00:00:00',
     '2240 Chinook Crescent NW', 'Calgary', 'AB', 'Canada', 'T3B 3F7', '+1 (403) 555-0151', '+1 (403) 555-0152', 'petra@chinookcorp.com'),
    (7, 'Byrne', 'Liam', 'IT Staff', 6, '1980-05-29 00:00:00', '2022-01-02 00:00:00',
     '61 Coulee Road W', 'Lethbridge', 'AB', 'Canada', 'T1K 4G8', '+1 (403) 555-0161', '+1 (403) 555-0162', 'liam@chinookcorp.com'),
    (8, 'Haddad', 'Nadia', 'IT Staff', 6, '1978-01-09 00:00:00', '2022-03-04 00:00:00',
     '9 Oldman Lane N', 'Lethbridge', 'AB', 'Canada', 'T1H 5H9', '+1 (403) 555-0171', '+1 (403) 555-0171', 'nadia@chinookcorp.com');

WITH RECURSIVE customers (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM customers WHERE i < (SELECT scale FROM temp.gw_corpus)),
first_names (k, name, ascii) AS (
    VALUES (0, 'Luís', 'luis'), (1, 'Bjørn', 'bjorn'), (2, 'François', 'francois'), (3, 'Helena', 'helena'),
           (4, 'Astrid', 'astrid'), (5, 'Jennifer', 'jennifer'), (6, 'Frank', 'frank'), (7, 'Mark', 'mark'),
           (8, 'Emma', 'emma'), (9, 'Fernanda', 'fernanda'), (10, 'Daan', 'daan'), (11, 'Kara', 'kara'),
           (12, 'Eduardo', 'eduardo'), (13, 'Alexandre', 'alexandre'), (14, 'Roberto', 'roberto'), (15, 'Camille', 'camille'),
           (16, 'Dominique', 'dominique'), (17, 'Hugh', 'hugh'), (18, 'Lucas', 'lucas'), (19, 'Puja', 'puja')),
last_names (k, name, ascii) AS (
    VALUES (0, 'Gonçalves', 'goncalves'), (1, 'Köhler', 'kohler'), (2, 'Tremblay', 'tremblay'), (3, 'Holý', 'holy'),
           (4, 'Schröder', 'schroder'), (5, 'Peterson', 'peterson'), (6, 'Harris', 'harris'), (7, 'Philips', 'philips'),
           (8, 'Jacobs', 'jacobs'), (9, 'Ramos', 'ramos'), (10, 'Peeters', 'peeters'), (11, 'Nielsen', 'nielsen'),
           (12, 'Martins', 'martins'), (13, 'Rocha', 'rocha'), (14, 'Almeida', 'almeida'), (15, 'Dubois', 'dubois'),
           (16, 'Lefebvre', 'lefebvre'), (17, 'O''Reilly', 'oreilly'), (18, 'Mercier', 'mercier'), (19, 'Srivastava', 'srivastava')),
places (k, city, state, country, calling) AS (
    VALUES (0, 'São José dos Campos', 'SP', 'Brazil', '55'), (1, 'Stuttgart', NULL, 'Germany', '49'),
           (2, 'Montréal', 'QC', 'Canada', '1'), (3, 'Oslo', NULL, 'Norway', '47'),
           (4, 'Praha', NULL, 'Czech Republic', '420'), (5, 'Wien', NULL, 'Austria', '43'),
           (6, 'Brussels', NULL, 'Belgium', '32'), (7, 'København', NULL, 'Denmark', '45'),
           (8, 'Cupertino', 'CA', 'USA', '1'), (9, 'Lisboa', NULL, 'Portugal', '351'),
           (10, 'Paris', NULL, 'France', '33'), (11, 'Helsinki', NULL, 'Finland', '358')),
streets (k, name) AS (
    VALUES (0, 'Avenida Brigadeiro Faria Lima'), (1, 'Theodor-Heuss-Straße'), (2, 'Rue Sherbrooke Ouest'), (3, 'Ullevålsveien'),
           (4, 'Klanova'), (5, 'Rotenturmstraße'), (6, 'Grétrystraat'), (7, 'Sønder Boulevard'), (8, 'Orchard Loop'), (9, 'Rua da Assunção')),
companies (k, name) AS (
    VALUES (0, 'Aeronáutica do Vale S.A.'), (1, 'Kódek s.r.o.'), (2, 'Bosque Discos'),
           (3, 'Banco da Serra S.A.'), (4, 'Rio Turismo'), (5, 'Northwind Telecom'), (6, 'Maple Media'), (7, 'Example Inc.')),
domains (k, name) AS (
    VALUES (0, 'example.com'), (1, 'example.net'), (2, 'example.org'), (3, 'mail.example'), (4, 'post.example'), (5, 'inbox.example'))
INSERT INTO "Customer" ("CustomerId", "FirstName", "LastName", "Company", "Address", "City", "State", "Country",
                        "PostalCode", "Phone", "Fax", "Email", "SupportRepId")
SELECT i, f.name, l.name,
       CASE WHEN i % 4 = 1 THEN c.name END,
       ((i * 53) % 9000 + 10) || ' ' || s.name,
       p.city, p.state, p.country,
       ((i * 7919) % 90000 + 10000) || '',
       '+' || p.calling || ' ' || ((i * 104729) % 900000000 + 100000000),
       CASE WHEN i % 3 = 0 THEN '+' || p.calling || ' ' || ((i * 104729 + 1) % 900000000 + 100000000) END,
       f.ascii || '.' || l.ascii || CASE WHEN i > 400 THEN '.' || i ELSE '' END || '@' || d.name,
       3 + i % 3
  FROM customers
 CROSS JOIN first_names AS f
 CROSS JOIN last_names AS l
 CROSS JOIN places AS p
 CROSS JOIN streets AS s
 CROSS JOIN companies AS c
 CROSS JOIN domains AS d
 WHERE f.k = (i - 1) % 20
   AND l.k = ((i - 1) + (i - 1) / 20) % 20
   AND p.k = i % 12
   AND s.k = i % 12 % 10
   AND c.k = (i / 4) % 8
   AND d.k = i % 6;

-- Twins: the same email as the customer before, but for the case of its first letter.
UPDATE "Customer"
   SET "Email" = (SELECT upper(substr(p."Email", 1, 1)) || substr(p."Email", 2)
                    FROM "Customer" AS p
                   WHERE p."CustomerId" = "Customer"."CustomerId" - 1)
 WHERE "CustomerId" % 25 = 12;

WITH numbers (n) AS (VALUES (1), (2), (3), (4)),
streets (k, name) AS (
    VALUES (0, 'Avenida Brigadeiro Faria Lima'), (1, 'Theodor-Heuss-Straße'), (2, 'Rue Sherbrooke Ouest'), (3, 'Ullevålsveien'),
           (4, 'Klanova'), (5, 'Rotenturmstraße'), (6, 'Grétrystraat'), (7, 'Sønder Boulevard'), (8, 'Orchard Loop'), (9, 'Rua da Assunção'))
INSERT INTO "Invoice" ("InvoiceId", "CustomerId", "InvoiceDate", "BillingAddress", "BillingCity", "BillingState",
                       "BillingCountry", "BillingPostalCode", "Total")
SELECT (c."CustomerId" - 1) * 4 + n, c."CustomerId",
       datetime('2021-01-01 00:00:00', '+' || ((c."CustomerId" * 11 + n * 47) % 1460) || ' days'),
       CASE WHEN n = 1 AND c."CustomerId" % 5 = 2 THEN ((c."CustomerId" * 29) % 9000 + 10) || ' ' || s.name ELSE c."Address" END,
       c."City", c."State", c."Country", c."PostalCode",
       0
  FROM "Customer" AS c
 CROSS JOIN numbers
 CROSS JOIN streets AS s
 WHERE n <= CASE WHEN c."CustomerId" % 10 = 0 THEN 0 ELSE 1 + c."CustomerId" % 4 END
   AND s.k = (c."CustomerId" + 3) % 10;

WITH numbers (m) AS (VALUES (1), (2), (3), (4), (5))
INSERT INTO "InvoiceLine" ("InvoiceLineId", "InvoiceId", "TrackId", "UnitPrice", "Quantity")
SELECT (v."InvoiceId" - 1) * 5 + m, v."InvoiceId", t."TrackId", t."UnitPrice", 1
  FROM "Invoice" AS v
 CROSS JOIN numbers
 CROSS JOIN "Track" AS t
 WHERE m <= 1 + v."InvoiceId" % 5
   AND t."TrackId" = 1 + (v."InvoiceId" * 7 + m * 13) % 200;

UPDATE "Invoice"
   SET "Total" = (SELECT SUM(CAST(ROUND(l."UnitPrice" * 100) AS integer) * l."Quantity")
                    FROM "InvoiceLine" AS l
                   WHERE l."InvoiceId" = "Invoice"."InvoiceId") / 100.0;
