-- Pagila, the PostgreSQL port of MySQL's Sakila DVD-rental sample, SQLite 3.
--
-- The same tables, columns and keys as schema.postgres.sql (see there for what is simplified).
-- SQLite cannot add a foreign key to an existing table, so the foreign keys are inline here and
-- schema-nofk.sqlite.sql is the variant without foreign keys and without secondary indexes.
-- Times are text 'YYYY-MM-DD HH:MM:SS', dates 'YYYY-MM-DD', booleans 0/1, bytea is blob.
-- staff.store_id and store.manager_staff_id reference each other: data.sqlite.sql defers foreign
-- key checks to the end of its transaction (PRAGMA defer_foreign_keys).

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
    country_id   smallint    NOT NULL REFERENCES country (country_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Shared by customers, staff and stores.
CREATE TABLE address (
    address_id   integer     PRIMARY KEY,
    address      varchar(50) NOT NULL,
    address2     varchar(50),
    district     varchar(20) NOT NULL,
    city_id      smallint    NOT NULL REFERENCES city (city_id) ON UPDATE CASCADE ON DELETE RESTRICT,
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
    language_id           smallint     NOT NULL REFERENCES language (language_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    original_language_id  smallint     REFERENCES language (language_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    rental_duration       smallint     NOT NULL DEFAULT 3,
    rental_rate           numeric(4,2) NOT NULL DEFAULT 4.99,
    length                smallint,
    replacement_cost      numeric(5,2) NOT NULL DEFAULT 19.99,
    rating                varchar(5)   DEFAULT 'G' CHECK (rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17')),
    last_update           timestamp    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    special_features      text
);

CREATE TABLE film_actor (
    actor_id     smallint  NOT NULL REFERENCES actor (actor_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    film_id      smallint  NOT NULL REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (actor_id, film_id)
);

CREATE TABLE film_category (
    film_id      smallint  NOT NULL REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    category_id  smallint  NOT NULL REFERENCES category (category_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (film_id, category_id)
);

CREATE TABLE staff (
    staff_id     integer     PRIMARY KEY,
    first_name   varchar(45) NOT NULL,
    last_name    varchar(45) NOT NULL,
    address_id   integer     NOT NULL REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    email        varchar(50),
    store_id     smallint    NOT NULL REFERENCES store (store_id),
    active       boolean     NOT NULL DEFAULT 1,
    username     varchar(16) NOT NULL,
    password     varchar(40),
    last_update  timestamp   NOT NULL DEFAULT CURRENT_TIMESTAMP,
    picture      blob
);

CREATE TABLE store (
    store_id          integer   PRIMARY KEY,
    manager_staff_id  integer   NOT NULL REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    address_id        integer   NOT NULL REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update       timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE customer (
    customer_id  integer     PRIMARY KEY,
    store_id     smallint    NOT NULL REFERENCES store (store_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    first_name   varchar(45) NOT NULL,
    last_name    varchar(45) NOT NULL,
    email        varchar(50),
    address_id   integer     NOT NULL REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    activebool   boolean     NOT NULL DEFAULT 1,
    create_date  date        NOT NULL DEFAULT CURRENT_DATE,
    last_update  timestamp   DEFAULT CURRENT_TIMESTAMP,
    active       integer
);

CREATE TABLE inventory (
    inventory_id  integer   PRIMARY KEY,
    film_id       smallint  NOT NULL REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    store_id      smallint  NOT NULL REFERENCES store (store_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update   timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE rental (
    rental_id     integer   PRIMARY KEY,
    rental_date   timestamp NOT NULL,
    inventory_id  integer   NOT NULL REFERENCES inventory (inventory_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    customer_id   integer   NOT NULL REFERENCES customer (customer_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    return_date   timestamp,
    staff_id      integer   NOT NULL REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    last_update   timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE payment (
    payment_id    integer      PRIMARY KEY,
    customer_id   integer      REFERENCES customer (customer_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    staff_id      integer      NOT NULL REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT,
    rental_id     integer      REFERENCES rental (rental_id) ON UPDATE CASCADE ON DELETE SET NULL,
    amount        numeric(5,2) NOT NULL,
    payment_date  timestamp    NOT NULL
);

-- @constraints
-- Pagila's secondary indexes (the foreign keys are inline above).

CREATE INDEX idx_actor_last_name ON actor (last_name);
CREATE INDEX idx_fk_country_id ON city (country_id);
CREATE INDEX idx_fk_city_id ON address (city_id);
CREATE INDEX idx_title ON film (title);
CREATE INDEX idx_fk_language_id ON film (language_id);
CREATE INDEX idx_fk_original_language_id ON film (original_language_id);
CREATE INDEX idx_fk_film_id ON film_actor (film_id);
CREATE INDEX idx_fk_store_id ON customer (store_id);
CREATE INDEX idx_fk_address_id ON customer (address_id);
CREATE INDEX idx_last_name ON customer (last_name);
CREATE INDEX idx_store_id_film_id ON inventory (store_id, film_id);
CREATE UNIQUE INDEX idx_unq_manager_staff_id ON store (manager_staff_id);
CREATE INDEX idx_fk_inventory_id ON rental (inventory_id);
CREATE UNIQUE INDEX idx_unq_rental_rental_date_inventory_id_customer_id ON rental (rental_date, inventory_id, customer_id);
CREATE INDEX idx_fk_customer_id ON payment (customer_id);
CREATE INDEX idx_fk_staff_id ON payment (staff_id);
CREATE INDEX idx_fk_rental_id ON payment (rental_id);
