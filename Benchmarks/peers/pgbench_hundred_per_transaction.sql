-- Claim 100 jobs with FOR UPDATE SKIP LOCKED and complete them in one statement: the raw-SQL ceiling.
UPDATE bench_jobs SET state = 'done', done_at = now()
 WHERE id IN (SELECT id FROM bench_jobs WHERE state = 'pending' ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED);
