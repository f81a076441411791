"""Benchmark: the incremental update of one thread of 500 posts after a new reply.

The community is the demo (3,350 posts over 60 days) plus one busy thread of 500 posts (a complaint, me-toos,
chatter, a few hostile turns). Each round imports one reply into that thread, scores it, and then times what
the worker does next: `incremental.update_threads([reply])` — me too, the same thing again, opening a case,
and the escalation risk of the thread's open cases.

Baseline (stated): the full recompute, `incremental.update_everything()` over the whole community from no
cases, which is what a listener without incremental updates would run after each new post. Target: the
incremental update < 50 ms median. Not a test: it prints numbers, never fails on timing.

    python bench/listen_incremental.py                  # 30 replies, SQLite in a temporary folder
    DATABASE_URL=postgres://... python bench/listen_incremental.py --rounds 50
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MS = 50
THREAD_POSTS = 500
COMPLAINT = "Since the 3.2 update the app logs me out every time I open it. Still broken after a reinstall."
REPLIES = [
    "Same here, logged out every time since the update.", "+1", "Geht mir genauso, seit dem Update.",
    "Have you tried clearing the cache?", "Nice photo by the way!", "Still broken for me after the reinstall.",
    "You people never test anything, this is ridiculous.", "Any news from the team?", "thanks, that helped",
    "Bei mir auch, die App wirft mich immer wieder raus.", "Works fine here on my iPhone.",
]


def setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["CARELOOP_HOME"] = tempfile.mkdtemp(prefix="careloop-bench-listen-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careloop.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from careloop.community.models import Post

    if Post.objects.exists():
        sys.exit("the database is not empty: point DATABASE_URL at an empty one (the benchmark fills it)")


def post(n: int, at: datetime, rng: random.Random, parent: str | None) -> dict:
    author = f"bench-{rng.randrange(60)}"
    return {"source": "lumen-forum", "id": f"bench-{n}", "thread_id": "bench-thread", "parent_id": parent,
            "author": {"id": author, "name": author}, "created_at": at.isoformat(), "text": rng.choice(REPLIES)}


def fill(rng: random.Random) -> tuple[datetime, int]:
    """Import and score the demo community and the 500-post thread; returns the time after the last post."""
    from careloop.community.ingest import Importer
    from careloop.community.models import Post
    from careloop.demo.generate import generate
    from careloop.demo.seed import SOURCES
    from careloop.listen.scoring import score_posts

    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    posts, _ = generate(seed=7, end=end - timedelta(hours=6))
    start = end - timedelta(hours=5)
    thread = [{"source": "lumen-forum", "id": "bench-0", "thread_id": "bench-thread", "parent_id": None,
               "author": {"id": "bench-op", "name": "Op"}, "created_at": start.isoformat(),
               "title": "Logged out after the update",
               "text": COMPLAINT}]
    for n in range(1, THREAD_POSTS):
        thread.append(post(n, start + timedelta(seconds=30 * n), rng, f"bench-{rng.randrange(n)}"))
    importer = Importer(source_defaults=SOURCES)
    importer.feed(("bench", n, p) for n, p in enumerate([*posts, *thread], 1))
    importer.finish()
    score_posts(list(Post.objects.values_list("id", flat=True)))
    return start + timedelta(seconds=30 * THREAD_POSTS), Post.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from careloop.cases.models import Case
    from careloop.community.ingest import Importer
    from careloop.community.models import Post
    from careloop.listen.incremental import clear_graph_cache, update_everything, update_threads
    from careloop.listen.scoring import score_posts

    rng = random.Random(2026)
    at, total = fill(rng)
    print(f"careloop listen, incremental update: {connection.vendor}, {total:,} posts, one thread of "
          f"{THREAD_POSTS} posts")

    clear_graph_cache()
    started = time.perf_counter()
    everything = update_everything(at=at)
    full_s = time.perf_counter() - started
    print(f"baseline, full recompute (update_everything from no cases): {full_s * 1000:,.0f} ms "
          f"({len(everything.opened)} cases opened, {everything.affected} me-too members)")

    timings, scoring, cpu = [], [], []
    for n in range(args.rounds):
        at += timedelta(seconds=20)
        reply = post(THREAD_POSTS + n, at, rng, "bench-0")
        importer = Importer()
        importer.feed([("bench", 1, reply)])
        importer.finish()
        post_id = Post.objects.get(external_id=reply["id"]).id
        started = time.perf_counter()
        score_posts([post_id])
        scoring.append(time.perf_counter() - started)
        started, cpu_started = time.perf_counter(), time.process_time()
        update_threads([post_id], at=at)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    ms = sorted(t * 1000 for t in timings)
    median = statistics.median(ms)
    cases = Case.objects.filter(thread__external_id="bench-thread")
    print(f"incremental update after one reply ({args.rounds} rounds): median {median:.1f} ms, "
          f"p90 {ms[int(len(ms) * 0.9) - 1]:.1f} ms, max {ms[-1]:.1f} ms  (target < {TARGET_MS} ms: "
          f"{'met' if median < TARGET_MS else 'NOT met'}); scoring the reply itself: median "
          f"{statistics.median(scoring) * 1000:.1f} ms")
    print(f"CPU time of the update, median {statistics.median(cpu) * 1000:.1f} ms (what it costs this process, "
          "however busy the machine is with other work)")
    members = sum(c.affected.count() for c in cases)
    print(f"speed-up over the full recompute: {full_s * 1000 / median:,.0f}x; the thread has {cases.count()} "
          f"case(s) with {members} member(s) on them, highest risk {max((c.risk or 0 for c in cases), default=0)}")


if __name__ == "__main__":
    main()
