-- One home for a job's status: the view gains what `job-status` reads (keys covered, per-table
-- counts), so the API, the CLI and a client's SELECT all read this one union. A live job is
-- running while its lease is held by a worker, the same rule the claim uses.
CREATE OR REPLACE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started'::text AS status,
           CASE WHEN locked_by IS NOT NULL AND locked_until > now() THEN 'running' ELSE 'pending' END AS state,
           attempts, max_attempts, created_at, legal_due_at, run_at, started_at, NULL::timestamptz AS finished_at,
           last_error, erased_so_far, NULL::integer AS keys, erased_so_far AS tables
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, finished_at, NULL, NULL, linked_keys + 1, tables::text
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts,
           created_at, legal_due_at, NULL, started_at, failed_at, reason, erased_so_far, NULL, erased_so_far
      FROM gdpr_jobs_failed;
