-- Tenant API keys for the HTTP API. Only a SHA-256 of each key is stored.
CREATE TABLE gdpr_api_keys (
    id          TEXT PRIMARY KEY NOT NULL,
    tenant      TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    name        TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at  TEXT,
    CONSTRAINT gdpr_api_keys_tenant_valid CHECK (
        length(tenant) BETWEEN 1 AND 64 AND tenant GLOB '[A-Za-z0-9]*' AND tenant NOT GLOB '*[^A-Za-z0-9_.-]*'
    )
) STRICT;
