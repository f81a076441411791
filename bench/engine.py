"""Benchmark: the task engines (decision 12) — Huey on SQLite (the embedded default: the baseline), Huey on Redis,
and Dramatiq on RabbitMQ — through careloop's own seam (careloop.tasks_engine) and its real `careloop worker`.

For each engine, on a fresh data folder (SQLite database) with real worker processes beside this one:

- enqueue rate: no-op tasks (health's check_queue with a token no row has) queued from this process per second;
- drain: how fast one worker (2 threads) empties that backlog;
- latency of a no-op task (check_queue on a real row): queued → the worker's UPDATE, p50/p99, paced at 20/s;
- latency of a scoring task (score_posts_task on 20 new posts): queued → scored_at, p50/p99, paced at 1/s;
- redelivery after SIGKILL: worker A scores a 200-post batch and is killed before it returns (the task not yet
  acknowledged) while worker B runs beside it; the time from the kill until B starts that task again, and until
  its thread update is done. Huey took the task off its queue when A started it: nothing is redelivered, and the
  work waits for the periodic sweep (every 5 minutes); the bench waits --redelivery-wait seconds for it.

Not a test: it prints numbers and never fails on timing. The machine is shared (2 cores): run it alone.

    python bench/engine.py [--engines huey-sqlite,huey-redis,dramatiq-rabbitmq] [--tasks 2000] [--json]
    python bench/engine.py --worker            # (inside) a careloop worker whose scoring step logs and may pause
"""

from __future__ import annotations

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
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
ENGINES = {
    "huey-sqlite": {},
    "huey-redis": {"REDIS_URL": os.environ.get("REDIS_BENCH_URL", "redis://127.0.0.1:6379/14")},
    "dramatiq-rabbitmq": {"CARELOOP_BROKER_URL": os.environ.get("RABBITMQ_BENCH_URL",
                                                                 "amqp://guest:guest@127.0.0.1:5672/")},
}
BASELINE = "huey-sqlite"


# ------------------------------------------------------------------------------------------------- the worker
def run_worker() -> None:
    """`careloop worker` whose scoring step writes "scoring"/"scored" lines to CARELOOP_BENCH_LOG and then sleeps
    CARELOOP_BENCH_PAUSE seconds (before the task returns, so before Dramatiq acknowledges it)."""
    from careloop.bootstrap import setup
    from careloop.cli import main

    setup()
    from careloop.listen import tasks

    real = tasks.score_posts
    pause = float(os.environ.get("CARELOOP_BENCH_PAUSE", "0"))

    def log(event: str, n: int) -> None:
        with open(os.environ["CARELOOP_BENCH_LOG"], "a") as f:
            f.write(json.dumps({"event": event, "pid": os.getpid(), "at": time.time(), "posts": n}) + "\n")

    def first_time() -> bool:
        try:
            os.close(os.open(os.environ["CARELOOP_BENCH_LOG"] + ".paused", os.O_CREAT | os.O_EXCL))
            return True
        except FileExistsError:
            return False

    def score_posts(post_ids: list[int]) -> int:
        log("scoring", len(post_ids))
        written = real(post_ids)
        log("scored", len(post_ids))
        if pause and len(post_ids) >= 200 and first_time():  # the redelivery batch, its first run only
            time.sleep(pause)
        return written

    tasks.score_posts = score_posts
    main(["worker", "--threads", "2"])


