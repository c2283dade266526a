-- The gdpr-worker sample shop, PostgreSQL. `gdpr-worker sample --customers N` creates and fills it.
--
-- Customers with linked keys (sessions, devices, email addresses), households sharing an address,
-- orders kept for bookkeeping, payment methods, loyalty points across campaigns, support tickets,
-- and click events in a hot table and its archive. Personal and operational columns side by side,
-- as in a real shop; datamap.yaml says which is which.

CREATE TABLE addresses (
    id            bigint PRIMARY KEY,
    street        text   NOT NULL,
    postal_code   text   NOT NULL,
    city          text   NOT NULL,
    country_code  text   NOT NULL
);

CREATE TABLE customers (
    id                bigint      PRIMARY KEY,
    customer_key      text        NOT NULL UNIQUE,
    email             text        NOT NULL,
    first_name        text        NOT NULL,
    last_name         text        NOT NULL,
    phone             text,
    birth_date        date,
    loyalty_card      text,
    address_id        bigint,
    tier              text        NOT NULL,
    marketing_opt_in  boolean     NOT NULL,
    created_at        timestamptz NOT NULL
);

-- Keys of the same person: web sessions, devices and email addresses seen with the customer key.
CREATE TABLE customer_links (
    customer_key  text        NOT NULL,
    linked_key    text        NOT NULL,
    link_type     text        NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (customer_key, linked_key)
);

-- Orders are kept for bookkeeping; a deleted customer's orders lose their customer and address.
CREATE TABLE orders (
    id                   bigint      PRIMARY KEY,
    customer_id          bigint,
    order_number         text        NOT NULL UNIQUE,
    ordered_at           timestamptz NOT NULL,
    status               text        NOT NULL,
    currency             text        NOT NULL,
    total_cents          bigint      NOT NULL,
    shipping_address_id  bigint,
    delivery_note        text
);

CREATE TABLE order_lines (
    id            bigint  PRIMARY KEY,
    order_id      bigint  NOT NULL,
    sku           text    NOT NULL,
    product_name  text    NOT NULL,
    quantity      integer NOT NULL,
    unit_cents    bigint  NOT NULL
);

CREATE TABLE payment_methods (
    id             bigint      PRIMARY KEY,
    customer_id    bigint      NOT NULL,
    card_holder    text        NOT NULL,
    card_brand     text        NOT NULL,
    card_last4     text        NOT NULL,
    expires_on     date        NOT NULL,
    psp_reference  text        NOT NULL,
    created_at     timestamptz NOT NULL
);

-- Not personal data, so not in the data map.
CREATE TABLE campaigns (
    id         bigint PRIMARY KEY,
    name       text   NOT NULL,
    starts_on  date   NOT NULL,
    ends_on    date   NOT NULL
);

CREATE TABLE loyalty_transactions (
    id            bigint      PRIMARY KEY,
    customer_key  text        NOT NULL,
    campaign_id   bigint      NOT NULL,
    points        integer     NOT NULL,
    reason        text        NOT NULL,
    occurred_at   timestamptz NOT NULL
);

CREATE TABLE support_tickets (
    id             bigint      PRIMARY KEY,
    customer_id    bigint      NOT NULL,
    contact_email  text        NOT NULL,
    subject        text        NOT NULL,
    body           text,
    status         text        NOT NULL,
    created_at     timestamptz NOT NULL
);

-- The last days of click events; the archive sweep moves older ones to events_archive.
CREATE TABLE events (
    id           bigint      PRIMARY KEY,
    visitor_key  text        NOT NULL,
    event_type   text        NOT NULL,
    page_url     text        NOT NULL,
    ip_address   inet,
    user_agent   text,
    occurred_at  timestamptz NOT NULL
);

CREATE TABLE events_archive (
    id           bigint      PRIMARY KEY,
    visitor_key  text        NOT NULL,
    event_type   text        NOT NULL,
    page_url     text        NOT NULL,
    ip_address   inet,
    user_agent   text,
    occurred_at  timestamptz NOT NULL
);

-- @constraints: foreign keys and indexes, which the sample loader adds after the data.

ALTER TABLE customers ADD FOREIGN KEY (address_id) REFERENCES addresses (id);
ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE orders ADD FOREIGN KEY (shipping_address_id) REFERENCES addresses (id);
ALTER TABLE order_lines ADD FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE payment_methods ADD FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE loyalty_transactions ADD FOREIGN KEY (campaign_id) REFERENCES campaigns (id);
ALTER TABLE support_tickets ADD FOREIGN KEY (customer_id) REFERENCES customers (id);

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
