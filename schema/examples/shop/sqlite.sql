-- The gdpr-worker sample shop, SQLite. `gdpr-worker sample --customers N` creates and fills it.
--
-- The same tables and columns as postgres.sql, so one datamap.yaml serves both engines. Times are
-- UTC text ('YYYY-MM-DDTHH:MM:SS.SSSZ'), amounts integer cents.

CREATE TABLE addresses (
    id            INTEGER PRIMARY KEY,
    street        TEXT    NOT NULL,
    postal_code   TEXT    NOT NULL,
    city          TEXT    NOT NULL,
    country_code  TEXT    NOT NULL
);

CREATE TABLE customers (
    id                INTEGER PRIMARY KEY,
    customer_key      TEXT    NOT NULL UNIQUE,
    email             TEXT    NOT NULL,
    first_name        TEXT    NOT NULL,
    last_name         TEXT    NOT NULL,
    phone             TEXT,
    birth_date        DATE,
    loyalty_card      TEXT,
    address_id        INTEGER REFERENCES addresses (id),
    tier              TEXT    NOT NULL,
    marketing_opt_in  BOOLEAN NOT NULL,
    created_at        TEXT    NOT NULL
);

-- Keys of the same person: web sessions, devices and email addresses seen with the customer key.
CREATE TABLE customer_links (
    customer_key  TEXT NOT NULL,
    linked_key    TEXT NOT NULL,
    link_type     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (customer_key, linked_key)
);

-- Orders are kept for bookkeeping; a deleted customer's orders lose their customer and address.
CREATE TABLE orders (
    id                   INTEGER PRIMARY KEY,
    customer_id          INTEGER REFERENCES customers (id),
    order_number         TEXT    NOT NULL UNIQUE,
    ordered_at           TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    currency             TEXT    NOT NULL,
    total_cents          INTEGER NOT NULL,
    shipping_address_id  INTEGER REFERENCES addresses (id),
    delivery_note        TEXT
);

CREATE TABLE order_lines (
    id            INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES orders (id),
    sku           TEXT    NOT NULL,
    product_name  TEXT    NOT NULL,
    quantity      INTEGER NOT NULL,
    unit_cents    INTEGER NOT NULL
);

CREATE TABLE payment_methods (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    card_holder    TEXT    NOT NULL,
    card_brand     TEXT    NOT NULL,
    card_last4     TEXT    NOT NULL,
    expires_on     DATE    NOT NULL,
    psp_reference  TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);

-- Not personal data, so not in the data map.
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    starts_on  DATE    NOT NULL,
    ends_on    DATE    NOT NULL
);

CREATE TABLE loyalty_transactions (
    id            INTEGER PRIMARY KEY,
    customer_key  TEXT    NOT NULL,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns (id),
    points        INTEGER NOT NULL,
    reason        TEXT    NOT NULL,
    occurred_at   TEXT    NOT NULL
);

CREATE TABLE support_tickets (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    contact_email  TEXT    NOT NULL,
    subject        TEXT    NOT NULL,
    body           TEXT,
    status         TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);

-- The last days of click events; the archive sweep moves older ones to events_archive.
-- AUTOINCREMENT: a plain INTEGER PRIMARY KEY reuses the largest free id, which can be an id
-- already archived; then the row could never be archived (gdpr-worker check refuses that).
CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    visitor_key  TEXT    NOT NULL,
    event_type   TEXT    NOT NULL,
    page_url     TEXT    NOT NULL,
    ip_address   TEXT,
    user_agent   TEXT,
    occurred_at  TEXT    NOT NULL
);

CREATE TABLE events_archive (
    id           INTEGER PRIMARY KEY,
    visitor_key  TEXT    NOT NULL,
    event_type   TEXT    NOT NULL,
    page_url     TEXT    NOT NULL,
    ip_address   TEXT,
    user_agent   TEXT,
    occurred_at  TEXT    NOT NULL
);

-- @constraints: indexes, which the sample loader adds after the data.

CREATE INDEX customers_address_id ON customers (address_id);
CREATE INDEX customer_links_linked_key ON customer_links (linked_key);
CREATE INDEX orders_customer_id ON orders (customer_id);
CREATE INDEX orders_shipping_address_id ON orders (shipping_address_id);
CREATE INDEX order_lines_order_id ON order_lines (order_id);
CREATE INDEX payment_methods_customer_id ON payment_methods (customer_id);
CREATE INDEX loyalty_transactions_customer_key ON loyalty_transactions (customer_key);
CREATE INDEX support_tickets_customer_id ON support_tickets (customer_id);
CREATE INDEX events_visitor_key ON events (visitor_key);
CREATE INDEX events_occurred_at ON events (occurred_at);
CREATE INDEX events_archive_visitor_key ON events_archive (visitor_key);
CREATE INDEX events_archive_occurred_at ON events_archive (occurred_at);
