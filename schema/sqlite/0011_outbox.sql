-- Notifications: signed webhooks to each tenant's endpoints, and the confirmation a data subject
-- asked for. Every event is written to gdpr_outbox by a trigger, in the transaction of the state
-- change itself: a claim (job.started), a completion (job.done), a final failure (job.failed), a
-- cancel (job.cancelled). A rolled-back change leaves no event and a committed one always has
-- its event, whichever statement or process made it. A dispatcher then delivers the outbox at
-- least once, with retries; each event keeps its id across retries, so a receiver can drop a
-- duplicate. (The PostgreSQL schema has the same tables; see its comments.)

CREATE TABLE gdpr_webhooks (
    id          TEXT PRIMARY KEY NOT NULL,
    tenant      TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    created_by  TEXT NOT NULL
) STRICT;
CREATE INDEX gdpr_webhooks_tenant ON gdpr_webhooks (tenant);

CREATE TABLE gdpr_confirmations (
    jid             TEXT PRIMARY KEY NOT NULL,
    tenant          TEXT NOT NULL,
    sealed_contact  TEXT NOT NULL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE gdpr_outbox (
    id               INTEGER PRIMARY KEY,
    event_id         TEXT    NOT NULL DEFAULT ('msg_' || lower(hex(randomblob(16)))),
    channel          TEXT    NOT NULL,
    webhook_id       TEXT    REFERENCES gdpr_webhooks (id) ON DELETE CASCADE,
    tenant           TEXT    NOT NULL,
    jid              TEXT    NOT NULL,
    event_type       TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    locked_until     TEXT,
    delivered_at     TEXT,
    abandoned_at     TEXT,
    last_status      INTEGER,
    last_error       TEXT,
    CONSTRAINT gdpr_outbox_channel_valid CHECK (channel IN ('webhook', 'email')),
    CONSTRAINT gdpr_outbox_webhook_named CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX gdpr_outbox_event_id ON gdpr_outbox (event_id);
CREATE INDEX gdpr_outbox_due ON gdpr_outbox (next_attempt_at) WHERE delivered_at IS NULL AND abandoned_at IS NULL;
CREATE INDEX gdpr_outbox_abandoned ON gdpr_outbox (abandoned_at) WHERE abandoned_at IS NOT NULL;
CREATE INDEX gdpr_outbox_delivered ON gdpr_outbox (delivered_at) WHERE delivered_at IS NOT NULL;

CREATE TABLE gdpr_outbox_attempts (
    outbox_id     INTEGER NOT NULL REFERENCES gdpr_outbox (id) ON DELETE CASCADE,
    attempt       INTEGER NOT NULL,
    attempted_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    status        INTEGER,
    error         TEXT,
    duration_ms   INTEGER NOT NULL,
    PRIMARY KEY (outbox_id, attempt)
) STRICT;

-- SQLite has no shared trigger functions: each trigger spells the envelope {type, timestamp, data}.
CREATE TRIGGER gdpr_jobs_started AFTER UPDATE OF attempts ON gdpr_jobs
WHEN NEW.attempts > OLD.attempts AND EXISTS (SELECT 1 FROM gdpr_webhooks w WHERE w.tenant = NEW.tenant)
BEGIN
    INSERT INTO gdpr_outbox (channel, webhook_id, tenant, jid, event_type, payload)
    SELECT 'webhook', w.id, NEW.tenant, NEW.jid, 'job.started',
           json_object('type', 'job.started', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                       'data', json_object('jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode,
                                           'status', 'started', 'attempt', NEW.attempts))
      FROM gdpr_webhooks w WHERE w.tenant = NEW.tenant;
END;

CREATE TRIGGER gdpr_audit_done AFTER INSERT ON gdpr_audit
BEGIN
    INSERT INTO gdpr_outbox (channel, webhook_id, tenant, jid, event_type, payload)
    SELECT 'webhook', w.id, NEW.tenant, NEW.jid, 'job.done',
           json_object('type', 'job.done', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                       'data', json_object('jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode,
                                           'status', 'done', 'attempt', NEW.attempts, 'finished_at', NEW.finished_at,
                                           'keys', NEW.linked_keys + 1, 'tables_touched', NEW.tables_touched,
                                           'rows_affected', NEW.rows_affected, 'fields_rewritten', NEW.fields_rewritten,
                                           'data_map', NEW.data_map))
      FROM gdpr_webhooks w WHERE w.tenant = NEW.tenant;
    INSERT INTO gdpr_outbox (channel, tenant, jid, event_type, payload)
    SELECT 'email', c.tenant, c.jid, 'job.done',
           json_object('type', 'job.done', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                       'data', json_object('jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode,
                                           'status', 'done', 'attempt', NEW.attempts, 'finished_at', NEW.finished_at,
                                           'keys', NEW.linked_keys + 1, 'tables_touched', NEW.tables_touched,
                                           'rows_affected', NEW.rows_affected, 'fields_rewritten', NEW.fields_rewritten,
                                           'data_map', NEW.data_map))
      FROM gdpr_confirmations c WHERE c.jid = NEW.jid;
END;

-- INSERT OR REPLACE of a record an operator's retry left behind fires this as an insert.
CREATE TRIGGER gdpr_jobs_failed_event AFTER INSERT ON gdpr_jobs_failed
BEGIN
    INSERT INTO gdpr_outbox (channel, webhook_id, tenant, jid, event_type, payload)
    SELECT 'webhook', w.id, NEW.tenant, NEW.jid, 'job.failed',
           json_object('type', 'job.failed', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                       'data', json_object('jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode,
                                           'status', 'failed', 'attempt', NEW.attempts, 'finished_at', NEW.failed_at,
                                           'reason', NEW.reason))
      FROM gdpr_webhooks w WHERE w.tenant = NEW.tenant;
END;

CREATE TRIGGER gdpr_jobs_cancelled_event AFTER INSERT ON gdpr_jobs_cancelled
BEGIN
    INSERT INTO gdpr_outbox (channel, webhook_id, tenant, jid, event_type, payload)
    SELECT 'webhook', w.id, NEW.tenant, NEW.jid, 'job.cancelled',
           json_object('type', 'job.cancelled', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                       'data', json_object('jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode,
                                           'status', 'cancelled', 'finished_at', NEW.cancelled_at))
      FROM gdpr_webhooks w WHERE w.tenant = NEW.tenant;
    DELETE FROM gdpr_confirmations WHERE jid = NEW.jid;
END;
