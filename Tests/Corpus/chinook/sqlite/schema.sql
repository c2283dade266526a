-- Chinook, the digital music store sample (Luis Rocha's, modelled on iTunes), SQLite 3.
--
-- The same tables, columns and keys as schema.postgres.sql, with the types Chinook's SQLite script
-- uses (INTEGER, NVARCHAR(n), DATETIME, NUMERIC(10,2)); see there for what is simplified.
-- SQLite cannot add a foreign key to an existing table, so the foreign keys are inline here and
-- schema-nofk.sqlite.sql is the variant without foreign keys and without secondary indexes.
-- Times are text 'YYYY-MM-DD HH:MM:SS'.

CREATE TABLE "Artist" (
    "ArtistId"  INTEGER      PRIMARY KEY,
    "Name"      NVARCHAR(120)
);

CREATE TABLE "Album" (
    "AlbumId"   INTEGER      PRIMARY KEY,
    "Title"     NVARCHAR(160) NOT NULL,
    "ArtistId"  INTEGER      NOT NULL REFERENCES "Artist" ("ArtistId") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "MediaType" (
    "MediaTypeId"  INTEGER      PRIMARY KEY,
    "Name"         NVARCHAR(120)
);

CREATE TABLE "Genre" (
    "GenreId"  INTEGER      PRIMARY KEY,
    "Name"     NVARCHAR(120)
);

CREATE TABLE "Track" (
    "TrackId"       INTEGER       PRIMARY KEY,
    "Name"          NVARCHAR(200)  NOT NULL,
    "AlbumId"       INTEGER REFERENCES "Album" ("AlbumId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "MediaTypeId"   INTEGER       NOT NULL REFERENCES "MediaType" ("MediaTypeId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "GenreId"       INTEGER REFERENCES "Genre" ("GenreId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "Composer"      NVARCHAR(220),
    "Milliseconds"  INTEGER       NOT NULL,
    "Bytes"         INTEGER,
    "UnitPrice"     NUMERIC(10,2) NOT NULL
);

CREATE TABLE "Playlist" (
    "PlaylistId"  INTEGER      PRIMARY KEY,
    "Name"        NVARCHAR(120)
);

CREATE TABLE "PlaylistTrack" (
    "PlaylistId"  INTEGER NOT NULL REFERENCES "Playlist" ("PlaylistId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "TrackId"     INTEGER NOT NULL REFERENCES "Track" ("TrackId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    PRIMARY KEY ("PlaylistId", "TrackId")
);

CREATE TABLE "Employee" (
    "EmployeeId"  INTEGER     PRIMARY KEY,
    "LastName"    NVARCHAR(20) NOT NULL,
    "FirstName"   NVARCHAR(20) NOT NULL,
    "Title"       NVARCHAR(30),
    "ReportsTo"   INTEGER REFERENCES "Employee" ("EmployeeId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "BirthDate"   DATETIME,
    "HireDate"    DATETIME,
    "Address"     NVARCHAR(70),
    "City"        NVARCHAR(40),
    "State"       NVARCHAR(40),
    "Country"     NVARCHAR(40),
    "PostalCode"  NVARCHAR(10),
    "Phone"       NVARCHAR(24),
    "Fax"         NVARCHAR(24),
    "Email"       NVARCHAR(60)
);

CREATE TABLE "Customer" (
    "CustomerId"    INTEGER     PRIMARY KEY,
    "FirstName"     NVARCHAR(40) NOT NULL,
    "LastName"      NVARCHAR(20) NOT NULL,
    "Company"       NVARCHAR(80),
    "Address"       NVARCHAR(70),
    "City"          NVARCHAR(40),
    "State"         NVARCHAR(40),
    "Country"       NVARCHAR(40),
    "PostalCode"    NVARCHAR(10),
    "Phone"         NVARCHAR(24),
    "Fax"           NVARCHAR(24),
    "Email"         NVARCHAR(60) NOT NULL,
    "SupportRepId"  INTEGER REFERENCES "Employee" ("EmployeeId") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "Invoice" (
    "InvoiceId"          INTEGER       PRIMARY KEY,
    "CustomerId"         INTEGER REFERENCES "Customer" ("CustomerId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "InvoiceDate"        DATETIME     NOT NULL,
    "BillingAddress"     NVARCHAR(70),
    "BillingCity"        NVARCHAR(40),
    "BillingState"       NVARCHAR(40),
    "BillingCountry"     NVARCHAR(40),
    "BillingPostalCode"  NVARCHAR(10),
    "Total"              NUMERIC(10,2) NOT NULL
);

CREATE TABLE "InvoiceLine" (
    "InvoiceLineId"  INTEGER       PRIMARY KEY,
    "InvoiceId"      INTEGER       NOT NULL REFERENCES "Invoice" ("InvoiceId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "TrackId"        INTEGER       NOT NULL REFERENCES "Track" ("TrackId") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "UnitPrice"      NUMERIC(10,2) NOT NULL,
    "Quantity"       INTEGER       NOT NULL
);

-- @constraints
-- Chinook's indexes on its foreign keys (the foreign keys are inline above).

CREATE INDEX "IFK_AlbumArtistId" ON "Album" ("ArtistId");
CREATE INDEX "IFK_TrackAlbumId" ON "Track" ("AlbumId");
CREATE INDEX "IFK_TrackGenreId" ON "Track" ("GenreId");
CREATE INDEX "IFK_TrackMediaTypeId" ON "Track" ("MediaTypeId");
CREATE INDEX "IFK_PlaylistTrackTrackId" ON "PlaylistTrack" ("TrackId");
CREATE INDEX "IFK_EmployeeReportsTo" ON "Employee" ("ReportsTo");
CREATE INDEX "IFK_CustomerSupportRepId" ON "Customer" ("SupportRepId");
CREATE INDEX "IFK_InvoiceCustomerId" ON "Invoice" ("CustomerId");
CREATE INDEX "IFK_InvoiceLineInvoiceId" ON "InvoiceLine" ("InvoiceId");
CREATE INDEX "IFK_InvoiceLineTrackId" ON "InvoiceLine" ("TrackId");
