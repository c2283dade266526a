-- Jobs cancelled before they started. A cancelled job keeps no customer key: only who cancelled
-- it and when, beside what any status needs. The status view reads it as status 'cancelled'.
CREATE TABLE gdpr_jobs_cancelled (
    jid           TEXT    PRIMARY KEY NOT NULL,
    tenant        TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    mode          TEXT    NOT NULL,
    max_attempts  INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    legal_due_at  TEXT    NOT NULL,
    cancelled_at  TEXT    NOT NULL,
    cancelled_by  TEXT    NOT NULL
) STRICT;

DROP VIEW gdpr_job_status;
CREATE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started' AS status,
           CASE WHEN locked_by IS NOT NULL AND locked_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN 'running' ELSE 'pending' END
               AS state,
           attempts, max_attempts, created_at, legal_due_at, run_at, started_at, NULL AS finished_at, last_error, erased_so_far,
           NULL AS keys, erased_so_far AS tables, waits_for_archive, NULL AS cancelled_by
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, finished_at, NULL, NULL, linked_keys + 1, tables, NULL, NULL
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, failed_at, reason, erased_so_far, NULL, erased_so_far, NULL, NULL
      FROM gdpr_jobs_failed
    UNION ALL
    SELECT jid, tenant, kind, mode, 'cancelled', 'cancelled', 0, max_attempts,
           created_at, legal_due_at, NULL, NULL, cancelled_at, NULL, NULL, NULL, NULL, NULL, cancelled_by
      FROM gdpr_jobs_cancelled;
