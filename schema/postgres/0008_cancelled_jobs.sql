-- Jobs cancelled before they started. A cancelled job keeps no customer key: only who cancelled
-- it and when, beside what any status needs. The status view reads it as status 'cancelled'.
CREATE TABLE gdpr_jobs_cancelled (
    jid           uuid        PRIMARY KEY,
    tenant        text        NOT NULL,
    kind          text        NOT NULL,
    mode          text        NOT NULL,
    max_attempts  integer     NOT NULL,
    created_at    timestamptz NOT NULL,
    legal_due_at  timestamptz NOT NULL,
    cancelled_at  timestamptz NOT NULL,
    cancelled_by  text        NOT NULL
);

CREATE OR REPLACE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started'::text AS status,
           CASE WHEN locked_by IS NOT NULL AND locked_until > now() THEN 'running' ELSE 'pending' END AS state,
           attempts, max_attempts, created_at, legal_due_at, run_at, started_at, NULL::timestamptz AS finished_at,
           last_error, erased_so_far, NULL::integer AS keys, erased_so_far AS tables, waits_for_archive,
           NULL::text AS cancelled_by
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, finished_at, NULL, NULL, linked_keys + 1, tables::text, NULL, NULL
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, failed_at, reason, erased_so_far, NULL, erased_so_far, NULL, NULL
      FROM gdpr_jobs_failed
    UNION ALL
    SELECT jid, tenant, kind, mode, 'cancelled', 'cancelled', 0, max_attempts,
           created_at, legal_due_at, NULL, NULL, cancelled_at, NULL, NULL, NULL, NULL, NULL, cancelled_by
      FROM gdpr_jobs_cancelled;
