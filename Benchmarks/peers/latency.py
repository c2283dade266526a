"""End-to-end latency of an idle gdpr-worker: SQL INSERT to `done`, one job at a time.

    python latency.py DSN --jobs 1000     # prints one latency in milliseconds a line

Each job is inserted with the README's plain INSERT; the client then polls gdpr_audit (where a
done job's record appears in the worker's commit) every 0.2 ms. The worker is left idle between
jobs, so each one measures a wake-up from NOTIFY.
"""
import argparse
import asyncio
import time

import asyncpg


async def main(dsn: str, jobs: int, pause: float) -> None:
    connection = await asyncpg.connect(dsn)
    insert = await connection.prepare("INSERT INTO gdpr_jobs (customer_key) VALUES ($1) RETURNING jid")
    done = await connection.prepare("SELECT 1 FROM gdpr_audit WHERE jid = $1")
    for number in range(jobs):
        started = time.perf_counter()
        jid = await insert.fetchval(f"latency-{number}")
        while await done.fetchval(jid) is None:
            await asyncio.sleep(0.0002)
        print(f"{(time.perf_counter() - started) * 1000:.3f}", flush=True)
        await asyncio.sleep(pause)
    await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("dsn")
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--pause", type=float, default=0.02)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.dsn, arguments.jobs, arguments.pause))
