-- Pagila, the PostgreSQL port of MySQL's Sakila DVD-rental sample, PostgreSQL 15.
--
-- Written from Pagila's public description (tables, columns, types, keys and their ON DELETE
-- actions); not copied from its dump. Simplified: no sequences, views, functions or triggers;
-- film.rating is varchar with a CHECK instead of the mpaa_rating enum, release_year integer
-- instead of the year domain, special_features text instead of text[], no fulltext column;
-- payment is one plain table, not partitioned; ids that grow with the scale are integer.
-- payment.customer_id and payment.rental_id allow NULL (Pagila: NOT NULL), because payments are
-- kept for bookkeeping when their customer and rentals are deleted.
--
-- Everything before the `-- @constraints` line is the variant without foreign keys and without
-- secondary indexes; the constraints section adds them.

CREATE TABLE actor (
    actor_id     integer     PRIMARY KEY,
    first_name   varchar(45) NOT NULL,
    last_name    varchar(45) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT now()
);

CREATE TABLE category (
    category_id  integer     PRIMARY KEY,
    name         varchar(25) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT now()
);

CREATE TABLE country (
    country_id   integer     PRIMARY KEY,
    country      varchar(50) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT now()
);

CREATE TABLE city (
    city_id      integer     PRIMARY KEY,
    city         varchar(50) NOT NULL,
    country_id   smallint    NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT now()
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
    last_update  timestamp   NOT NULL DEFAULT now()
);

CREATE TABLE language (
    language_id  integer     PRIMARY KEY,
    name         character(20) NOT NULL,
    last_update  timestamp   NOT NULL DEFAULT now()
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
    last_update           timestamp    NOT NULL DEFAULT now(),
    special_features      text
);

CREATE TABLE film_actor (
    actor_id     smallint  NOT NULL,
    film_id      smallint  NOT NULL,
    last_update  timestamp NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, film_id)
);

CREATE TABLE film_category (
    film_id      smallint  NOT NULL,
    category_id  smallint  NOT NULL,
    last_update  timestamp NOT NULL DEFAULT now(),
    PRIMARY KEY (film_id, category_id)
);

CREATE TABLE staff (
    staff_id     integer     PRIMARY KEY,
    first_name   varchar(45) NOT NULL,
    last_name    varchar(45) NOT NULL,
    address_id   integer     NOT NULL,
    email        varchar(50),
    store_id     smallint    NOT NULL,
    active       boolean     NOT NULL DEFAULT true,
    username     varchar(16) NOT NULL,
    password     varchar(40),
    last_update  timestamp   NOT NULL DEFAULT now(),
    picture      bytea
);

CREATE TABLE store (
    store_id          integer   PRIMARY KEY,
    manager_staff_id  integer   NOT NULL,
    address_id        integer   NOT NULL,
    last_update       timestamp NOT NULL DEFAULT now()
);

CREATE TABLE customer (
    customer_id  integer     PRIMARY KEY,
    store_id     smallint    NOT NULL,
    first_name   varchar(45) NOT NULL,
    last_name    varchar(45) NOT NULL,
    email        varchar(50),
    address_id   integer     NOT NULL,
    activebool   boolean     NOT NULL DEFAULT true,
    create_date  date        NOT NULL DEFAULT CURRENT_DATE,
    last_update  timestamp   DEFAULT now(),
    active       integer
);

CREATE TABLE inventory (
    inventory_id  integer   PRIMARY KEY,
    film_id       smallint  NOT NULL,
    store_id      smallint  NOT NULL,
    last_update   timestamp NOT NULL DEFAULT now()
);

CREATE TABLE rental (
    rental_id     integer   PRIMARY KEY,
    rental_date   timestamp NOT NULL,
    inventory_id  integer   NOT NULL,
    customer_id   integer   NOT NULL,
    return_date   timestamp,
    staff_id      integer   NOT NULL,
    last_update   timestamp NOT NULL DEFAULT now()
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
-- Foreign keys with Pagila's actions, and its secondary indexes.

ALTER TABLE city ADD FOREIGN KEY (country_id) REFERENCES country (country_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE address ADD FOREIGN KEY (city_id) REFERENCES city (city_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE film ADD FOREIGN KEY (language_id) REFERENCES language (language_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE film ADD FOREIGN KEY (original_language_id) REFERENCES language (language_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE film_actor ADD FOREIGN KEY (actor_id) REFERENCES actor (actor_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE film_actor ADD FOREIGN KEY (film_id) REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE film_category ADD FOREIGN KEY (film_id) REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE film_category ADD FOREIGN KEY (category_id) REFERENCES category (category_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE staff ADD FOREIGN KEY (address_id) REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE staff ADD FOREIGN KEY (store_id) REFERENCES store (store_id);
ALTER TABLE store ADD FOREIGN KEY (manager_staff_id) REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE store ADD FOREIGN KEY (address_id) REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE customer ADD FOREIGN KEY (address_id) REFERENCES address (address_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE customer ADD FOREIGN KEY (store_id) REFERENCES store (store_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE inventory ADD FOREIGN KEY (film_id) REFERENCES film (film_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE inventory ADD FOREIGN KEY (store_id) REFERENCES store (store_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE rental ADD FOREIGN KEY (inventory_id) REFERENCES inventory (inventory_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE rental ADD FOREIGN KEY (customer_id) REFERENCES customer (customer_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE rental ADD FOREIGN KEY (staff_id) REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE payment ADD FOREIGN KEY (customer_id) REFERENCES customer (customer_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE payment ADD FOREIGN KEY (staff_id) REFERENCES staff (staff_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE payment ADD FOREIGN KEY (rental_id) REFERENCES rental (rental_id) ON UPDATE CASCADE ON DELETE SET NULL;

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