# ------------------------------------------------------------------------------------------------- one engine
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def wait_for(done, timeout: float, every: float = 0.02) -> float | None:  # noqa: ANN001 - a callable
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return None
        time.sleep(every)
    return time.time()


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workers: list[subprocess.Popen] = []
        self.log = Path(os.environ["CARELOOP_HOME"]) / "bench-tasks.jsonl"

    def start_worker(self, pause: float = 0) -> subprocess.Popen:
        from careloop.health.models import WorkerHeartbeat

        env = {**os.environ, "CARELOOP_BENCH_LOG": str(self.log), "CARELOOP_BENCH_PAUSE": str(pause),
               "PYTHONPATH": str(REPO)}
        env.pop("CARELOOP_TASKS_IMMEDIATE", None)
        errors = Path(os.environ["CARELOOP_HOME"]) / f"worker-{len(self.workers)}.err"
        with errors.open("w") as stderr:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"], env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        self.workers.append(process)
        name = f"{socket.gethostname()}:{process.pid}"
        if wait_for(lambda: WorkerHeartbeat.objects.filter(worker=name).exists(), 60) is None:
            raise SystemExit(f"worker {name} did not start (see {os.environ['CARELOOP_HOME']})")
        time.sleep(1)
        self.idle(60)
        time.sleep(2)  # its start sweeps (they find nothing: every post here is scored or not yet written)
        return process

    def stop_workers(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.workers:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    def idle(self, timeout: float = 120) -> float | None:
        from careloop import tasks_engine

        return wait_for(lambda: tasks_engine.pending_count() == 0, timeout, every=0.05)

    def enqueue_and_drain(self) -> dict:
        from careloop.health.tasks import check_queue

        n = self.args.tasks
        started = time.time()
        for i in range(n):
            check_queue(f"none-{i}")
        queued = time.time() - started
        drained = self.idle()  # the worker drains while this process queues: from the first task to empty
        return {"enqueue_per_s": round(n / queued), "drain_per_s": round(n / (drained - started)) if drained else None}

    def noop_latency(self) -> dict:
        from django.utils import timezone

        from careloop.health.models import QueueCheck
        from careloop.health.tasks import check_queue

        tokens = []
        for _ in range(self.args.latency_tasks):
            token = uuid.uuid4().hex
            QueueCheck.objects.create(token=token, enqueued_at=timezone.now())
            check_queue(token)
            tokens.append(token)
            time.sleep(1 / 20)
        wait_for(lambda: not QueueCheck.objects.filter(token__in=tokens, done_at=None).exists(), 60)
        waits = [(c.done_at - c.enqueued_at).total_seconds() * 1000
                 for c in QueueCheck.objects.filter(token__in=tokens, done_at__isnull=False)]
        return {"noop_p50_ms": round(percentile(waits, 0.5), 1), "noop_p99_ms": round(percentile(waits, 0.99), 1),
                "noop_done": len(waits)}

    def posts(self, count: int, tag: str) -> list[int]:
        from careloop.community.ingest import Importer
        from careloop.community.models import Post

        importer = Importer()
        importer.feed(("bench", n, {
            "source": "bench", "id": f"{tag}-{n}", "thread_id": f"{tag}-t{n // 10}",
            "parent_id": f"{tag}-{n - n % 10}" if n % 10 else None,
            "author": {"id": f"{tag}-m{n % 37}", "name": f"member {n % 37}"},
            "created_at": "2026-05-03T10:00:00+00:00",
            "text": ("the update broke my login again and support is silent" if n % 4 == 0 else
                     f"lovely meetup today, thanks all, photo {n}")}) for n in range(count))
        importer.finish()
        return list(Post.objects.filter(external_id__startswith=f"{tag}-").order_by("id").values_list("id", flat=True))

    def scoring_latency(self) -> dict:
        from careloop.community.models import Post
        from careloop.listen.tasks import score_posts_task

        batches = [self.posts(20, f"lat{i}") for i in range(self.args.scoring_tasks)]
        sent = {}
        for ids in batches:
            sent[ids[0]] = time.time()
            score_posts_task(ids)
            time.sleep(1.0)  # one a second: the latency of a task, not of a backlog (each batch is listened to too)
        wait_for(lambda: not Post.objects.filter(id__in=[i for b in batches for i in b],
                                                 scored_at__isnull=True).exists(), 120)
        waits = []
        for ids in batches:
            last = max(Post.objects.filter(id__in=ids).values_list("scored_at", flat=True), default=None)
            if last is not None:
                waits.append((last.timestamp() - sent[ids[0]]) * 1000)
        return {"scoring_p50_ms": round(percentile(waits, 0.5), 1),
                "scoring_p99_ms": round(percentile(waits, 0.99), 1)}

    def redelivery(self) -> dict:
        from careloop.community.models import Post
        from careloop.listen.tasks import score_posts_task

        self.stop_workers()
        self.workers.clear()
        a = self.start_worker(pause=60)  # both pause on the batch's first run only: whichever takes it is killed
        b = self.start_worker(pause=60)
        self.idle(30)
        ids = self.posts(200, "kill")  # after the workers' start sweeps, which would score them otherwise

        def events(event: str, pid: int) -> list[dict]:
            lines = self.log.read_text().splitlines() if self.log.exists() else []
            return [e for e in map(json.loads, lines) if e["event"] == event and e["pid"] == pid and e["posts"] >= 200]

        score_posts_task(ids)
        if wait_for(lambda: events("scored", a.pid) or events("scored", b.pid), 60) is None:
            return {"redelivered_s": None, "redone_s": None, "note": "no worker took the batch"}
        victim, other = (a, b) if events("scored", a.pid) else (b, a)
        victim.send_signal(signal.SIGKILL)
        killed = time.time()
        victim.wait(10)
        again = wait_for(lambda: events("scoring", other.pid), self.args.redelivery_wait, every=0.005)
        done = wait_for(lambda: not Post.objects.filter(id__in=ids, listened_at__isnull=True).exists(),
                        self.args.redelivery_wait, every=0.01)
        return {"redelivered_s": round(again - killed, 2) if again else None,
                "redone_s": round(done - killed, 2) if done else None,
                "note": "" if again else f"not redelivered within {self.args.redelivery_wait:.0f} s"}


def measure_here(args: argparse.Namespace) -> dict:
    from careloop.bootstrap import prepare_database, setup

    setup()
    prepare_database()
    from careloop import tasks_engine

    bench = Bench(args)
    try:
        bench.start_worker()
        result = {"engine": args.engine, "seam": tasks_engine.describe()}
        result |= bench.enqueue_and_drain()
        result |= bench.noop_latency()
        result |= bench.scoring_latency()
        result |= bench.redelivery()
        return result
    finally:
        bench.stop_workers()


def measure(engine: str, args: argparse.Namespace) -> dict:
    """One engine in a child process of its own (Django's settings, hence the engine, are read once)."""
    home = Path(tempfile.mkdtemp(prefix=f"careloop-bench-{engine}-"))
    queue = f"careloop-bench-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k not in ("CARELOOP_TASKS_IMMEDIATE", "REDIS_URL",
                                                            "CARELOOP_BROKER_URL", "DATABASE_URL")}
    env |= {"CARELOOP_HOME": str(home), "CARELOOP_QUEUE_NAME": queue, "PYTHONPATH": str(REPO),
            "CARELOOP_SCORING_WINDOW": "0", **ENGINES[engine]}
    env.setdefault("CARELOOP_ACCURATE_DIR", str(REPO / ".cache" / "accurate-model"))  # assembled once per checkout
    command = [sys.executable, str(Path(__file__).resolve()), "--engine", engine, "--tasks", str(args.tasks),
               "--latency-tasks", str(args.latency_tasks), "--scoring-tasks", str(args.scoring_tasks),
               "--redelivery-wait", str(args.redelivery_wait), "--child"]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode or not lines:
            return {"engine": engine, "error": (done.stderr or done.stdout)[-800:]}
        return json.loads(lines[-1])
    finally:
        if engine == "dramatiq-rabbitmq":
            delete_rabbitmq_queues(ENGINES[engine]["CARELOOP_BROKER_URL"], queue)
        shutil.rmtree(home, ignore_errors=True)


