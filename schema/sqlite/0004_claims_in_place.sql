-- A claim marks a job with its worker (locked_by) and lease (locked_until) and counts the attempt,
-- and changes no indexed column, so no index entry is rewritten. A job is running while its lease
-- holds; once the lease expires without the job finishing, any worker may claim it again.
-- `state` stays 'pending' for every live job, and the status view derives 'running' from the lease.
UPDATE gdpr_jobs SET state = 'pending' WHERE state = 'running';
DROP INDEX gdpr_jobs_running;

DROP VIEW gdpr_job_status;
CREATE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started' AS status,
           CASE WHEN locked_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN 'running' ELSE 'pending' END AS state,
           attempts, max_attempts, created_at, legal_due_at, run_at, started_at, NULL AS finished_at, last_error
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, finished_at, NULL
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, failed_at, reason
      FROM gdpr_jobs_failed;
