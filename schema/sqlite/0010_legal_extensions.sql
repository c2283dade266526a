-- The legal clock: GDPR Art. 12(3) lets the one-month deadline be extended by two further months,
-- with reasons. Each extension is kept here for good, with who made it and why; a job's legal due
-- date is its latest extension's, else creation plus one month, and the status view shows both
-- the date and the latest reason.
CREATE TABLE gdpr_legal_extensions (
    jid              TEXT NOT NULL,
    tenant           TEXT NOT NULL,
    extended_at      TEXT NOT NULL,
    previous_due_at  TEXT NOT NULL,
    legal_due_at     TEXT NOT NULL,
    reason           TEXT NOT NULL,
    extended_by      TEXT NOT NULL,
    PRIMARY KEY (jid, extended_at)
) STRICT;

DROP VIEW gdpr_job_status;
CREATE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started' AS status,
           CASE WHEN locked_by IS NOT NULL AND locked_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN 'running' ELSE 'pending' END
               AS state,
           attempts, max_attempts, created_at,
           coalesce((SELECT e.legal_due_at FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs.jid
                     ORDER BY e.extended_at DESC LIMIT 1), legal_due_at) AS legal_due_at,
           run_at, started_at, NULL AS finished_at, last_error, erased_so_far,
           NULL AS keys, erased_so_far AS tables, waits_for_archive, NULL AS cancelled_by,
           (SELECT e.reason FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs.jid ORDER BY e.extended_at DESC LIMIT 1)
               AS legal_due_reason
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts, created_at,
           coalesce((SELECT e.legal_due_at FROM gdpr_legal_extensions e WHERE e.jid = gdpr_audit.jid
                     ORDER BY e.extended_at DESC LIMIT 1), legal_due_at), NULL, started_at, finished_at, NULL, NULL, linked_keys + 1, tables, NULL, NULL,
           (SELECT e.reason FROM gdpr_legal_extensions e WHERE e.jid = gdpr_audit.jid ORDER BY e.extended_at DESC LIMIT 1)
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts, created_at,
           coalesce((SELECT e.legal_due_at FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs_failed.jid
                     ORDER BY e.extended_at DESC LIMIT 1), legal_due_at), NULL, started_at, failed_at, reason, erased_so_far, NULL, erased_so_far, NULL, NULL,
           (SELECT e.reason FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs_failed.jid ORDER BY e.extended_at DESC LIMIT 1)
      FROM gdpr_jobs_failed
    UNION ALL
    SELECT jid, tenant, kind, mode, 'cancelled', 'cancelled', 0, max_attempts,
           created_at, legal_due_at, NULL, NULL, cancelled_at, NULL, NULL, NULL, NULL, NULL, cancelled_by, NULL
      FROM gdpr_jobs_cancelled;
