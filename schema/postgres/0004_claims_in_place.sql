-- A claim marks a job with its worker (locked_by) and lease (locked_until) and counts the attempt,
-- and changes no indexed column: PostgreSQL updates the row in place on its page (a HOT update)
-- with no index entry written. A job is running while its lease holds; once the lease expires
-- without the job finishing, any worker may claim it again. `state` stays 'pending' for every
-- live job, and the status view derives 'running' from the lease.
UPDATE gdpr_jobs SET state = 'pending' WHERE state = 'running';
DROP INDEX gdpr_jobs_running;
-- Room on every page for the new row version of a claim.
ALTER TABLE gdpr_jobs SET (fillfactor = 70);

CREATE OR REPLACE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started'::text AS status,
           CASE WHEN locked_until > now() THEN 'running' ELSE 'pending' END AS state, attempts, max_attempts,
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
