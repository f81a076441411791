"""Benchmark: import N generated posts with `careloop import`, on SQLite and on PostgreSQL.

Prints posts/s and the peak memory (max RSS) of the import process, for a first import and for the same
file again (everything unchanged). Not a test: it never fails on timing.

Baselines (on a 2-core machine, 1,000,000 posts, peak memory under 1 GB): at least 10,000 posts/s on SQLite
(issue 2) and 20,000 posts/s on PostgreSQL for the first import (issue 17). Each line also gives the import
process's CPU seconds and the machine's load average, since wall time depends on what else runs.

    python bench/ingest.py --posts 1000000 --db sqlite
    python bench/ingest.py --posts 200000 --db both
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

TARGET_POSTS_PER_S = 10_000
TARGET_POSTGRES_POSTS_PER_S = 20_000  # issue 17, first import
TARGET_PEAK_MB = 1024
PG_ADMIN_URL = os.environ.get("CARELOOP_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
CARELOOP = [sys.executable, "-m", "careloop"]

WORDS_EN = ("the app update broke login again and support never answers my ticket thanks for the quick help "
            "same here since Tuesday sync is stuck photos missing frame arrived great feature idea love it "
            "billing charged twice please fix this").split()
WORDS_DE = ("das Update hat den Login kaputt gemacht und der Support antwortet nicht danke für die schnelle Hilfe "
            "geht mir genauso seit Dienstag hängt die Synchronisierung Fotos fehlen Rahmen ist angekommen super "
            "Idee doppelt abgebucht bitte beheben").split()


def generate(path: Path, posts: int, seed: int = 1) -> None:
    """Threads of 1-30 posts, replies to earlier posts of the thread, ~posts/40 members, EN and DE text."""
    rng = random.Random(seed)
    members = max(50, posts // 40)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    written = 0
    thread = 0
    with path.open("w", encoding="utf-8") as f:
        while written < posts:
            thread += 1
            size = min(posts - written, rng.randint(1, 30))
            t0 = start + timedelta(seconds=written * 5)
            ids = []
            for i in range(size):
                written += 1
                pid = f"p{written}"
                words = WORDS_DE if thread % 3 == 0 else WORDS_EN
                text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
                if rng.random() < 0.05:
                    text = f"@m{rng.randrange(members)} {text}"
                record = {
                    "source": "bench-forum" if thread % 2 else "bench-chat",
                    "id": pid,
                    "thread_id": f"t{thread}",
                    "parent_id": rng.choice(ids) if ids and rng.random() < 0.7 else (ids[0] if ids else None),
                    "author": {"id": f"m{(m := rng.randrange(members))}", "name": f"Member {m}"},
                    "created_at": (t0 + timedelta(minutes=i * 7)).isoformat(),
                    "text": text,
                }
                if i == 0:
                    record["title"] = f"Thread {thread}: " + " ".join(rng.choice(words) for _ in range(5))
                    record["channel"] = rng.choice(("support", "billing", "off-topic"))
                if rng.random() < 0.1:
                    record["reactions"] = [{"by": f"m{rng.randrange(members)}", "type": "+1"}]
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                ids.append(pid)


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS in MB, CPU seconds (user + system), last line of stdout of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, cpu, (out.strip().splitlines() or [""])[-1]


@contextmanager
def fresh_install(db: str, name: str, keep: Path | None = None, **extra_env: str) -> Iterator[tuple[Path, dict]]:
    """A migrated careloop in a fresh data folder (or `keep`, left in place) and, for PostgreSQL, a fresh
    database; yields (data folder, environment for `python -m careloop`), and removes what it made afterwards."""
    home = keep or Path(tempfile.mkdtemp(prefix=f"careloop-bench-{name}-{db}-"))
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CARELOOP_HOME": str(home), **extra_env}
    for variable in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CARELOOP_TASKS_IMMEDIATE"):
        env.pop(variable, None)
    dbname = f"careloop_bench_{name}_{os.getpid()}"
    if db == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{dbname}"
    try:
        subprocess.run([*CARELOOP, "migrate"], env=env, check=True, capture_output=True)
        yield home, env
    finally:
        if keep is None:
            shutil.rmtree(home, ignore_errors=True)
        if db == "postgres":
            import psycopg

            with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def bench(db: str, data: Path, posts: int) -> None:
    with fresh_install(db, "ingest") as (_, env):
        for label in ("first import", "same file again"):
            seconds, peak, cpu, summary = run([*CARELOOP, "import", "--quiet", str(data)], env)
            rate = posts / seconds
            target = TARGET_POSTS_PER_S if db == "sqlite" else TARGET_POSTGRES_POSTS_PER_S
            if db == "sqlite" or label == "first import":
                verdict = "meets" if rate >= target and peak < TARGET_PEAK_MB else "MISSES"
                verdict += f" the baseline of {target:,}"
            else:
                verdict = "no target"
            print(f"{db:<9} {label:<16} {posts:>9,} posts {seconds:8.1f} s {rate:>9,.0f} posts/s "
                  f"peak {peak:7.0f} MB  cpu {cpu:6.1f} s  load {os.getloadavg()[0]:4.1f}   ({verdict})   "
                  f"[{summary}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()

    print(f"baseline: >= {TARGET_POSTS_PER_S:,} posts/s on SQLite (issue 2), >= {TARGET_POSTGRES_POSTS_PER_S:,} on "
          f"PostgreSQL (issue 17, first import), peak < {TARGET_PEAK_MB} MB (1,000,000 posts, 2 cores); "
          f"this machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="careloop-bench-data-") as tmp:
        data = Path(tmp) / "posts.jsonl"
        t = time.perf_counter()
        generate(data, args.posts)
        print(f"generated {args.posts:,} posts ({data.stat().st_size / 1e6:,.0f} MB) in "
              f"{time.perf_counter() - t:.1f} s", flush=True)
        for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
            bench(db, data, args.posts)


if __name__ == "__main__":
    main()