def delete_rabbitmq_queues(url: str, name: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    for queue in (name, f"{name}-listen"):
        for suffix in ("", ".DQ", ".XQ"):
            channel.queue_delete(queue + suffix)
    connection.close()


def median_of(runs: list[dict]) -> dict:
    """One engine's runs as one: the median of each figure (over the runs that have it), the notes of all."""
    good = [r for r in runs if "error" not in r] or runs[:1]
    merged = dict(good[0])
    for key, value in good[0].items():
        if isinstance(value, int | float) or value is None:
            values = [r[key] for r in good if isinstance(r.get(key), int | float)]
            merged[key] = statistics.median(values) if values else None
    merged["note"] = "; ".join(sorted({r.get("note") or r.get("error", "") for r in runs} - {""}))
    merged["runs"] = len(good)
    return merged


def table(results: list[dict]) -> str:
    base = next((r for r in results if r["engine"] == BASELINE and "error" not in r), None)
    rows = [("enqueue, tasks/s", "enqueue_per_s"), ("drain, 1 worker × 2 threads, tasks/s", "drain_per_s"),
            ("no-op latency p50, ms", "noop_p50_ms"), ("no-op latency p99, ms", "noop_p99_ms"),
            ("scoring task latency p50, ms", "scoring_p50_ms"), ("scoring task latency p99, ms", "scoring_p99_ms"),
            ("SIGKILL → task redelivered, s", "redelivered_s"), ("SIGKILL → work redone, s", "redone_s")]
    head = f"| {'measure':<38} | " + " | ".join(f"{r['engine']:>18}" for r in results) + " |"
    lines = [head, "|" + "-" * 40 + "|" + "|".join("-" * 20 for _ in results) + "|"]
    for label, key in rows:
        cells = []
        for r in results:
            value = r.get(key)
            cell = "error" if "error" in r else ("—" if value is None else f"{value:g}")
            if base and r is not base and isinstance(value, int | float) and base.get(key):
                cell += f" ({value / base[key]:.1f}×)"
            cells.append(f"{cell:>18}")
        lines.append(f"| {label:<38} | " + " | ".join(cells) + " |")
    notes = [f"{r['engine']}: {r.get('note') or r.get('error')}" for r in results if r.get("note") or r.get("error")]
    return "\n".join(lines + ([""] + notes if notes else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--engine", default=BASELINE, choices=list(ENGINES))
    parser.add_argument("--tasks", type=int, default=2000, help="no-op tasks for the enqueue rate")
    parser.add_argument("--latency-tasks", type=int, default=200)
    parser.add_argument("--scoring-tasks", type=int, default=40)
    parser.add_argument("--redelivery-wait", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each engine, taking turns (median)")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker()
        return
    if args.child:
        print(json.dumps(measure_here(args)))
        return
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    runs: dict[str, list[dict]] = {engine: [] for engine in engines}
    for round_ in range(args.repeat):  # the engines take turns: a busy spell of the machine hits them all
        for engine in engines:
            print(f"measuring {engine} ({round_ + 1}/{args.repeat}) …", file=sys.stderr, flush=True)
            runs[engine].append(measure(engine, args))
    results = [median_of(runs[engine]) for engine in engines]
    print(f"baseline: {BASELINE} (the embedded default); × is against it; the median of {args.repeat} run(s)\n")
    print(table(results))
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
