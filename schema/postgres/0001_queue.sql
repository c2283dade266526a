-- gdpr-worker queue schema, PostgreSQL.
--
-- gdpr_jobs holds live jobs only (pending and running). A job leaves it in the transaction that
-- finishes it: a done job becomes its audit record in gdpr_audit, a failed one moves to
-- gdpr_jobs_failed. The table the claim query scans therefore stays small however many millions of
-- jobs have run, and a VACUUM of it takes milliseconds.

-- Job ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made
-- close in time sort close together, so the primary keys of gdpr_jobs and gdpr_audit grow at their
-- right edge instead of dirtying a random index page per job. PostgreSQL 15 has no uuidv7().
CREATE FUNCTION gdpr_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT CAST(encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
               PLACING substring(int8send(CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS bigint)) FROM 3)
               FROM 1 FOR 6), 52, 1), 53, 1), 'hex') AS uuid)
$$;

CREATE TABLE gdpr_jobs (
    jid           uuid        PRIMARY KEY DEFAULT gdpr_uuid_v7(),
    tenant        text        NOT NULL DEFAULT 'default',
    kind          text        NOT NULL DEFAULT 'remove',
    mode          text        NOT NULL DEFAULT 'anonymise',
    customer_key  text        NOT NULL,
    state         text        NOT NULL DEFAULT 'pending',
    attempts      integer     NOT NULL DEFAULT 0,
    max_attempts  integer     NOT NULL DEFAULT 20,
    created_at    timestamptz NOT NULL DEFAULT now(),
    run_at        timestamptz NOT NULL DEFAULT now(),
    legal_due_at  timestamptz GENERATED ALWAYS AS ((created_at AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC') STORED,
    locked_by     text,
    locked_until  timestamptz,
    started_at    timestamptz,
    last_error    text,
    CONSTRAINT gdpr_jobs_kind_valid CHECK (kind IN ('remove', 'export')),
    CONSTRAINT gdpr_jobs_mode_valid CHECK (mode IN ('anonymise', 'delete')),
    CONSTRAINT gdpr_jobs_state_valid CHECK (state IN ('pending', 'running')),
    CONSTRAINT gdpr_jobs_tenant_valid CHECK (tenant ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    CONSTRAINT gdpr_jobs_customer_key_valid CHECK (
        octet_length(customer_key) BETWEEN 1 AND 256 AND customer_key !~ '[[:cntrl:]]'
    ),
    CONSTRAINT gdpr_jobs_attempts_valid CHECK (attempts >= 0 AND max_attempts >= 1)
);

COMMENT ON TABLE gdpr_jobs IS
    'gdpr-worker queue: INSERT INTO gdpr_jobs (customer_key) VALUES ($1) RETURNING jid';

-- The claim path: pending jobs in run order. Partial, so finished work never sits in it.
CREATE INDEX gdpr_jobs_pending ON gdpr_jobs (run_at) WHERE state = 'pending';
-- The rescue path: running jobs by lease expiry.
CREATE INDEX gdpr_jobs_running ON gdpr_jobs (locked_until) WHERE state = 'running';
-- Deduplication of HTTP requests: a pending job for the same tenant and key.
CREATE INDEX gdpr_jobs_pending_key ON gdpr_jobs (tenant, customer_key) WHERE state = 'pending';

-- The table churns: every job is inserted, updated once and deleted. Vacuum it on a fixed number of
-- dead rows rather than a fraction of its size, without cost-based sleeps.
ALTER TABLE gdpr_jobs SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 2000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 5000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 5000,
    autovacuum_vacuum_cost_delay = 0
);

-- Wake idle workers at once. Statement level, so a bulk INSERT sends one notification.
CREATE FUNCTION gdpr_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gdpr_jobs', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER gdpr_jobs_notify AFTER INSERT ON gdpr_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION gdpr_jobs_notify();

-- Failed jobs: attempts exhausted or a permanent error; nothing was erased. They keep the
-- customer key, because the data still exists and an operator may retry; the sweep prunes them
-- after the retention period.
CREATE TABLE gdpr_jobs_failed (
    jid           uuid        PRIMARY KEY,
    tenant        text        NOT NULL,
    kind          text        NOT NULL,
    mode          text        NOT NULL,
    customer_key  text        NOT NULL,
    attempts      integer     NOT NULL,
    max_attempts  integer     NOT NULL,
    created_at    timestamptz NOT NULL,
    legal_due_at  timestamptz NOT NULL,
    started_at    timestamptz,
    failed_at     timestamptz NOT NULL,
    worker        text,
    reason        text        NOT NULL
);

-- Proof of erasure: one row per done job, written in the transaction that did the work, and one
-- per job and table touched. It is also where a done job's status is read from. No raw key and no
-- value is ever stored here: the key appears only as HMAC-SHA-256 under the deployment's secret.
CREATE TABLE gdpr_audit (
    jid              uuid        PRIMARY KEY,
    tenant           text        NOT NULL,
    kind             text        NOT NULL,
    mode             text        NOT NULL,
    key_hash         text        NOT NULL,
    linked_keys      integer     NOT NULL DEFAULT 0,
    tables_touched   integer     NOT NULL DEFAULT 0,
    rows_affected    bigint      NOT NULL DEFAULT 0,
    fields_rewritten bigint      NOT NULL DEFAULT 0,
    attempts         integer     NOT NULL,
    max_attempts     integer     NOT NULL,
    created_at       timestamptz NOT NULL,
    legal_due_at     timestamptz NOT NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL,
    worker           text        NOT NULL
);

-- No foreign key to gdpr_audit: both are written by the same statement, and the key's check is a
-- cached plan that PostgreSQL chose while gdpr_audit was empty, a sequential scan per row ever after.
CREATE TABLE gdpr_audit_tables (
    jid              uuid   NOT NULL,
    table_name       text   NOT NULL,
    method           text   NOT NULL,
    rows_affected    bigint NOT NULL,
    fields_rewritten bigint NOT NULL,
    PRIMARY KEY (jid, table_name)
);

-- Deployment-wide settings that every process must agree on, such as a generated audit secret.
CREATE TABLE gdpr_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);

-- Status by SELECT: one row per job, live, done or failed, with the status of the HTTP contract.
CREATE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started'::text AS status, state, attempts, max_attempts,
           created_at, legal_due_at, run_at, started_at, NULL::timestamptz AS finished_at, last_error
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, finished_at, NULL
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, failed_at, reason
      FROM gdpr_jobs_failed;
