-- storefront: a small web shop of a common open-source shape, SQLite 3. The corpus's
-- benchmark schema.
--
-- Like many shops grown from a framework's defaults, it declares no foreign keys and no secondary
-- indexes, only primary keys, and most parent rows are shared: an address is home to several
-- customers, to staff, and the destination of orders and the billing address of cards. Keys come
-- in every shape: a text email (customer), integers, a composite key containing a timestamp
-- (visit) and a binary one (device). visit also records visitors who never became customers.
-- The same tables and columns as schema.postgres.sql; times are text 'YYYY-MM-DD HH:MM:SS', dates
-- 'YYYY-MM-DD', bytea is blob. Having no foreign keys, it is its own no-FK
-- variant; schema-nofk.sqlite.sql is the same tables, for loaders that want one in every folder.

CREATE TABLE address (
    id      integer PRIMARY KEY,
    street  text    NOT NULL,
    city    text    NOT NULL,
    zip     text    NOT NULL
);

CREATE TABLE customer (
    email       text      PRIMARY KEY,
    full_name   text      NOT NULL,
    phone       text,
    address_id  integer,
    created_at  timestamp NOT NULL
);

CREATE TABLE staff (
    staff_id    integer PRIMARY KEY,
    full_name   text    NOT NULL,
    address_id  integer
);

CREATE TABLE orders (
    order_id        integer       PRIMARY KEY,
    customer_email  text,
    address_id      integer,
    total           numeric(10,2) NOT NULL,
    placed_at       timestamp     NOT NULL
);

CREATE TABLE card (
    card_id         integer PRIMARY KEY,
    customer_email  text    NOT NULL,
    address_id      integer,
    holder          text    NOT NULL,
    last4           text    NOT NULL
);

CREATE TABLE visit (
    email       text      NOT NULL,
    last_visit  timestamp NOT NULL,
    page        text      NOT NULL,
    PRIMARY KEY (email, last_visit)
);

CREATE TABLE device (
    fingerprint  blob  PRIMARY KEY,
    email        text  NOT NULL,
    seen_on      date  NOT NULL
);

-- @constraints
