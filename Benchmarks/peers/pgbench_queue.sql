-- The plain-SQL peer's queue: what a hand-rolled SKIP LOCKED queue looks like.
DROP TABLE IF EXISTS bench_jobs;
CREATE TABLE bench_jobs (
    id         bigserial PRIMARY KEY,
    payload    text,
    state      text        NOT NULL DEFAULT 'pending',
    created_at timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz
);
CREATE INDEX bench_jobs_pending ON bench_jobs (id) WHERE state = 'pending';
