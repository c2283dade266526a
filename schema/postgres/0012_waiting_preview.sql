-- What a waiting job will do, kept with it: queue maintenance previews each remove job that no
-- worker has claimed (the erasure run in a transaction that is rolled back) and stores the counts
-- here, as JSON, so its status shows them while it waits for the archive cutoff. Counts only:
-- tables, rows, fields and how many linked keys, never a key or a value.
ALTER TABLE gdpr_jobs ADD COLUMN preview text;
ALTER TABLE gdpr_jobs ADD COLUMN previewed_at timestamptz;

CREATE OR REPLACE VIEW gdpr_job_status AS
    SELECT jid, tenant, kind, mode, 'started'::text AS status,
           CASE WHEN locked_by IS NOT NULL AND locked_until > now() THEN 'running' ELSE 'pending' END AS state,
           attempts, max_attempts, created_at,
           coalesce((SELECT e.legal_due_at FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs.jid
                     ORDER BY e.extended_at DESC LIMIT 1), legal_due_at) AS legal_due_at,
           run_at, started_at, NULL::timestamptz AS finished_at,
           last_error, erased_so_far, NULL::integer AS keys, erased_so_far AS tables, waits_for_archive,
           NULL::text AS cancelled_by,
           (SELECT e.reason FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs.jid ORDER BY e.extended_at DESC LIMIT 1)
               AS legal_due_reason,
           preview, previewed_at
      FROM gdpr_jobs
    UNION ALL
    SELECT jid, tenant, kind, mode, 'done', 'done', attempts, max_attempts, created_at,
           coalesce((SELECT e.legal_due_at FROM gdpr_legal_extensions e WHERE e.jid = gdpr_audit.jid
                     ORDER BY e.extended_at DESC LIMIT 1), legal_due_at), NULL, started_at, finished_at, NULL, NULL, linked_keys + 1, tables::text, NULL, NULL,
           (SELECT e.reason FROM gdpr_legal_extensions e WHERE e.jid = gdpr_audit.jid ORDER BY e.extended_at DESC LIMIT 1), NULL, NULL
      FROM gdpr_audit
    UNION ALL
    SELECT jid, tenant, kind, mode, 'failed', 'failed', attempts, max_attempts, created_at,
           coalesce((SELECT e.legal_due_at FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs_failed.jid
                     ORDER BY e.extended_at DESC LIMIT 1), legal_due_at), NULL, started_at, failed_at, reason, erased_so_far, NULL, erased_so_far, NULL, NULL,
           (SELECT e.reason FROM gdpr_legal_extensions e WHERE e.jid = gdpr_jobs_failed.jid ORDER BY e.extended_at DESC LIMIT 1), NULL, NULL
      FROM gdpr_jobs_failed
    UNION ALL
    SELECT jid, tenant, kind, mode, 'cancelled', 'cancelled', 0, max_attempts,
           created_at, legal_due_at, NULL, NULL, cancelled_at, NULL, NULL, NULL, NULL, NULL, cancelled_by, NULL, NULL, NULL
      FROM gdpr_jobs_cancelled;
