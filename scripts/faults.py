"""The fault suite's scenarios; run through scripts/faults, which starts the PostgreSQL cluster.

Every scenario loads the sample shop into a database of its own, records two things by trigger
(each audit record written, and each committed change to a customer row), runs the real binary
while its fault happens, and then measures:

- jobs: enqueued; done: audit records; failed: rows in gdpr_jobs_failed;
- lost: jobs neither done, failed nor still queued;
- done twice: jids audited more than once, plus customers whose row two committed erasures
  changed (both counted from trigger logs without keys, so neither is a primary key's tautology);
- max stall: the longest time the done count stood still while a job was eligible;
- PII found: customer keys, emails or the trigger's secret text in the workers' logs, in stored
  failure reasons or in `gdpr-worker status` output.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

MUST_BE_ZERO = ("lost", "done twice", "PII found")


class Suite:
    def __init__(self, arguments):
        self.url = arguments.database_url
        self.cluster = arguments.cluster
        self.binary = arguments.binary
        self.work = Path(arguments.work)
        self.short = arguments.short
        self.rows = []
        self.failures = []

    # MARK: plumbing

    def database_url(self, name):
        return self.url.rsplit("/", 1)[0] + "/" + name

    def psql(self, name, sql, check=True):
        result = subprocess.run(
            ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", self.database_url(name), "-c", sql],
            capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def environment(self, name, **extra):
        environment = dict(os.environ)
        environment.update({
            "GDPR_WORKER_DATABASE_URL": self.database_url(name),
            "GDPR_WORKER_DATA_MAP": str(self.work / "datamap.yaml"),
            "GDPR_WORKER_ARCHIVE_DELAY": "0s",
            "GDPR_WORKER_AUDIT_SECRET": "faults",
            "GDPR_WORKER_LOG_LEVEL": "info",
            "GDPR_WORKER_EXPORT_DIR": str(self.work / "exports"),
        })
        environment.update(extra)
        return environment

    def run(self, name, arguments, log, **extra):
        with open(log, "a") as output:
            return subprocess.run([self.binary, *arguments], env=self.environment(name, **extra), stdout=output, stderr=output).returncode

    def spawn(self, name, arguments, log, **extra):
        output = open(log, "a")
        return subprocess.Popen([self.binary, *arguments], env=self.environment(name, **extra), stdout=output, stderr=output)

    def prepare(self, name, customers, jobs, log):
        """A database with the sample shop, the trigger logs, `jobs` removal jobs, and a sweep."""
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.psql("postgres", f"CREATE DATABASE {name}")
        if not (self.work / "datamap.yaml").exists():
            map_text = subprocess.run([self.binary, "sample", "--print-data-map"], capture_output=True, text=True, check=True).stdout
            (self.work / "datamap.yaml").write_text(map_text)
        assert self.run(name, ["migrate"], log) == 0, "migrate failed"
        assert self.run(name, ["sample", "--customers", str(customers)], log) == 0, "sample failed"
        self.psql(name, """
            CREATE TABLE fault_done_log (jid uuid, at timestamptz DEFAULT clock_timestamp());
            CREATE FUNCTION fault_log_done() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO fault_done_log (jid) VALUES (NEW.jid); RETURN NULL; END $$;
            CREATE TRIGGER fault_log_done AFTER INSERT ON gdpr_audit FOR EACH ROW EXECUTE FUNCTION fault_log_done();
            CREATE TABLE fault_effects (row_id bigint, at timestamptz DEFAULT clock_timestamp());
            CREATE FUNCTION fault_log_effect() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' OR OLD IS DISTINCT FROM NEW THEN INSERT INTO fault_effects (row_id) VALUES (OLD.id); END IF;
              RETURN NULL;
            END $$;
            CREATE TRIGGER fault_log_effect AFTER UPDATE OR DELETE ON customers FOR EACH ROW EXECUTE FUNCTION fault_log_effect();
            """)
        self.enqueue(name, 1, jobs)
        assert self.run(name, ["sweep"], log) == 0, "sweep failed"

    def enqueue(self, name, first, last):
        self.psql(name, f"""
            INSERT INTO gdpr_jobs (customer_key, mode)
            SELECT 'customer-' || lpad(g::text, 6, '0'), CASE WHEN g % 2 = 0 THEN 'delete' ELSE 'anonymise' END
              FROM generate_series({first}, {last}) g""")

    def watch(self, name):
        """Samples progress every 100 ms; returns a stop function giving the longest stall in seconds."""
        state = {"stall": 0.0, "running": True}

        def sample():
            last_done, since = -1, time.monotonic()
            while state["running"]:
                try:
                    done, eligible = self.psql(
                        name, "SELECT (SELECT count(*) FROM gdpr_audit) || ',' || (SELECT count(*) FROM gdpr_jobs WHERE run_at <= now())",
                        check=False).split(",")
                    done, eligible = int(done), int(eligible)
                except (ValueError, RuntimeError):
                    time.sleep(0.1)
                    continue
                now = time.monotonic()
                if done != last_done or eligible == 0:
                    # Progress: the wait that ends here counts, including an outage unsampled.
                    state["stall"] = max(state["stall"], now - since if last_done >= 0 and done != last_done else 0)
                    last_done, since = done, now
                state["stall"] = max(state["stall"], now - since)
                time.sleep(0.1)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()

        def stop():
            state["running"] = False
            thread.join()
            return state["stall"]
        return stop

    def wait_until_drained(self, name, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.psql(name, "SELECT count(*) FROM gdpr_jobs", check=False) == "0":
                return True
            time.sleep(0.2)
        return False

    def measure(self, fault, name, jobs, stall, logs, secrets=(), failed_expected=0, stall_bound=30.0):
        done = int(self.psql(name, "SELECT count(*) FROM gdpr_audit"))
        failed = int(self.psql(name, "SELECT count(*) FROM gdpr_jobs_failed"))
        queued = int(self.psql(name, "SELECT count(*) FROM gdpr_jobs"))
        twice = int(self.psql(name, "SELECT count(*) FROM (SELECT jid FROM fault_done_log GROUP BY jid HAVING count(*) > 1) d"))
        twice += int(self.psql(name, "SELECT count(*) FROM (SELECT row_id FROM fault_effects GROUP BY row_id HAVING count(*) > 1) e"))
        keys = set(self.psql(name, "SELECT DISTINCT customer_key FROM gdpr_jobs UNION SELECT customer_key FROM gdpr_jobs_failed").split())
        keys |= {f"customer-{n:06d}" for n in range(1, jobs + 1)}
        texts = [Path(log).read_text(errors="replace") for log in logs if Path(log).exists()]
        texts.append(self.psql(name, "SELECT coalesce(string_agg(last_error, E'\\n'), '') FROM gdpr_jobs"))
        texts.append(self.psql(name, "SELECT coalesce(string_agg(reason, E'\\n'), '') FROM gdpr_jobs_failed"))
        for jid in self.psql(name, "SELECT jid FROM gdpr_job_status WHERE status <> 'done' LIMIT 20").split():
            status = subprocess.run([self.binary, "status", jid], env=self.environment(name), capture_output=True, text=True)
            texts.append(status.stdout + status.stderr)
        emails = set(self.psql(name, "SELECT email FROM customers WHERE email NOT LIKE 'anon-%' LIMIT 1000").split())
        needles = [k for k in keys if k] + list(secrets) + list(emails)
        pii = sum(text.count(needle) for text in texts for needle in needles)
        lost = jobs - done - failed - queued
        row = {"fault": fault, "jobs": jobs, "done": done, "failed": failed, "lost": lost, "done twice": twice,
               "max stall": f"{stall:.1f} s", "PII found": pii}
        self.rows.append(row)
        for column in MUST_BE_ZERO:
            if row[column] != 0:
                self.failures.append(f"{fault}: {column} = {row[column]}")
        if failed != failed_expected:
            self.failures.append(f"{fault}: failed = {failed}, expected {failed_expected}")
        if queued != 0:
            self.failures.append(f"{fault}: {queued} jobs still queued at the end")
        if stall > stall_bound:
            self.failures.append(f"{fault}: a stall of {stall:.1f} s exceeds {stall_bound:.0f} s")
        print(f"  {fault}: " + ", ".join(f"{k} {v}" for k, v in row.items() if k != "fault"), flush=True)

    # MARK: scenarios

    def kill9(self):
        """kill -9 loops over two worker processes while they erase."""
        name, log = "fault_kill9", self.work / "kill9.log"
        customers, jobs, kills = (4000, 3500, 8) if self.short else (12000, 10000, 25)
        self.prepare(name, customers, jobs, log)
        stop = self.watch(name)
        # Small batches, so that the drain lasts through every kill.
        arguments = ["work", "--workers", "2", "--batch-size", "5", "--poll-interval", "200ms"]
        processes = [self.spawn(name, arguments, log) for _ in range(2)]
        random.seed(7)
        for kill in range(kills):
            time.sleep(random.uniform(0.3, 1.0))
            if self.psql(name, "SELECT count(*) FROM gdpr_jobs") == "0":
                self.failures.append(f"kill9: the queue drained before kill {kill + 1} of {kills}; enqueue more jobs")
                break
            victim = random.randrange(len(processes))
            processes[victim].send_signal(signal.SIGKILL)
            processes[victim].wait()
            processes[victim] = self.spawn(name, arguments, log)
        drained = self.wait_until_drained(name, 300)
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait()
        stall = stop()
        if not drained:
            self.failures.append("kill9: the queue did not drain")
        self.measure(f"kill -9 x{kills}, 2 processes", name, jobs, stall, [log])

    def restart(self):
        """PostgreSQL stopped and started again in the middle of a drain."""
        name, log = "fault_restart", self.work / "restart.log"
        customers, jobs = (3000, 2500) if self.short else (12000, 10000)
        self.prepare(name, customers, jobs, log)
        stop = self.watch(name)
        process = self.spawn(name, ["work", "--workers", "4", "--batch-size", "5", "--poll-interval", "200ms"], log)
        while int(self.psql(name, "SELECT count(*) FROM gdpr_audit")) < jobs // 4:
            time.sleep(0.05)
        if self.psql(name, "SELECT count(*) FROM gdpr_jobs") == "0":
            self.failures.append("restart: the queue drained before the restart; enqueue more jobs")
        subprocess.run(["scripts/ephemeral-postgres", "pause", self.cluster], check=True)
        time.sleep(2)
        subprocess.run(["scripts/ephemeral-postgres", "resume", self.cluster], check=True)
        drained = self.wait_until_drained(name, 300)
        process.send_signal(signal.SIGTERM)
        process.wait()
        stall = stop()
        if not drained:
            self.failures.append("restart: the queue did not drain")
        # The outage itself is a stall by design; the bound allows for reconnect backoff.
        self.measure("PostgreSQL restart mid-drain", name, jobs, stall, [log], stall_bound=30.0)

    def poison(self):
        """One job no version can read, among good ones."""
        name, log = "fault_poison", self.work / "poison.log"
        customers, jobs = (1200, 1000) if self.short else (3000, 2500)
        self.prepare(name, customers, jobs, log)
        self.psql(name, "INSERT INTO gdpr_jobs (customer_key, kind, created_at) VALUES ('poison', 'export', '9999-12-31')")
        self.psql(name, """INSERT INTO gdpr_jobs (customer_key, kind, created_at, run_at)
                           VALUES ('poison-2', 'export', '294276-01-01', '-infinity')""")
        stop = self.watch(name)
        code = self.run(name, ["work", "--drain", "--workers", "2", "--batch-size", "100"], log)
        stall = stop()
        if code != 0:
            self.failures.append(f"poison: work --drain exited {code}")
        # Timestamps at the edges of the engine's range: read, done (the keys match nothing), never a stall.
        self.measure("poison jobs among good ones", name, jobs + 2, stall, [log], stall_bound=10.0)

    def lock(self):
        """The application holds one customer's row locked for a while."""
        name, log = "fault_lock", self.work / "lock.log"
        customers, jobs, hold = (600, 400, 12) if self.short else (2000, 1500, 40)
        self.prepare(name, customers, jobs, log)
        holder = subprocess.Popen(
            ["psql", "-X", "-q", self.database_url(name)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        holder.stdin.write("BEGIN; SELECT id FROM customers WHERE customer_key = 'customer-000007' FOR UPDATE;\n")
        holder.stdin.flush()
        time.sleep(0.5)
        stop = self.watch(name)
        process = self.spawn(name, ["work", "--workers", "2", "--lock-timeout", "1s", "--poll-interval", "200ms"], log)
        started = time.monotonic()
        while self.psql(name, "SELECT count(*) FROM gdpr_audit") != str(jobs - 1) and time.monotonic() - started < 120:
            time.sleep(0.2)
        others = time.monotonic() - started
        time.sleep(max(0, hold - others))
        holder.stdin.write("ROLLBACK;\n\\q\n")
        holder.stdin.flush()
        holder.wait()
        self.psql(name, "UPDATE gdpr_jobs SET run_at = now()")
        drained = self.wait_until_drained(name, 120)
        process.send_signal(signal.SIGTERM)
        process.wait()
        stall = stop()
        if not drained:
            self.failures.append("lock: the locked customer's job never finished")
        if others > 30:
            self.failures.append(f"lock: the other jobs took {others:.0f} s behind one locked row")
        self.measure(f"application lock on one row, {hold} s", name, jobs, stall, [log], stall_bound=15.0)

    def trigger(self):
        """A trigger that raises with the row's email, in the message, the detail and the hint."""
        name, log = "fault_trigger", self.work / "trigger.log"
        customers, jobs = (300, 200) if self.short else (1000, 800)
        self.prepare(name, customers, jobs, log)
        secret = f"vip-{uuid.uuid4().hex[:8]}@example.com"
        self.psql(name, f"""
            UPDATE customers SET email = '{secret}' WHERE customer_key = 'customer-000003';
            CREATE FUNCTION refuse_vip() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION USING ERRCODE = '23514', MESSAGE = 'customer ' || OLD.email || ' is protected', DETAIL = OLD.email, HINT = OLD.email;
            END $$;
            CREATE TRIGGER refuse_vip BEFORE UPDATE OR DELETE ON customers FOR EACH ROW
              WHEN (OLD.email = '{secret}') EXECUTE FUNCTION refuse_vip();""")
        stop = self.watch(name)
        code = self.run(name, ["work", "--drain", "--workers", "2"], log, GDPR_WORKER_LOG_LEVEL="trace")
        stall = stop()
        if code != 0:
            self.failures.append(f"trigger: work --drain exited {code}")
        # The protected customer's job fails (a constraint violation is permanent); nothing leaks.
        self.measure("trigger raising with PII", name, jobs, stall, [log], secrets=[secret], failed_expected=1, stall_bound=10.0)

    def bigjob(self):
        """A customer with many events, its worker killed after the first checkpoint committed."""
        name, log = "fault_bigjob", self.work / "bigjob.log"
        events = 250_000 if self.short else 1_000_000
        self.prepare(name, 50, 0, log)
        self.psql(name, f"""
            INSERT INTO events_archive (id, visitor_key, event_type, page_url, ip_address, user_agent, occurred_at)
            SELECT 10000000 + g, 'customer-000001', 'page_view', '/p/' || g, '10.0.0.1', 'agent', now() - interval '30 days'
              FROM generate_series(1, {events}) g""")
        self.enqueue(name, 1, 1)
        self.psql(name, "UPDATE gdpr_jobs SET mode = 'delete'")
        assert self.run(name, ["sweep"], log) == 0
        stop = self.watch(name)
        process = self.spawn(name, ["work", "--workers", "1"], log)
        deadline = time.monotonic() + 300
        while self.psql(name, "SELECT count(*) FROM gdpr_jobs WHERE erased_so_far IS NOT NULL") != "1" and time.monotonic() < deadline:
            time.sleep(0.05)
        checkpointed = time.monotonic() < deadline
        process.send_signal(signal.SIGKILL)
        process.wait()
        process = self.spawn(name, ["work", "--workers", "1"], log)
        drained = self.wait_until_drained(name, 300)
        process.send_signal(signal.SIGTERM)
        process.wait()
        stall = stop()
        if not checkpointed:
            self.failures.append("bigjob: no checkpoint committed before the kill")
        if not drained:
            self.failures.append("bigjob: the job did not finish after the restart")
        left = self.psql(name, "SELECT count(*) FROM events_archive WHERE visitor_key = 'customer-000001'")
        counted = self.psql(name, "SELECT coalesce(sum((t->>'rows')::bigint), 0) FROM gdpr_audit, jsonb_array_elements(tables::jsonb) t WHERE t->>'table' = 'events_archive'")
        if left != "0":
            self.failures.append(f"bigjob: {left} events of the customer survived")
        if int(counted or 0) < events:
            self.failures.append(f"bigjob: the audit record counts {counted} of {events} archived events")
        self.measure(f"big job killed after a checkpoint ({events // 1000}k events)", name, 1, stall, [log], stall_bound=120.0)

    def table(self):
        columns = ["fault", "jobs", "done", "failed", "lost", "done twice", "max stall", "PII found"]
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for row in self.rows:
            lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
        return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--only", default="kill9,restart,poison,lock,trigger,bigjob")
    arguments = parser.parse_args()
    suite = Suite(arguments)
    started = time.monotonic()
    for scenario in arguments.only.split(","):
        print(f"==> {scenario}", flush=True)
        try:
            getattr(suite, scenario)()
        except Exception as error:  # a scenario that breaks is a failure of the suite, not a crash of it
            suite.failures.append(f"{scenario}: {type(error).__name__}: {error}")
            print(f"  {scenario} broke: {error}", flush=True)
    print()
    print(suite.table())
    print(f"\n{len(suite.rows)} faults in {time.monotonic() - started:.0f} s")
    if suite.failures:
        print("\nFAILED:\n  " + "\n  ".join(suite.failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
