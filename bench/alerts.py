#!/usr/bin/env python3
"""Alert intake benchmark (not a test): anxun's Alertmanager-shaped endpoint
side by side with Prometheus Alertmanager from Debian, both fed the same
stream by ../shared/tools/alert-load, interleaved run by run so machine noise
falls on both alike. A fresh process of each per run (anxun on a fresh SQLite
database with the demo, or on a fresh database of one throwaway PostgreSQL).

  bench/alerts.py [--cases 1000x100,50000x2] [--runs 3] [--backend sqlite|postgresql]

Prints one Markdown table for docs/performance.md. Every event anxun answers
2xx for is durable (committed, fsync'd) before the answer.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.environ.get("ALERT_LOAD_DIR",
                       os.path.join(ROOT, "..", "shared", "tools", "alert-load"))
sys.path.insert(0, TOOLS)
import alert_load  # noqa: E402
import bench_alertmanager as am_harness  # noqa: E402

PASSWORD = "Bench-Passw0rd-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_json(url, body, token=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


class Anxun:
    """One `anxun serve --demo` on a loopback port with its own data dir."""

    def __init__(self, binary, db_url=None):
        self.dir = tempfile.mkdtemp(prefix="anxun-alert-bench-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        cmd = [binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--data", self.dir,
               "--demo", "--log-level", "error"]
        if db_url:
            cmd += ["--db", db_url]
        env = dict(os.environ, ANXUN_DEMO_PASSWORD=PASSWORD)
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.pid = self.proc.pid

    def wait_ready(self, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("anxun did not come up: " + open(self.log.name).read()[-2000:])
        # The demo's safety officer holds event.post for the demo plant.
        self.token = post_json(self.url + "/api/v1/auth/login",
                               {"username": "safety", "password": PASSWORD})["token"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def load_args(url, pid, n, m, b, c, extra):
    return alert_load.finish_args(alert_load.parser().parse_args([
        "--url", url, "-n", str(n), "-m", str(m), "-b", str(b), "-c", str(c),
        "--pid", str(pid), "--timeout", "600", "--request-timeout", "120", *extra]))


def run_anxun(binary, db_url, n, m, b, c):
    srv = Anxun(binary, db_url)
    try:
        srv.wait_ready()
        time.sleep(1)
        return alert_load.run(load_args(
            srv.url, srv.pid, n, m, b, c,
            ["--post-path", "/api/v2/alerts", "--verify", "groups",
             "--verify-path", "/api/v2/alerts/groups", "--no-filter",
             "--header", "Authorization: Bearer " + srv.token]))
    finally:
        srv.stop()


def run_alertmanager(binary, n, m, b, c):
    am = am_harness.Alertmanager(binary, os.path.join(TOOLS, "configs", "alertmanager-null.yml"))
    try:
        am.wait_ready()
        time.sleep(1)
        return alert_load.run(load_args(am.url, am.pid, n, m, b, c, []))
    finally:
        am.stop()


def median(rows, key):
    xs = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="1000x100,50000x2")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    ap.add_argument("--binary", default=os.environ.get("ANXUN_BIN",
                                                       os.path.join(ROOT, "build", "anxun")))
    a = ap.parse_args()
    am_binary = am_harness.find_binary(None)

    pg_dir = None
    if a.backend == "postgresql":
        pg_dir = tempfile.mkdtemp(prefix="anxun-alert-bench-pg-")
        os.chmod(pg_dir, 0o755)
    try:
        table = []
        for case in a.cases.split(","):
            n, m, b, c = am_harness.parse_case(case, a.batch, a.concurrency)
            ours, theirs = [], []
            for r in range(a.runs):
                db_url = None
                if pg_dir:
                    db_url = subprocess.run(
                        [os.path.join(ROOT, "scripts", "pg.sh"), "start", f"{pg_dir}/pg{r}{n}"],
                        check=True, capture_output=True, text=True,
                        env=dict(os.environ, PG_DURABLE="1")).stdout.strip()
                try:
                    ours.append(run_anxun(a.binary, db_url, n, m, b, c))
                finally:
                    if db_url:
                        subprocess.run([os.path.join(ROOT, "scripts", "pg.sh"), "stop",
                                        f"{pg_dir}/pg{r}{n}"], check=False)
                theirs.append(run_alertmanager(am_binary, n, m, b, c))
                for name, row in (("anxun", ours[-1]), ("alertmanager", theirs[-1])):
                    print(f"{n}x{m} run {r + 1} {name}: {row['accepted_per_s']} acc/s, "
                          f"e2e {row.get('e2e_s')} s, HWM {row.get('rss_hwm_mb')} MB, "
                          f"{row.get('target_cpu_us_per_alert')} us/alert, "
                          f"other cores {row.get('other_cores_avg')}, "
                          f"failed {row['failed_batches']}", file=sys.stderr, flush=True)
            table.append((n, m, b, c, ours, theirs))
    finally:
        if pg_dir:
            shutil.rmtree(pg_dir, ignore_errors=True)

    print(f"\nanxun on {a.backend}, medians of {a.runs} interleaved runs\n")
    print("| case | engine | accepted/s | e2e s | peak RSS MB | CPU us/alert | other cores |"
          " anxun/AM rate |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for n, m, b, c, ours, theirs in table:
        ratio = median(ours, "accepted_per_s") / median(theirs, "accepted_per_s")
        for name, rows in (("anxun", ours), ("Alertmanager", theirs)):
            print(f"| {n} x {m} (B={b}, C={c}) | {name} | {median(rows, 'accepted_per_s'):.0f} | "
                  f"{median(rows, 'e2e_s'):.2f} | {median(rows, 'rss_hwm_mb'):.1f} | "
                  f"{median(rows, 'target_cpu_us_per_alert'):.1f} | "
                  f"{median(rows, 'other_cores_avg'):.2f} | "
                  f"{f'{ratio:.2f}' if name == 'anxun' else ''} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
