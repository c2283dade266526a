-- The done event's trigger returns at once when there is nothing to notify, as the started
-- event's already did: a completion whose tenant has no endpoint and whose job asked for no
-- confirmation runs two index probes instead of two INSERT … SELECT statements. (PostgreSQL's
-- migration 13 makes its events per statement; SQLite has only row triggers.) The events are
-- those of migration 11, now written by one statement that builds the event's data once.

DROP TRIGGER gdpr_audit_done;

CREATE TRIGGER gdpr_audit_done AFTER INSERT ON gdpr_audit
WHEN EXISTS (SELECT 1 FROM gdpr_webhooks w WHERE w.tenant = NEW.tenant)
  OR EXISTS (SELECT 1 FROM gdpr_confirmations c WHERE c.jid = NEW.jid)
BEGIN
    INSERT INTO gdpr_outbox (channel, webhook_id, tenant, jid, event_type, payload)
    SELECT r.channel, r.webhook_id, r.tenant, NEW.jid, 'job.done',
           json_object('type', 'job.done', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                       'data', json_object('jid', NEW.jid, 'tenant', NEW.tenant, 'kind', NEW.kind, 'mode', NEW.mode,
                                           'status', 'done', 'attempt', NEW.attempts, 'finished_at', NEW.finished_at,
                                           'keys', NEW.linked_keys + 1, 'tables_touched', NEW.tables_touched,
                                           'rows_affected', NEW.rows_affected, 'fields_rewritten', NEW.fields_rewritten,
                                           'data_map', NEW.data_map))
      FROM (SELECT 'webhook' AS channel, w.id AS webhook_id, NEW.tenant AS tenant
              FROM gdpr_webhooks w WHERE w.tenant = NEW.tenant
            UNION ALL
            SELECT 'email', NULL, c.tenant FROM gdpr_confirmations c WHERE c.jid = NEW.jid) AS r;
END;
