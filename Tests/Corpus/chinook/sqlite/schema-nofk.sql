-- Chinook, SQLite 3: the variant without foreign keys and without secondary indexes.
--
-- The tables and columns of schema.sqlite.sql with every REFERENCES clause removed and none of
-- its indexes (only primary keys), for the tests of data maps that declare their references.
-- Generated from schema.sqlite.sql; keep the two in step.

CREATE TABLE "Artist" (
    "ArtistId"  INTEGER      PRIMARY KEY,
    "Name"      NVARCHAR(120)
);

CREATE TABLE "Album" (
    "AlbumId"   INTEGER      PRIMARY KEY,
    "Title"     NVARCHAR(160) NOT NULL,
    "ArtistId"  INTEGER      NOT NULL
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
    "AlbumId"       INTEGER,
    "MediaTypeId"   INTEGER       NOT NULL,
    "GenreId"       INTEGER,
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
    "PlaylistId"  INTEGER NOT NULL,
    "TrackId"     INTEGER NOT NULL,
    PRIMARY KEY ("PlaylistId", "TrackId")
);

CREATE TABLE "Employee" (
    "EmployeeId"  INTEGER     PRIMARY KEY,
    "LastName"    NVARCHAR(20) NOT NULL,
    "FirstName"   NVARCHAR(20) NOT NULL,
    "Title"       NVARCHAR(30),
    "ReportsTo"   INTEGER,
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
    "SupportRepId"  INTEGER
);

CREATE TABLE "Invoice" (
    "InvoiceId"          INTEGER       PRIMARY KEY,
    "CustomerId"         INTEGER,
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
    "InvoiceId"      INTEGER       NOT NULL,
    "TrackId"        INTEGER       NOT NULL,
    "UnitPrice"      NUMERIC(10,2) NOT NULL,
    "Quantity"       INTEGER       NOT NULL
);

-- @constraints
