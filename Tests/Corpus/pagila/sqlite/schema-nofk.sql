-- Pagila, SQLite 3: the variant without foreign keys and without secondary indexes.
--
-- The tables and columns of schema.sqlite.sql with every REFERENCES clause removed and none of
-- its indexes (only primary keys), for the tests of data maps that declare their references.
-- Generated from schema.sqlite.sql; keep the two in step.

CREATE TABLE actor (
    actor_id     integer     PRIMARY KEY,
    first_name   varchar(45) NOT NULL,
    last_name    varchar(45) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE category (
    category_id  integer     PRIMARY KEY,
    name         varchar(25) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE country (
    country_id   integer     PRIMARY KEY,
    country      varchar(50) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE city (
    city_id      integer     PRIMARY KEY,
    city         varchar(50) NOT NULL,
    country_id   smallint    NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Shared by customers, staff and stores.
CREATE TABLE address (
    address_id   integer     PRIMARY KEY,
    address      varchar(50) NOT NULL,
    address2     varchar(50),
    district     varchar(20) NOT NULL,
    city_id      smallint    NOT NULL,
    postal_code  varchar(10),
    phone        varchar(20) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE language (
    language_id  integer     PRIMARY KEY,
    name         character(20) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE film (
    film_id               integer      PRIMARY KEY,
    title                 varchar(255) NOT NULL,
    description           text,
    release_year          integer      CHECK (release_year BETWEEN 1901 AND 2155),
    language_id           smallint     NOT NULL,
    original_language_id  smallint,
    rental_duration       smallint     NOT NULL DEFAULT 3,
    rental_rate           numeric(4,2) NOT NULL DEFAULT 4.99,
    length                smallint,
    replacement_cost      numeric(5,2) NOT NULL DEFAULT 19.99,
    rating                varchar(5)   DEFAULT 'G' CHECK (rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17')),
    last_update           timestamp    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    special_features      text
);

CREATE TABLE film_actor (
    actor_id     smallint  NOT NULL,
    film_id      smallint  NOT NULL,
    last_update  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (actor_id, film_id)
);

CREATE TABLE film_category (
    film_id      smallint  NOT NULL,
    category_id  smallint  NOT NULL,
    last_update  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (film_id, category_id)
);

CREATE TABLE staff (
    staff_id     integer     PRIMARY KEY,
    first_name   varchar(45) NOT NULL,
    last_name    varchar(45) NOT NULL,
    address_id   integer     NOT NULL,
    email        varchar(50),
    store_id     smallint    NOT NULL,
    active       boolean     NOT NULL DEFAULT 1,
    username     varchar(16) NOT NULL,
    password     varchar(40),
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP,
    picture      blob
);

CREATE TABLE store (
    store_id          integer   PRIMARY KEY,
    manager_staff_id  integer   NOT NULL,
    address_id        integer   NOT NULL,
    last_update       timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE customer (
    customer_id  integer     PRIMARY KEY,
    store_id     smallint    NOT NULL,
    first_name   varchar(45) NOT NULL,
    last_name    varchar(45) NOT NULL,
    email        varchar(50),
    address_id   integer     NOT NULL,
    activebool   boolean     NOT NULL DEFAULT 1,
    create_date  date        NOT NULL DEFAULT CURRENT_DATE,
    last_update  timestamp   DEFAULT CURRENT_TIMESTAMP,
    active       integer
);

CREATE TABLE inventory (
    inventory_id  integer   PRIMARY KEY,
    film_id       smallint  NOT NULL,
    store_id      smallint  NOT NULL,
    last_update   timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE rental (
    rental_id     integer   PRIMARY KEY,
    rental_date   timestamp NOT NULL,
    inventory_id  integer   NOT NULL,
    customer_id   integer   NOT NULL,
    return_date   timestamp,
    staff_id      integer   NOT NULL,
    last_update   timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE payment (
    payment_id    integer      PRIMARY KEY,
    customer_id   integer,
    staff_id      integer      NOT NULL,
    rental_id     integer,
    amount        numeric(5,2) NOT NULL,
    payment_date  timestamp    NOT NULL
);

-- @constraints
