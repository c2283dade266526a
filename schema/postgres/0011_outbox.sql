-- Notifications: signed webhooks to each tenant's endpoints, and the confirmation a data subject
-- asked for. Every event is written to gdpr_outbox by a trigger, in the transaction of the state
-- change itself: a claim (job.started), a completion (job.done), a final failure (job.failed), a
-- cancel (job.cancelled). A rolled-back change leaves no event and a committed one always has
-- its event, whichever statement or process made it, an operator's SQL included. A dispatcher
-- then delivers the outbox at least once, with retries; each event keeps its id across retries,
-- so a receiver can drop a duplicate.

-- A tenant's webhook endpoint. The secret is the Standard Webhooks signing secret ('whsec_' and
-- base64), kept to sign with.
CREATE TABLE gdpr_webhooks (
    id          text        PRIMARY KEY,
    tenant      text        NOT NULL,
    url         text        NOT NULL,
    secret      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL
);
CREATE INDEX gdpr_webhooks_tenant ON gdpr_webhooks (tenant);

-- The address a data subject asked a confirmation to go to, sealed with AES-GCM under a key
-- derived from the audit secret. Kept only until the confirmation is sent (or given up on), or
-- the job is cancelled.
CREATE TABLE gdpr_confirmations (
    jid             uuid        PRIMARY KEY,
    tenant          text        NOT NULL,
    sealed_contact  text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE gdpr_outbox (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The Standard Webhooks `webhook-id`: the same on every attempt.
    event_id         text        NOT NULL DEFAULT ('msg_' || replace(CAST(gen_random_uuid() AS text), '-', '')),
    channel          text        NOT NULL,
    webhook_id       text        REFERENCES gdpr_webhooks (id) ON DELETE CASCADE,
    tenant           text        NOT NULL,
    jid              uuid        NOT NULL,
    event_type       text        NOT NULL,
    -- The JSON body: the jid, the status and the counts, never a customer key.
    payload          text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    delivered_at     timestamptz,
    abandoned_at     timestamptz,
    last_status      integer,
    last_error       text,
    CONSTRAINT gdpr_outbox_channel_valid CHECK (channel IN ('webhook', 'email')),
    CONSTRAINT gdpr_outbox_webhook_named CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL))
);
CREATE UNIQUE INDEX gdpr_outbox_event_id ON gdpr_outbox (event_id);
-- The dispatcher's path: undelivered events by due time.
CREATE INDEX gdpr_outbox_due ON gdpr_outbox (next_attempt_at) WHERE delivered_at IS NULL AND abandoned_at IS NULL;
CREATE INDEX gdpr_outbox_abandoned ON gdpr_outbox (abandoned_at) WHERE abandoned_at IS NOT NULL;
CREATE INDEX gdpr_outbox_delivered ON gdpr_outbox (delivered_at) WHERE delivered_at IS NOT NULL;

-- Every delivery attempt: when, the HTTP status or the error's code, how long it took.
CREATE TABLE gdpr_outbox_attempts (
    outbox_id     bigint      NOT NULL REFERENCES gdpr_outbox (id) ON DELETE CASCADE,
    attempt       integer     NOT NULL,
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    status        integer,
    error         text,
    duration_ms   integer     NOT NULL,
    PRIMARY KEY (outbox_id, attempt)
);

