-- What a job has already erased in transactions that committed before it finished: a job too
-- large for one transaction commits its leaf tables in chunks. The per-table counts (the JSON of
-- gdpr_audit.tables) are written with each chunk, carried into gdpr_jobs_failed if the job then
-- fails, and added to its audit record when it is done. NULL: nothing committed yet.
ALTER TABLE gdpr_jobs ADD COLUMN erased_so_far TEXT;
ALTER TABLE gdpr_jobs_failed ADD COLUMN erased_so_far TEXT;

DROP VIEW gdpr_job_status;
CREATE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started' AS status,
           CASE WHEN locked_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN 'running' ELSE 'pending' END AS state,
           attempts, max_attempts, created_at, legal_due_at, run_at, started_at, NULL AS finished_at, last_error, erased_so_far
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, finished_at, NULL, NULL
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, failed_at, reason, erased_so_far
      FROM gdpr_jobs_failed;
