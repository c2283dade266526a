-- The seed systems' front doors. A remove job that need not wait for the archive cutoff: a
-- front door whose clients expect the erasure at once (Azotte's C2A delete) enqueues with waits_for_archive = 0. Every job before
-- this migration waited, and a plain SQL INSERT still does.
ALTER TABLE gdpr_jobs ADD COLUMN waits_for_archive INTEGER NOT NULL DEFAULT 1 CHECK (waits_for_archive IN (0, 1));

DROP VIEW gdpr_job_status;
CREATE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started' AS status,
           CASE WHEN locked_by IS NOT NULL AND locked_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN 'running' ELSE 'pending' END
               AS state,
           attempts, max_attempts, created_at, legal_due_at, run_at, started_at, NULL AS finished_at, last_error, erased_so_far,
           NULL AS keys, erased_so_far AS tables, waits_for_archive
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, finished_at, NULL, NULL, linked_keys + 1, tables, NULL
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, failed_at, reason, erased_so_far, NULL, erased_so_far, NULL
      FROM gdpr_jobs_failed;

-- An operator's password on a key, for front doors whose clients send a user name and password
-- besides the key (easycms). Only a bcrypt hash is stored.
ALTER TABLE gdpr_api_keys ADD COLUMN password_hash TEXT;
