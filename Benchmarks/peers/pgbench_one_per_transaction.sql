-- Claim one job with FOR UPDATE SKIP LOCKED and complete it, one job per transaction.
BEGIN;
SELECT id FROM bench_jobs WHERE state = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED \gset
UPDATE bench_jobs SET state = 'done', done_at = now() WHERE id = :id;
COMMIT;
