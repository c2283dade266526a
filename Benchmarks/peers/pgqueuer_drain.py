"""The pgqueuer peer: enqueue no-op jobs, then drain them with worker processes.

    python pgqueuer_drain.py enqueue DSN --jobs 100000
    python pgqueuer_drain.py drain DSN --processes 4 --batch-size 10      # prints seconds

Each drain process is a QueueManager in `drain` mode with one no-op entrypoint, which exits once
the queue is empty: pgqueuer's own way to process a backlog and stop. Process start-up counts,
as it does for `gdpr-worker work --drain`.
"""
import argparse
import asyncio
import multiprocessing
import time

import asyncpg
from pgqueuer import QueueManager
from pgqueuer.db import AsyncpgDriver
from pgqueuer.domain.types import QueueExecutionMode
from pgqueuer.queries import Queries


async def enqueue(dsn: str, jobs: int) -> None:
    connection = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(connection))
    for start in range(0, jobs, 5000):
        count = min(5000, jobs - start)
        await queries.enqueue(["noop"] * count, [None] * count, [0] * count)
    await connection.close()


async def drain(dsn: str, batch_size: int) -> None:
    connection = await asyncpg.connect(dsn)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))

    @manager.entrypoint("noop")
    async def noop(job) -> None:
        return None

    await manager.run(batch_size=batch_size, mode=QueueExecutionMode.drain)
    await connection.close()


def run_worker(dsn: str, batch_size: int) -> None:
    asyncio.run(drain(dsn, batch_size))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["enqueue", "drain"])
    parser.add_argument("dsn")
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=10)
    arguments = parser.parse_args()
    if arguments.action == "enqueue":
        asyncio.run(enqueue(arguments.dsn, arguments.jobs))
        return
    started = time.perf_counter()
    workers = [
        multiprocessing.Process(target=run_worker, args=(arguments.dsn, arguments.batch_size))
        for _ in range(arguments.processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"{time.perf_counter() - started:.6f}")


if __name__ == "__main__":
    main()
