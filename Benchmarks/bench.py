#!/usr/bin/env python3
"""Every gdpr-worker benchmark against its peers, on one PostgreSQL, in one run.

Run through `Benchmarks/run`, which builds in release mode, starts the PostgreSQL and the venv.
Each scenario runs at least three times; the table gives the median and the spread (min-max).
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "Benchmarks" / "peers"


class Bench:
    def __init__(self, arguments):
        self.server = arguments.database_url
        self.binary = arguments.binary
        self.erasure_binary = arguments.erasure_binary
        self.python = arguments.python
        self.quick = arguments.quick
        self.runs = arguments.runs
        self.work = Path(tempfile.mkdtemp(prefix="gdpr-worker-bench-"))
        self.rows = []
        self.memory = []
        self.empty_map = self.work / "empty.yaml"
        self.empty_map.write_text("version: 1\ntables: {}\n")
        self.jobs = 20_000 if self.quick else 100_000

    # MARK: helpers

    def url(self, database):
        """The benchmark server's URL with another database name."""
        return self.server.rsplit("/", 1)[0] + "/" + database

    def psql(self, database, sql):
        result = subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.url(database), "-c", sql],
            check=True, capture_output=True, text=True)
        return result.stdout.strip()

    def fresh_database(self, name):
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.psql("postgres", f"CREATE DATABASE {name}")

    def environment(self, database, data_map=None, **extra):
        environment = dict(os.environ)
        environment.update({
            "GDPR_WORKER_DATABASE_URL": self.url(database) if not database.startswith("sqlite:") else database,
            "GDPR_WORKER_DATA_MAP": str(data_map or self.empty_map),
            "GDPR_WORKER_ARCHIVE_DELAY": "0s",
            "GDPR_WORKER_LOG_LEVEL": "warning",
            "GDPR_WORKER_AUDIT_SECRET": "benchmark",
            "GDPR_WORKER_EXPORT_DIR": str(self.work / "exports"),
        })
        environment.update(extra)
        return environment

    def gdpr_worker(self, arguments, environment):
        """Runs the binary under /usr/bin/time; returns (seconds, peak RSS in MiB, stdout)."""
        timing = self.work / "time.txt"
        started = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/time", "-o", str(timing), "-f", "%M", self.binary, *arguments],
            env=environment, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"bench: gdpr-worker {' '.join(arguments)} failed ({result.returncode}): {result.stderr[-2000:]}")
        return elapsed, int(timing.read_text().split()[-1]) / 1024, result.stdout

    def checkpoint(self, database):
        self.psql(database, "CHECKPOINT")

    def row(self, scenario, ours, peer, peer_values, unit, higher_is_better=True, note=""):
        ours_median, peer_median = statistics.median(ours), statistics.median(peer_values) if peer_values else None
        ratio = ""
        if peer_median:
            ratio = f"{ours_median / peer_median:.2f}x" if higher_is_better else f"{peer_median / ours_median:.2f}x"
        self.rows.append((scenario, self.figure(ours, unit), peer, self.figure(peer_values, unit) if peer_values else "", ratio, note))
        print(f"  {scenario}: {self.figure(ours, unit)} | {peer}: {self.figure(peer_values, unit) if peer_values else '-'} | {ratio}", flush=True)

    @staticmethod
    def figure(values, unit):
        def short(value):
            if unit in ("jobs/s", "rows/s", "customers/s", "req/s") and value >= 10_000:
                return f"{value / 1000:.1f}k"
            return f"{value:.0f}" if value >= 100 else f"{value:.2f}"
        median = statistics.median(values)
        return f"{short(median)} {unit} ({short(min(values))}-{short(max(values))})"

    # MARK: 1. queue drain

    def queue_drain(self):
        print("1. queue drain", flush=True)
        self.fresh_database("bench_queue")
        self.gdpr_worker(["migrate"], self.environment("bench_queue"))
        peers = {}
        ours = {}
        for workers in (1, 4, 16):
            rates = []
            for _ in range(self.runs):
                self.psql("bench_queue", "TRUNCATE gdpr_jobs, gdpr_audit")
                self.psql("bench_queue", f"INSERT INTO gdpr_jobs (customer_key) SELECT 'bench-' || g FROM generate_series(1, {self.jobs}) g")
                self.psql("bench_queue", "VACUUM ANALYZE gdpr_jobs")
                self.checkpoint("bench_queue")
                seconds, rss, _ = self.gdpr_worker(
                    ["work", "--drain", "--workers", str(workers)], self.environment("bench_queue"))
                done = int(self.psql("bench_queue", "SELECT count(*) FROM gdpr_audit"))
                assert done == self.jobs, f"{done} of {self.jobs} jobs done"
                rates.append(self.jobs / seconds)
                self.memory.append((f"work, queue drain, {workers} workers", rss))
            ours[workers] = rates

        self.fresh_database("bench_pgqueuer")
        subprocess.run([str(Path(self.python).parent / "pgq"), "--pg-dsn", self.url("bench_pgqueuer"), "install"],
                       check=True, capture_output=True)
        for batch in (10, 500):
            for workers in (1, 4, 16):
                rates = []
                for _ in range(self.runs):
                    self.psql("bench_pgqueuer", "TRUNCATE pgqueuer")
                    subprocess.run([self.python, PEERS / "pgqueuer_drain.py", "enqueue", self.url("bench_pgqueuer"), "--jobs", str(self.jobs)], check=True)
                    self.psql("bench_pgqueuer", "VACUUM ANALYZE pgqueuer")
                    self.checkpoint("bench_pgqueuer")
                    seconds = float(subprocess.run(
                        [self.python, PEERS / "pgqueuer_drain.py", "drain", self.url("bench_pgqueuer"),
                         "--processes", str(workers), "--batch-size", str(batch)],
                        check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
                    left = int(self.psql("bench_pgqueuer", "SELECT count(*) FROM pgqueuer"))
                    assert left == 0, f"pgqueuer left {left} jobs"
                    rates.append(self.jobs / seconds)
                peers[("pgqueuer", batch, workers)] = rates

        self.fresh_database("bench_pgbench")
        subprocess.run(["psql", "-X", "-q", self.url("bench_pgbench"), "-f", PEERS / "pgbench_queue.sql"], check=True, capture_output=True)
        for script, per_transaction in (("pgbench_one_per_transaction.sql", 1), ("pgbench_hundred_per_transaction.sql", 100)):
            for workers in (1, 4, 16):
                rates = []
                for _ in range(self.runs):
                    self.psql("bench_pgbench", "TRUNCATE bench_jobs")
                    self.psql("bench_pgbench", f"INSERT INTO bench_jobs (payload) SELECT 'bench-' || g FROM generate_series(1, {self.jobs}) g")
                    self.psql("bench_pgbench", "VACUUM ANALYZE bench_jobs")
                    self.checkpoint("bench_pgbench")
                    transactions = self.jobs // per_transaction // workers
                    output = subprocess.run(
                        ["pgbench", "-n", "-M", "prepared", "-c", str(workers), "-j", str(min(workers, 2)), "-t", str(transactions),
                         "-f", str(PEERS / script), self.url("bench_pgbench")],
                        check=True, capture_output=True, text=True).stdout
                    tps = float(re.search(r"tps = ([0-9.]+)", output).group(1))
                    rates.append(tps * per_transaction)
                peers[("pgbench", per_transaction, workers)] = rates

        for workers in (1, 4, 16):
            label = f"queue drain, {self.jobs // 1000}k no-op jobs, {workers} worker{'s' if workers > 1 else ''}"
            self.row(label, ours[workers], f"pgqueuer 1.6.0 default (batch_size=10), {workers} proc.", peers[("pgqueuer", 10, workers)], "jobs/s")
            self.row(label, ours[workers], f"pgqueuer 1.6.0 batch_size=500, {workers} proc.", peers[("pgqueuer", 500, workers)], "jobs/s")
            self.row(label, ours[workers], f"pgbench SKIP LOCKED, 1 job/transaction, c={workers}", peers[("pgbench", 1, workers)], "jobs/s")
            self.row(label, ours[workers], f"pgbench SKIP LOCKED, 100 jobs/transaction, c={workers}", peers[("pgbench", 100, workers)], "jobs/s")

    # MARK: 1b. SQLite drain

    def sqlite_drain(self):
        print("1b. SQLite drain", flush=True)
        ours, same_file, minimal = [], [], []
        database = self.work / "bench.sqlite3"
        backlog = self.work / "backlog.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{backlog}{suffix}").unlink(missing_ok=True)
        self.gdpr_worker(["migrate"], self.environment(f"sqlite:{backlog}"))
        # The backlog's jids are the UUIDv7s of requests arriving one a millisecond, as separate
        # INSERTs would make them; one INSERT ... SELECT would give them all the same millisecond.
        subprocess.run(["sqlite3", backlog, f"""
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {self.jobs}),
                 t(n, ms) AS (SELECT n, printf('%012x', CAST(strftime('%s', 'now') AS INTEGER) * 1000 - {self.jobs} + n) FROM g)
            INSERT INTO gdpr_jobs (jid, customer_key)
            SELECT lower(substr(ms, 1, 8) || '-' || substr(ms, 9, 4) || '-7' || substr(hex(randomblob(2)), 2) || '-a'
                         || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'bench-' || n FROM t"""], check=True)

        def fresh_copy():
            for suffix in ("-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(backlog, database)
            os.sync()

        def shell(sql):
            started = time.perf_counter()
            subprocess.run(["sqlite3", database], input=sql, check=True, text=True, capture_output=True)
            return time.perf_counter() - started

        def left():
            return subprocess.run(["sqlite3", database, "SELECT count(*) FROM gdpr_jobs"], capture_output=True, text=True).stdout.strip()

        batches = self.jobs // 100
        # Peer 1: the same file and the same work in raw SQL: claim 100 eligible jobs in run order,
        # write their audit rows, delete them, commit.
        same_work = "PRAGMA temp_store = MEMORY; CREATE TEMP TABLE batch (jid TEXT PRIMARY KEY);\n" + (
            "BEGIN IMMEDIATE;"
            " INSERT INTO batch SELECT jid FROM gdpr_jobs WHERE state = 'pending' AND run_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
            " ORDER BY run_at LIMIT 100;"
            " INSERT INTO gdpr_audit (jid, tenant, kind, mode, key_hash, attempts, max_attempts, created_at, legal_due_at, started_at,"
            " finished_at, worker) SELECT jid, tenant, kind, mode, hex(randomblob(32)), attempts + 1, max_attempts, created_at,"
            " legal_due_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'shell'"
            " FROM gdpr_jobs WHERE jid IN (SELECT jid FROM batch);"
            " DELETE FROM gdpr_jobs WHERE jid IN (SELECT jid FROM batch); DELETE FROM batch; COMMIT;\n") * batches
        # Peer 2: the ceiling, a minimal loop on an integer-keyed table in the same file, marking 100
        # rows done a transaction, with no audit row and no index on customer keys.
        minimal_setup = (
            "CREATE TABLE bench_jobs (id INTEGER PRIMARY KEY, payload TEXT, state TEXT NOT NULL DEFAULT 'pending', done_at TEXT);"
            "CREATE INDEX bench_jobs_pending ON bench_jobs (id) WHERE state = 'pending';"
            f"WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {self.jobs}) "
            "INSERT INTO bench_jobs (payload) SELECT 'bench-' || n FROM g; DELETE FROM gdpr_jobs;")
        minimal_loop = (
            "BEGIN IMMEDIATE; UPDATE bench_jobs SET state = 'done', done_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
            "WHERE id IN (SELECT id FROM bench_jobs WHERE state = 'pending' ORDER BY id LIMIT 100); COMMIT;\n") * batches
        for _ in range(self.runs):
            fresh_copy()
            seconds, rss, _ = self.gdpr_worker(["work", "--drain"], self.environment(f"sqlite:{database}"))
            assert left() == "0", "work --drain left jobs behind"
            ours.append(self.jobs / seconds)
            self.memory.append(("work, SQLite drain", rss))
            fresh_copy()
            same_file.append(self.jobs / shell(same_work))
            assert left() == "0", "the shell loop left jobs behind"
            fresh_copy()
            shell(minimal_setup)
            minimal.append(self.jobs / shell(minimal_loop))
            assert subprocess.run(["sqlite3", database, "SELECT count(*) FROM bench_jobs WHERE state = 'pending'"],
                                  capture_output=True, text=True).stdout.strip() == "0"
        self.sqlite_big_customers()
        label = f"SQLite drain, {self.jobs // 1000}k no-op jobs, 1 worker"
        self.row(label, ours, "sqlite3 shell on the same file: same claim, audit row and delete, 100/transaction", same_file,
                 "jobs/s", note="goal: at least 0.5x")
        self.row(label, ours, "sqlite3 shell on the same file: minimal UPDATE loop on an integer-keyed table, 100/transaction",
                 minimal, "jobs/s", note="ceiling: no audit row, no key index")

    # MARK: 2. end-to-end latency

    def sqlite_big_customers(self):
        """One sample customer with 1M and with 5M archived events (100k and 500k with --quick),
        deleted through `work --drain` on SQLite: time and peak RSS, which must stay bounded."""
        for events in ((100_000, 500_000) if self.quick else (1_000_000, 5_000_000)):
            database = self.work / f"big-{events}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            environment = self.environment(f"sqlite:{database}", data_map=self.work / "shop-map.yaml")
            self.gdpr_worker(["migrate"], environment)
            self.gdpr_worker(["sample", "--customers", "50"], environment)
            _, _, map_text = self.gdpr_worker(["sample", "--print-data-map"], environment)
            (self.work / "shop-map.yaml").write_text(map_text)
            subprocess.run(["sqlite3", database, f"""
                WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {events})
                INSERT INTO events_archive (id, visitor_key, event_type, page_url, ip_address, user_agent, occurred_at)
                SELECT 10000000 + n, 'customer-000001', 'page_view', '/p/' || n, '10.0.0.1', 'agent',
                       strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days') FROM g;
                INSERT INTO gdpr_jobs (customer_key, mode) VALUES ('customer-000001', 'delete');"""], check=True)
            self.gdpr_worker(["sweep"], environment)
            seconds, rss, _ = self.gdpr_worker(["work", "--drain"], environment)
            left = subprocess.run(["sqlite3", database, "SELECT count(*) FROM events_archive WHERE visitor_key = 'customer-000001'"],
                                  capture_output=True, text=True).stdout.strip()
            assert left == "0", f"{left} events survived"
            self.memory.append((f"work, SQLite, delete one customer with {events // 1000}k events", rss))
            self.rows.append((f"erasure, SQLite, delete one customer with {events // 1000}k events, through `work --drain`",
                              f"{seconds:.1f} s, peak RSS {rss:.0f} MiB", "", "", "", "goal: peak RSS within 64 MiB"))
            print(f"  SQLite, one customer with {events // 1000}k events: {seconds:.1f} s, {rss:.0f} MiB", flush=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)

    def latency(self):
        print("2. end-to-end latency", flush=True)
        self.fresh_database("bench_latency")
        self.gdpr_worker(["migrate"], self.environment("bench_latency"))
        jobs = 300 if self.quick else 1000
        p50s, p99s = [], []
        for _ in range(self.runs):
            worker = subprocess.Popen([self.binary, "work"], env=self.environment("bench_latency"), stderr=subprocess.DEVNULL)
            time.sleep(1)
            output = subprocess.run([self.python, PEERS / "latency.py", self.url("bench_latency"), "--jobs", str(jobs)],
                                    check=True, capture_output=True, text=True).stdout
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            latencies = sorted(float(line) for line in output.split())
            p50s.append(latencies[len(latencies) // 2])
            p99s.append(latencies[int(len(latencies) * 0.99) - 1])
        self.rows.append((f"SQL INSERT to done, idle pool, archive delay 0, {jobs} jobs",
                          f"p50 {self.figure(p50s, 'ms')}", "goal", "p50 < 10 ms", "", ""))
        self.rows.append((f"SQL INSERT to done, idle pool, archive delay 0, {jobs} jobs",
                          f"p99 {self.figure(p99s, 'ms')}", "goal", "p99 < 50 ms", "", ""))
        print(f"  p50 {self.figure(p50s, 'ms')}, p99 {self.figure(p99s, 'ms')}", flush=True)

    # MARK: 3. erasure

    def erasure(self):
        print("3. erasure (Benchmarks/ErasureBenchmark)", flush=True)
        customers, jobs = (20_000, 2_000) if self.quick else (100_000, 10_000)
        report = self.work / "erasure.json"
        shared_scale, shared_jobs = (5_000, 2_000) if self.quick else (10_000, 6_000)
        subprocess.run(
            [self.erasure_binary, "--database-url", self.server, "--customers", str(customers), "--jobs", str(jobs),
             "--runs", str(self.runs), "--worker-binary", self.binary, "--json", str(report),
             "--big-customer", str(100_000 if self.quick else 1_000_000),
             "--scenarios", "shop,shared", "--shared-scale", str(shared_scale), "--shared-jobs", str(shared_jobs)],
            check=True)
        results = json.loads(report.read_text())
        for mode in ("anonymise", "delete"):
            self.row(f"erasure, {mode}, {jobs // 1000}k of {customers // 1000}k sample customers, through `work --drain`",
                     results[mode]["worker"], "hand-written set-based SQL, same changes", results[mode]["peer"], "customers/s")
        for label, megabytes in results["memory"]:
            self.memory.append((label, float(megabytes)))
        shared = results.get("shared") or []
        single = {figure["variant"]: statistics.median(figure["jobsPerSecond"]) for figure in shared
                  if figure["workers"] == 1 and figure["processes"] == 1}
        indexed = {(figure["workers"], figure["processes"]): statistics.median(figure["jobsPerSecond"]) for figure in shared
                   if figure["variant"] == "indexed"}
        for figure in shared:
            ours = statistics.median(figure["jobsPerSecond"])
            notes = [f"deadlocks {figure['deadlocks']}"]
            if figure["workers"] > 1 or figure["processes"] > 1:
                notes.append(f"{ours / single[figure['variant']]:.2f}x of 1 worker")
            if figure["variant"] == "unindexed":
                notes.append(f"{ours / indexed[(figure['workers'], figure['processes'])]:.2f}x of indexed")
            self.row(f"erasure, storefront (most parents shared, no foreign keys), {shared_jobs // 1000}k mixed jobs, {figure['variant']}, "
                     f"{figure['workers']} worker{'s' if figure['workers'] > 1 else ''} x {figure['processes']} process{'es' if figure['processes'] > 1 else ''}",
                     figure["jobsPerSecond"], "hand-written set-based SQL, same changes, 1 connection", figure["peerJobsPerSecond"], "jobs/s",
                     note="; ".join(notes))
        big = results["big_customer"]
        self.rows.append((f"erasure, delete one customer with {big['events'] // 1000}k events, through `work --drain`",
                          f"{big['seconds']:.1f} s, peak RSS {big['megabytes']:.0f} MiB", "", "", "", "bounded memory"))

    # MARK: 4. sweep

    def sweep(self):
        print("4. archive sweep", flush=True)
        rows = 200_000 if self.quick else 1_000_000
        self.fresh_database("bench_sweep")
        self.gdpr_worker(["migrate"], self.environment("bench_sweep"))
        self.psql("bench_sweep", """
            CREATE TABLE bench_events (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, visitor_key text NOT NULL, kind text NOT NULL, occurred_at timestamptz NOT NULL);
            CREATE INDEX bench_events_occurred_at ON bench_events (occurred_at);
            CREATE INDEX bench_events_visitor ON bench_events (visitor_key);
            CREATE TABLE bench_events_archive (LIKE bench_events INCLUDING ALL)""")
        data_map = self.work / "sweep.yaml"
        data_map.write_text(
            "version: 1\ntables:\n  bench_events:\n    match: [visitor_key]\n"
            "    archive: { table: bench_events_archive, time_column: occurred_at }\n"
            "    columns: { id: keep, visitor_key: rekey, kind: keep, occurred_at: keep }\n")
        fill = (f"INSERT INTO bench_events SELECT g, 'visitor-' || (g % 50000), 'view', now() - interval '2 days' - g * interval '1 second' "
                f"FROM generate_series(1, {rows}) g")
        ours, peer = [], []
        for _ in range(self.runs):
            self.psql("bench_sweep", "TRUNCATE bench_events, bench_events_archive")
            self.psql("bench_sweep", fill)
            self.psql("bench_sweep", "VACUUM ANALYZE bench_events")
            self.checkpoint("bench_sweep")
            seconds, rss, output = self.gdpr_worker(["sweep", "--archive-delay", "1d"], self.environment("bench_sweep", data_map))
            assert int(self.psql("bench_sweep", "SELECT count(*) FROM bench_events_archive")) == rows, output
            ours.append(rows / seconds)
            self.memory.append(("sweep, 1M rows" if not self.quick else "sweep", rss))
            self.psql("bench_sweep", "TRUNCATE bench_events, bench_events_archive")
            self.psql("bench_sweep", fill)
            self.psql("bench_sweep", "VACUUM ANALYZE bench_events")
            self.checkpoint("bench_sweep")
            started = time.perf_counter()
            subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.url("bench_sweep"), "-c",
                            "BEGIN; INSERT INTO bench_events_archive SELECT * FROM bench_events WHERE occurred_at < now() - interval '1 day'; "
                            "DELETE FROM bench_events WHERE occurred_at < now() - interval '1 day'; COMMIT;"], check=True)
            peer.append(rows / (time.perf_counter() - started))
        self.row(f"archive sweep, {rows // 1000}k hot rows", ours, "one INSERT ... SELECT; DELETE", peer, "rows/s")

    # MARK: 5. status endpoint

    def status_endpoint(self):
        print("5. status endpoint (wrk)", flush=True)
        self.fresh_database("bench_http")
        environment = self.environment("bench_http")
        self.gdpr_worker(["migrate"], environment)
        key = subprocess.run([self.binary, "keys", "create", "--tenant", "default"], env=environment, check=True, capture_output=True, text=True).stdout.strip()
        done = subprocess.run([self.binary, "enqueue", "bench-done"], env=environment, check=True, capture_output=True, text=True).stdout.strip()
        self.gdpr_worker(["work", "--drain"], environment)
        # Clients poll thousands of different jobs: 10,000 waiting ones, each polled at random.
        many = 10_000
        self.psql("bench_http", f"INSERT INTO gdpr_jobs (customer_key) SELECT 'bench-pending-' || g FROM generate_series(1, {many}) g")
        jids_file = self.work / "jids.txt"
        jids_file.write_text(self.psql("bench_http", "SELECT jid FROM gdpr_jobs") + "\n")
        port = free_port()
        timing = self.work / "serve-time.txt"
        server = subprocess.Popen(["/usr/bin/time", "-o", str(timing), "-f", "%M", self.binary, "serve", "--no-worker", "--port", str(port)],
                                  env=dict(environment, GDPR_WORKER_ARCHIVE_DELAY="5d"), stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            if subprocess.run(["curl", "-sf", f"{base}/health"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        serve_pid = int(subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()[0])
        idle = rss_megabytes(serve_pid)
        duration = "3s" if self.quick else "10s"
        results = {}
        for name, path, headers in (
            ("/health", "/health", []),
            ("job-status, done job", f"/api/v2/event-data/job-status?jid={done}", ["-H", f"Api-Key: {key}"]),
            ("job-status, 10,000 distinct waiting jobs", "", None),
        ):
            rates, p99s = [], []
            for _ in range(self.runs):
                if headers is None:
                    command = ["wrk", "-t2", "-c32", f"-d{duration}", "--latency", "-s", str(Path(__file__).parent / "status-many-jids.lua"), base, "--", str(jids_file)]
                else:
                    command = ["wrk", "-t2", "-c32", f"-d{duration}", "--latency", *headers, base + path]
                output = subprocess.run(command, check=True, capture_output=True, text=True,
                                        env=dict(os.environ, GDPR_WORKER_BENCH_KEY=key)).stdout
                non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
                assert non_2xx is None, f"wrk saw errors on {path}: {output}"
                rates.append(float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1)))
                p99s.append(wrk_milliseconds(re.search(r"99%\s+([0-9.]+\w+)", output).group(1)))
            results[name] = (rates, p99s)
        loaded = rss_megabytes(serve_pid)
        # To serve itself: /usr/bin/time would die of the signal before printing the peak.
        os.kill(serve_pid, signal.SIGTERM)
        server.wait(timeout=30)
        peak = int(timing.read_text().split()[-1]) / 1024
        health_rates, health_p99 = results["/health"]
        for name in ("job-status, done job", "job-status, 10,000 distinct waiting jobs"):
            rates, p99s = results[name]
            self.row(f"HTTP {name} (wrk -t2 -c32), PostgreSQL", rates, "bare Hummingbird route, /health, same server", health_rates, "req/s",
                     note=f"p99 {statistics.median(p99s):.2f} ms (/health p99 {statistics.median(health_p99):.2f} ms); goal ≥ 0.5x and p99 < 10 ms")
        self.memory += [("serve, idle", idle), ("serve, under wrk load", loaded), ("serve, peak", peak)]

    # MARK: report

    def report(self):
        lines = [
            f"Measured {datetime.date.today().isoformat()} on {machine()}, PostgreSQL {self.psql('postgres', 'SHOW server_version')}"
            f" (fsync on), with `Benchmarks/run{' --quick' if self.quick else ''}`: medians of {self.runs} runs, (min-max).",
            "",
            "| Scenario | gdpr-worker | Peer | Peer figure | Ratio | Note |",
            "|---|---|---|---|---|---|",
        ]
        lines += [f"| {' | '.join(row)} |" for row in self.rows]
        lines += ["", "| Peak memory (RSS) | MiB |", "|---|---|"]
        seen = {}
        for label, megabytes in self.memory:
            seen[label] = max(seen.get(label, 0), megabytes)
        lines += [f"| {label} | {megabytes:.0f} |" for label, megabytes in seen.items()]
        return "\n".join(lines)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_megabytes(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk_milliseconds(text):
    value, unit = re.match(r"([0-9.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def machine():
    cores = os.cpu_count()
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "")
    return f"{cores} cores ({model}), {memory} GiB, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--erasure-binary", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="comma-separated scenarios: queue,sqlite,latency,erasure,sweep,http")
    parser.add_argument("--output")
    arguments = parser.parse_args()
    bench = Bench(arguments)
    scenarios = {"queue": bench.queue_drain, "sqlite": bench.sqlite_drain, "latency": bench.latency, "erasure": bench.erasure,
                 "sweep": bench.sweep, "http": bench.status_endpoint}
    for name in (arguments.only.split(",") if arguments.only else scenarios):
        scenarios[name]()
    report = bench.report()
    print()
    print(report)
    if arguments.output:
        Path(arguments.output).write_text(report + "\n")


if __name__ == "__main__":
    main()
