"""Benchmark: signed generic webhooks from a second process on loopback into `careloop serve`.

Starts `careloop serve` (waitress + one worker) on a fresh data folder (SQLite by default; DATABASE_URL for
PostgreSQL), adds a webhook source, then a separate sender process posts N signed webhooks (one post each,
C requests in flight). Prints:

- sustained posts/s into the database: posts answered 200 (committed) per second of sending;
- request latency p50/p99 (send → 200);
- request → scored post p50/p99: from the moment each request was sent until the worker had written the
  post's scores (scored_at), read back from the database afterwards.

Baseline: the throughput Synapse itself delivered here, 74–77 messages/s with 10 in flight on SQLite
(/work/shared/design/real-servers.md): careloop should take in posts faster than a busy chat server makes
them. Not a test: it never fails on timing.

    python bench/webhook.py --posts 2000 --concurrency 8 [--db postgres]
    CARELOOP_SCORING_WINDOW=0 python bench/webhook.py …   # one scoring task per request, for comparison
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SECRET = "bench-webhook-secret-0123456789"
BASELINE_MSGS_PER_S = 75
TEXTS = ["the app update broke login again and support never answers my ticket",
         "thanks for the quick help, works now", "same here since Tuesday, sync is stuck",
         "billing charged me twice, please fix this", "great feature idea, love it"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def send_all(url: str, posts: int, concurrency: int, out: multiprocessing.Queue) -> None:
    """The sender process: C threads, each posting its share; puts (id, sent_at, latency, status) rows."""
    from careloop.connectors.webhook.signing import sign

    rows: list[tuple[str, float, float, int]] = []
    lock = threading.Lock()
    counter = iter(range(posts))

    def worker() -> None:
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            record = {"id": f"w{n}", "thread_id": f"t{n // 10}", "parent_id": f"w{n - 1}" if n % 10 else None,
                      "author": {"id": f"m{n % 97}", "name": f"Member {n % 97}"},
                      "created_at": datetime.now(UTC).isoformat(), "text": TEXTS[n % len(TEXTS)]}
            body = json.dumps(record).encode()
            request = urllib.request.Request(url, data=body, method="POST", headers={
                "Content-Type": "application/json", **sign(SECRET, body)})
            sent = time.time()
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            latency = time.perf_counter() - start
            with lock:
                rows.append((record["id"], sent, latency, status))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put({"rows": rows, "elapsed": time.perf_counter() - began})


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if json.load(r).get("worker") == "ok":
                    return
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"careloop did not come up at {url}")
        time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite",
                        help="postgres: a fresh database on $CARELOOP_BENCH_POSTGRES (dropped afterwards).")
    parser.add_argument("--keep", action="store_true", help="Keep the data folder.")
    args = parser.parse_args()
    pg_admin = os.environ.get("CARELOOP_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    dbname = f"careloop_bench_webhook_{os.getpid()}"
    os.environ.pop("DATABASE_URL", None)
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(f"{pg_admin}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        os.environ["DATABASE_URL"] = f"{pg_admin}/{dbname}"

    home = Path(tempfile.mkdtemp(prefix="careloop-bench-webhook-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CARELOOP_TASKS_IMMEDIATE")}
    env.update(CARELOOP_HOME=str(home), PYTHONPATH=str(REPO), BENCH_SECRET=SECRET)
    os.environ.update(CARELOOP_HOME=str(home))
    os.environ.pop("CARELOOP_TASKS_IMMEDIATE", None)
    careloop = [sys.executable, "-m", "careloop"]
    if "DATABASE_URL" in env:
        subprocess.run([*careloop, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*careloop, "source", "add", "bench-hook", "--kind", "webhook", "--secret-env",
                    "secret=BENCH_SECRET"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([*careloop, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(home / "serve.log", "wb"))  # noqa: SIM115
    try:
        wait_for(f"http://127.0.0.1:{port}/health")
        queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
        sender = multiprocessing.get_context("spawn").Process(
            target=send_all, args=(f"http://127.0.0.1:{port}/hooks/bench-hook/", args.posts, args.concurrency, queue))
        sender.start()
        result = queue.get()
        sender.join()
        rows, elapsed = result["rows"], result["elapsed"]
        ok = [r for r in rows if r[3] == 200]

        from careloop.bootstrap import setup

        setup(home)
        from careloop.community.models import Post

        deadline = time.monotonic() + 300
        while Post.objects.filter(source__name="bench-hook", scored_at__isnull=True).exists():
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        scored = dict(Post.objects.filter(source__name="bench-hook", scored_at__isnull=False)
                      .values_list("external_id", "scored_at"))
        stored = Post.objects.filter(source__name="bench-hook").count()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
        if args.db == "postgres":
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(f"{pg_admin}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    to_scored = [scored[i].timestamp() - sent for i, sent, _, _ in ok if i in scored]
    db = "PostgreSQL" if "DATABASE_URL" in env else "SQLite"
    print(f"webhook benchmark: {args.posts} signed posts, {args.concurrency} in flight, {db}, "
          f"careloop serve (waitress 8 threads + 1 worker)")
    statuses = sorted({r[3] for r in rows})
    print(f"  answered 200          {len(ok)} of {len(rows)} (statuses {statuses}); stored {stored} posts")
    print(f"  sustained             {len(ok) / elapsed:,.0f} posts/s into the database "
          f"(baseline: Synapse here ~{BASELINE_MSGS_PER_S} messages/s)")
    print(f"  request latency       p50 {percentile([r[2] for r in ok], 50) * 1000:.1f} ms, "
          f"p99 {percentile([r[2] for r in ok], 99) * 1000:.1f} ms")
    if to_scored:
        print(f"  request → scored      p50 {percentile(to_scored, 50) * 1000:.0f} ms, "
              f"p99 {percentile(to_scored, 99) * 1000:.0f} ms ({len(to_scored)} posts scored)")
    else:
        print("  request → scored      no post was scored within 5 minutes (is the worker running?)")


if __name__ == "__main__":
    main()
