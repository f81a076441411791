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

A sustained rate (issue 17's acceptance: 200 posts/s for 5 minutes, request p99 < 250 ms, request → scored and
listened p99 < 1 s), open loop: request i is sent at start + i/R whatever the answers before it, from a pool of
sender threads on keep-alive connections, so a slow server shows as latency, not as a lower rate:

    python bench/webhook.py --rate 200 --seconds 300 [--db postgres] --json

Its last line is one JSON object: sent, stored, duplicates (posts stored more than once: must be 0), answered
(200s), statuses, posts_per_s (posts answered 200 per second of sending), request_p50_ms/request_p99_ms,
scored_p50_ms/scored_p99_ms (request sent → the post scored and its thread listened: the later of scored_at and
listened_at), late_send_p99_ms (how far the sender itself fell behind its schedule), profile, db, uptime.
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


def send_at_rate(url: str, rate: float, seconds: float, threads: int, out: multiprocessing.Queue) -> None:
    """The sender process, open loop: request n is due at start + n / rate; `threads` senders, each with its own
    keep-alive connection, take the next due request. Puts (id, sent_at, latency, status, late) rows."""
    import http.client
    from urllib.parse import urlsplit

    from careloop.connectors.webhook.signing import sign

    parts = urlsplit(url)
    total = int(rate * seconds)
    rows: list[tuple[str, float, float, int, float]] = []
    lock = threading.Lock()
    counter = iter(range(total))
    began = time.perf_counter() + 0.2

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                if conn is not None:
                    conn.close()
                return
            due = began + n / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            record = {"id": f"w{n}", "thread_id": f"t{n // 10}", "parent_id": f"w{n - 1}" if n % 10 else None,
                      "author": {"id": f"m{n % 97}", "name": f"Member {n % 97}"},
                      "created_at": datetime.now(UTC).isoformat(), "text": TEXTS[n % len(TEXTS)]}
            body = json.dumps(record).encode()
            headers = {"Content-Type": "application/json", **sign(SECRET, body)}
            sent = time.time()
            start = time.perf_counter()
            status = 0
            for _attempt in range(2):  # a keep-alive connection the server closed meanwhile: once more on a new one
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                    conn.request("POST", parts.path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    break
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
            latency = time.perf_counter() - start
            with lock:
                rows.append((record["id"], sent, latency, status, max(0.0, start - due)))

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put({"rows": rows, "elapsed": max(time.perf_counter() - began, 1e-9)})


def warm_up(url: str, home: Path, posts: int = 20, timeout: float = 180) -> None:
    """Send a few posts and wait until they are scored and listened to: the worker's first task loads the models
    and the listening code (seconds), which is start-up, not the sustained rate."""
    import sqlite3

    from careloop.connectors.webhook.signing import sign

    for n in range(posts):
        body = json.dumps({"id": f"warm{n}", "thread_id": f"warm{n % 4}", "author": {"id": "warm", "name": "W"},
                           "created_at": datetime.now(UTC).isoformat(), "text": TEXTS[n % len(TEXTS)]}).encode()
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", **sign(SECRET, body)})
        with urllib.request.urlopen(request, timeout=60):
            pass
    deadline = time.monotonic() + timeout
    query = "SELECT count(*) FROM community_post WHERE external_id LIKE 'warm%' AND listened_at IS NOT NULL"
    while time.monotonic() < deadline:
        if os.environ.get("DATABASE_URL"):
            import psycopg

            with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
                done = conn.execute(query).fetchone()[0]
        else:
            with sqlite3.connect(home / "careloop.sqlite3", timeout=30) as conn:
                done = conn.execute(query).fetchone()[0]
        if done >= posts:
            return
        time.sleep(0.3)
    print(f"warning: the warm-up posts were not all listened to within {timeout:.0f} s", file=sys.stderr)


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
    parser.add_argument("--rate", type=float, help="Posts per second, open loop (with --seconds); instead of "
                        "--posts/--concurrency.")
    parser.add_argument("--seconds", type=float, default=60, help="How long to send at --rate.")
    parser.add_argument("--senders", type=int, default=64, help="Sender threads for --rate (requests in flight "
                        "at most).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object as the last line.")
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
    # Listening embeds each new post with the accurate profile's encoder (the case judgment's sentence vectors): a
    # fresh data folder would first assemble that encoder, for minutes, in the worker. Use an assembled one.
    accurate = REPO / ".cache" / "accurate-model"
    if not env.get("CARELOOP_ACCURATE_DIR") and (accurate / "e5.onnx").exists():
        env["CARELOOP_ACCURATE_DIR"] = os.environ["CARELOOP_ACCURATE_DIR"] = str(accurate)
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
        if args.rate:  # the worker loads its models on its first task: warm it up first (not counted)
            warm_up(f"http://127.0.0.1:{port}/hooks/bench-hook/", home)
        queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
        hook = f"http://127.0.0.1:{port}/hooks/bench-hook/"
        if args.rate:
            sender = multiprocessing.get_context("spawn").Process(
                target=send_at_rate, args=(hook, args.rate, args.seconds, args.senders, queue))
        else:
            sender = multiprocessing.get_context("spawn").Process(
                target=send_all, args=(hook, args.posts, args.concurrency, queue))
        sender.start()
        result = queue.get()
        sender.join()
        rows, elapsed = result["rows"], result["elapsed"]
        ok = [r for r in rows if r[3] == 200]

        from careloop.bootstrap import setup

        setup(home)
        from django.db.models import Q

        from careloop.community.models import Post

        deadline = time.monotonic() + 300
        waiting = Post.objects.filter(source__name="bench-hook", scored_at__isnull=True)
        if args.rate:  # scored and its thread listened
            waiting = Post.objects.filter(source__name="bench-hook").exclude(external_id__startswith="warm").filter(
                Q(scored_at__isnull=True) | Q(listened_at__isnull=True))
        while waiting.exists():
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if args.rate:
            scored = {i: max(s, li) for i, s, li in Post.objects.filter(
                source__name="bench-hook", scored_at__isnull=False, listened_at__isnull=False)
                .values_list("external_id", "scored_at", "listened_at")}
        else:
            scored = dict(Post.objects.filter(source__name="bench-hook", scored_at__isnull=False)
                          .values_list("external_id", "scored_at"))
        measured = Post.objects.filter(source__name="bench-hook").exclude(external_id__startswith="warm")
        stored = measured.count()
        distinct = measured.values("external_id").distinct().count()
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

    to_scored = [scored[r[0]].timestamp() - r[1] for r in ok if r[0] in scored]
    db = "PostgreSQL" if "DATABASE_URL" in env else "SQLite"
    if args.rate:
        report_rate(args, rows, ok, elapsed, stored, distinct, to_scored, db)
        return
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


def report_rate(args: argparse.Namespace, rows: list, ok: list, elapsed: float, stored: int, distinct: int,
                to_scored: list[float], db: str) -> None:
    profile = os.environ.get("CARELOOP_SCORING_PROFILE", "fast")
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[str(r[3])] = statuses.get(str(r[3]), 0) + 1

    def ms(values: list[float], p: float) -> float | None:
        return round(percentile(values, p) * 1000, 1) if values else None

    latencies = [r[2] for r in ok]
    result = {
        "sent": len(rows), "answered": len(ok), "statuses": statuses, "stored": stored,
        "duplicates": stored - distinct, "posts_per_s": round(len(ok) / elapsed, 1), "rate": args.rate,
        "seconds": args.seconds, "request_p50_ms": ms(latencies, 50), "request_p99_ms": ms(latencies, 99),
        "request_max_ms": ms(latencies, 100), "scored_p50_ms": ms(to_scored, 50),
        "scored_p99_ms": ms(to_scored, 99), "scored_max_ms": ms(to_scored, 100), "scored": len(to_scored),
        "late_send_p99_ms": ms([r[4] for r in rows], 99), "profile": profile, "db": db,
        "judgment_encoder": os.environ.get("CARELOOP_ACCURATE_DIR") or "assembled in the data folder",
        "uptime": os.getloadavg(),
    }
    print(f"webhook benchmark: {args.rate:g} posts/s for {args.seconds:g} s, {db}, scoring profile {profile}")
    print(f"  answered 200          {len(ok)} of {len(rows)} (statuses {statuses}); stored {stored} posts, "
          f"{stored - distinct} stored twice")
    print(f"  request latency       p50 {result['request_p50_ms']} ms, p99 {result['request_p99_ms']} ms")
    print(f"  request → scored and listened  p50 {result['scored_p50_ms']} ms, p99 {result['scored_p99_ms']} ms "
          f"({len(to_scored)} posts)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