-- One event to every endpoint of the tenant: the Standard Webhooks envelope {type, timestamp, data}.
-- PL/pgSQL, whose statements keep their plans for the session (an SQL function called from a
-- trigger is planned again on every call). The triggers call it only when the tenant has an
-- endpoint, so a claim or a completion without webhooks pays one cached index probe.
CREATE FUNCTION gdpr_outbox_event(p_jid uuid, p_tenant text, p_type text, p_data jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    INSERT INTO gdpr_outbox (channel, webhook_id, tenant, jid, event_type, payload)
    SELECT 'webhook', w.id, p_tenant, p_jid, p_type,
           CAST(jsonb_build_object('type', p_type,
                                   'timestamp', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                   'data', p_data) AS text)
      FROM gdpr_webhooks w
     WHERE w.tenant = p_tenant;
END
$$;

CREATE FUNCTION gdpr_job_started_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gdpr_webhooks WHERE tenant = NEW.tenant) THEN
        PERFORM gdpr_outbox_event(NEW.jid, NEW.tenant, 'job.started', jsonb_build_object(
            'jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode, 'status', 'started',
            'attempt', NEW.attempts));
    END IF;
    RETURN NULL;
END
$$;
-- A claim counts the attempt; nothing else raises it.
CREATE TRIGGER gdpr_jobs_started AFTER UPDATE OF attempts ON gdpr_jobs
    FOR EACH ROW WHEN (NEW.attempts > OLD.attempts) EXECUTE FUNCTION gdpr_job_started_event();

CREATE FUNCTION gdpr_job_done_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    hooked boolean := EXISTS (SELECT 1 FROM gdpr_webhooks WHERE tenant = NEW.tenant);
    confirmed boolean := EXISTS (SELECT 1 FROM gdpr_confirmations WHERE jid = NEW.jid);
    data jsonb;
BEGIN
    IF NOT (hooked OR confirmed) THEN
        RETURN NULL;
    END IF;
    data := jsonb_build_object(
        'jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode, 'status', 'done',
        'attempt', NEW.attempts, 'finished_at', to_char(NEW.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'keys', NEW.linked_keys + 1, 'tables_touched', NEW.tables_touched, 'rows_affected', NEW.rows_affected,
        'fields_rewritten', NEW.fields_rewritten, 'data_map', NEW.data_map);
    IF hooked THEN
        PERFORM gdpr_outbox_event(NEW.jid, NEW.tenant, 'job.done', data);
    END IF;
    IF confirmed THEN
        INSERT INTO gdpr_outbox (channel, tenant, jid, event_type, payload)
        SELECT 'email', c.tenant, c.jid, 'job.done',
               CAST(jsonb_build_object('type', 'job.done', 'timestamp',
                                       to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', data) AS text)
          FROM gdpr_confirmations c
         WHERE c.jid = NEW.jid;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER gdpr_audit_done AFTER INSERT ON gdpr_audit FOR EACH ROW EXECUTE FUNCTION gdpr_job_done_event();

CREATE FUNCTION gdpr_job_failed_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gdpr_webhooks WHERE tenant = NEW.tenant) THEN
        PERFORM gdpr_outbox_event(NEW.jid, NEW.tenant, 'job.failed', jsonb_build_object(
            'jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode, 'status', 'failed',
            'attempt', NEW.attempts, 'finished_at', to_char(NEW.failed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'reason', NEW.reason));
    END IF;
    RETURN NULL;
END
$$;
-- A failed record an operator's retry left behind is replaced by ON CONFLICT DO UPDATE.
CREATE TRIGGER gdpr_jobs_failed_event AFTER INSERT OR UPDATE OF failed_at ON gdpr_jobs_failed
    FOR EACH ROW EXECUTE FUNCTION gdpr_job_failed_event();

CREATE FUNCTION gdpr_job_cancelled_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gdpr_outbox_event(NEW.jid, NEW.tenant, 'job.cancelled', jsonb_build_object(
        'jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode, 'status', 'cancelled',
        'finished_at', to_char(NEW.cancelled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
    -- A withdrawn request is confirmed to nobody: its address goes with it.
    DELETE FROM gdpr_confirmations WHERE jid = NEW.jid;
    RETURN NULL;
END
$$;
CREATE TRIGGER gdpr_jobs_cancelled_event AFTER INSERT ON gdpr_jobs_cancelled
    FOR EACH ROW EXECUTE FUNCTION gdpr_job_cancelled_event();
