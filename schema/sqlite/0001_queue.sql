-- gdpr-worker queue schema, SQLite (the embedded default).
--
-- The same tables as the PostgreSQL schema. Times are UTC text in one fixed format,
-- 'YYYY-MM-DDTHH:MM:SS.SSSZ', which sorts in time order; every writer uses exactly that format.

CREATE TABLE gdpr_jobs (
    -- A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made close in
    -- time sort close together, so the jid indexes of gdpr_jobs and gdpr_audit grow at their right
    -- edge instead of dirtying a random page per job.
    jid           TEXT    PRIMARY KEY NOT NULL DEFAULT (lower(
                      substr(printf('%012x', CAST(strftime('%s', 'now') AS INTEGER) * 1000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER)), 1, 8)
                      || '-' ||
                      substr(printf('%012x', CAST(strftime('%s', 'now') AS INTEGER) * 1000 + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER)), 9, 4)
                      || '-7' || substr(hex(randomblob(2)), 2) || '-' ||
                      substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    tenant        TEXT    NOT NULL DEFAULT 'default',
    kind          TEXT    NOT NULL DEFAULT 'remove',
    mode          TEXT    NOT NULL DEFAULT 'anonymise',
    customer_key  TEXT    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'pending',
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 20,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    run_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- One calendar month later, clamped to the month's last day as PostgreSQL does (31 Jan -> 28 Feb).
    legal_due_at  TEXT    GENERATED ALWAYS AS (min(
                      strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+1 month'),
                      strftime('%Y-%m-%dT', created_at, 'start of month', '+2 months', '-1 day') || strftime('%H:%M:%fZ', created_at))) STORED,
    locked_by     TEXT,
    locked_until  TEXT,
    started_at    TEXT,
    last_error    TEXT,
    CONSTRAINT gdpr_jobs_kind_valid CHECK (kind IN ('remove', 'export')),
    CONSTRAINT gdpr_jobs_mode_valid CHECK (mode IN ('anonymise', 'delete')),
    CONSTRAINT gdpr_jobs_state_valid CHECK (state IN ('pending', 'running')),
    CONSTRAINT gdpr_jobs_tenant_valid CHECK (
        length(tenant) BETWEEN 1 AND 64 AND tenant GLOB '[A-Za-z0-9]*' AND tenant NOT GLOB '*[^A-Za-z0-9_.-]*'
    ),
    CONSTRAINT gdpr_jobs_customer_key_valid CHECK (
        length(CAST(customer_key AS BLOB)) BETWEEN 1 AND 256 AND customer_key NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')
    ),
    CONSTRAINT gdpr_jobs_attempts_valid CHECK (attempts >= 0 AND max_attempts >= 1)
) STRICT;

CREATE INDEX gdpr_jobs_pending ON gdpr_jobs (run_at) WHERE state = 'pending';
CREATE INDEX gdpr_jobs_running ON gdpr_jobs (locked_until) WHERE state = 'running';
CREATE INDEX gdpr_jobs_pending_key ON gdpr_jobs (tenant, customer_key) WHERE state = 'pending';

-- Failed jobs keep their key for an operator to retry; done jobs live on as their audit record.
CREATE TABLE gdpr_jobs_failed (
    jid           TEXT    PRIMARY KEY NOT NULL,
    tenant        TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    mode          TEXT    NOT NULL,
    customer_key  TEXT    NOT NULL,
    attempts      INTEGER NOT NULL,
    max_attempts  INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    legal_due_at  TEXT    NOT NULL,
    started_at    TEXT,
    failed_at     TEXT    NOT NULL,
    worker        TEXT,
    reason        TEXT    NOT NULL
) STRICT;

-- Proof of erasure, and the status of done jobs. Keys only as HMAC-SHA-256, never values.
CREATE TABLE gdpr_audit (
    jid              TEXT    PRIMARY KEY NOT NULL,
    tenant           TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    mode             TEXT    NOT NULL,
    key_hash         TEXT    NOT NULL,
    linked_keys      INTEGER NOT NULL DEFAULT 0,
    tables_touched   INTEGER NOT NULL DEFAULT 0,
    rows_affected    INTEGER NOT NULL DEFAULT 0,
    fields_rewritten INTEGER NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL,
    max_attempts     INTEGER NOT NULL,
    created_at       TEXT    NOT NULL,
    legal_due_at     TEXT    NOT NULL,
    started_at       TEXT    NOT NULL,
    finished_at      TEXT    NOT NULL,
    worker           TEXT    NOT NULL
) STRICT;

-- No foreign key to gdpr_audit, as on PostgreSQL: both are written together by `complete`.
CREATE TABLE gdpr_audit_tables (
    jid              TEXT    NOT NULL,
    table_name       TEXT    NOT NULL,
    method           TEXT    NOT NULL,
    rows_affected    INTEGER NOT NULL,
    fields_rewritten INTEGER NOT NULL,
    PRIMARY KEY (jid, table_name)
) STRICT;

CREATE TABLE gdpr_settings (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started' AS status, state, attempts, max_attempts,
           created_at, legal_due_at, run_at, started_at, NULL AS finished_at, last_error
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, finished_at, NULL
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, failed_at, reason
      FROM gdpr_jobs_failed;
