-- Chinook, the digital music store sample (Luis Rocha's, modelled on iTunes), PostgreSQL 15.
--
-- Written from Chinook's public description (its tables, PascalCase columns, types and keys);
-- not copied from its scripts. Identifiers are PascalCase, so they are quoted everywhere.
-- Simplified: "Invoice"."CustomerId" allows NULL (Chinook: NOT NULL), because invoices are kept
-- for bookkeeping when their customer is deleted.
--
-- Everything before the `-- @constraints` line is the variant without foreign keys and without
-- secondary indexes; the constraints section adds them (Chinook's, all ON DELETE NO ACTION).

CREATE TABLE "Artist" (
    "ArtistId"  integer      PRIMARY KEY,
    "Name"      varchar(120)
);

CREATE TABLE "Album" (
    "AlbumId"   integer      PRIMARY KEY,
    "Title"     varchar(160) NOT NULL,
    "ArtistId"  integer      NOT NULL
);

CREATE TABLE "MediaType" (
    "MediaTypeId"  integer      PRIMARY KEY,
    "Name"         varchar(120)
);

CREATE TABLE "Genre" (
    "GenreId"  integer      PRIMARY KEY,
    "Name"     varchar(120)
);

CREATE TABLE "Track" (
    "TrackId"       integer       PRIMARY KEY,
    "Name"          varchar(200)  NOT NULL,
    "AlbumId"       integer,
    "MediaTypeId"   integer       NOT NULL,
    "GenreId"       integer,
    "Composer"      varchar(220),
    "Milliseconds"  integer       NOT NULL,
    "Bytes"         integer,
    "UnitPrice"     numeric(10,2) NOT NULL
);

CREATE TABLE "Playlist" (
    "PlaylistId"  integer      PRIMARY KEY,
    "Name"        varchar(120)
);

CREATE TABLE "PlaylistTrack" (
    "PlaylistId"  integer NOT NULL,
    "TrackId"     integer NOT NULL,
    PRIMARY KEY ("PlaylistId", "TrackId")
);

CREATE TABLE "Employee" (
    "EmployeeId"  integer     PRIMARY KEY,
    "LastName"    varchar(20) NOT NULL,
    "FirstName"   varchar(20) NOT NULL,
    "Title"       varchar(30),
    "ReportsTo"   integer,
    "BirthDate"   timestamp,
    "HireDate"    timestamp,
    "Address"     varchar(70),
    "City"        varchar(40),
    "State"       varchar(40),
    "Country"     varchar(40),
    "PostalCode"  varchar(10),
    "Phone"       varchar(24),
    "Fax"         varchar(24),
    "Email"       varchar(60)
);

CREATE TABLE "Customer" (
    "CustomerId"    integer     PRIMARY KEY,
    "FirstName"     varchar(40) NOT NULL,
    "LastName"      varchar(20) NOT NULL,
    "Company"       varchar(80),
    "Address"       varchar(70),
    "City"          varchar(40),
    "State"         varchar(40),
    "Country"       varchar(40),
    "PostalCode"    varchar(10),
    "Phone"         varchar(24),
    "Fax"           varchar(24),
    "Email"         varchar(60) NOT NULL,
    "SupportRepId"  integer
);

CREATE TABLE "Invoice" (
    "InvoiceId"          integer       PRIMARY KEY,
    "CustomerId"         integer,
    "InvoiceDate"        timestamp     NOT NULL,
    "BillingAddress"     varchar(70),
    "BillingCity"        varchar(40),
    "BillingState"       varchar(40),
    "BillingCountry"     varchar(40),
    "BillingPostalCode"  varchar(10),
    "Total"              numeric(10,2) NOT NULL
);

CREATE TABLE "InvoiceLine" (
    "InvoiceLineId"  integer       PRIMARY KEY,
    "InvoiceId"      integer       NOT NULL,
    "TrackId"        integer       NOT NULL,
    "UnitPrice"      numeric(10,2) NOT NULL,
    "Quantity"       integer       NOT NULL
);

-- @constraints
-- Chinook's foreign keys and their indexes.

ALTER TABLE "Album" ADD FOREIGN KEY ("ArtistId") REFERENCES "Artist" ("ArtistId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "Track" ADD FOREIGN KEY ("AlbumId") REFERENCES "Album" ("AlbumId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "Track" ADD FOREIGN KEY ("GenreId") REFERENCES "Genre" ("GenreId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "Track" ADD FOREIGN KEY ("MediaTypeId") REFERENCES "MediaType" ("MediaTypeId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "PlaylistTrack" ADD FOREIGN KEY ("PlaylistId") REFERENCES "Playlist" ("PlaylistId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "PlaylistTrack" ADD FOREIGN KEY ("TrackId") REFERENCES "Track" ("TrackId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "Employee" ADD FOREIGN KEY ("ReportsTo") REFERENCES "Employee" ("EmployeeId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "Customer" ADD FOREIGN KEY ("SupportRepId") REFERENCES "Employee" ("EmployeeId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "Invoice" ADD FOREIGN KEY ("CustomerId") REFERENCES "Customer" ("CustomerId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "InvoiceLine" ADD FOREIGN KEY ("InvoiceId") REFERENCES "Invoice" ("InvoiceId") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "InvoiceLine" ADD FOREIGN KEY ("TrackId") REFERENCES "Track" ("TrackId") ON DELETE NO ACTION ON UPDATE NO ACTION;

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
