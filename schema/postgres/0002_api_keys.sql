-- Tenant API keys for the HTTP API. Only a SHA-256 of each key is stored: keys are 256 random
-- bits, so a fast hash is enough, and a leaked table reveals no usable key.
CREATE TABLE gdpr_api_keys (
    id          text        PRIMARY KEY,
    tenant      text        NOT NULL,
    key_hash    text        NOT NULL UNIQUE,
    name        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CONSTRAINT gdpr_api_keys_tenant_valid CHECK (tenant ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')
);
