"""Benchmark: accurate-profile scoring with 1, 2 and 4 worker processes, per wall-second and per CPU-second.

Each worker process loads the accurate scorer (CARELOOP_ACCURATE_DIR, else .cache/accurate-model) with one
onnxruntime run at a time (one core), waits at a barrier until every worker has loaded and warmed up, then scores
its share of the same posts (bench/scoring.py's generated EN/DE posts; language detection + encoder + heads).
For comparison it also runs one process with as many batches in flight as the machine has cores (the shipped
default: one process, `cpu_count()` onnxruntime runs at once, one thread each).

Printed per run: posts/s over the wall time from the barrier to the last worker's end, the CPU-seconds the workers
used (user + system, from each process's own clock) and posts per CPU-second, against the one-process, one-core
figure and issue 3's budget (accurate at least 300 posts/s). Scaling stops at the cores this machine has: beyond
them the CPU-seconds per post stay flat while the wall-clock rate does not grow. State the load: on shared cores
wall figures shrink, CPU-second figures much less. Not a test: it never fails on timing.

    CARELOOP_ACCURATE_DIR=.cache/accurate-model python bench/scoring_workers.py --posts 2400 --workers 1 2 4
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_POSTS_PER_S = 300  # issue 3: accurate profile, one process, 2-core machine
CHUNK = 200


def model_dir() -> Path:
    return Path(os.environ.get("CARELOOP_ACCURATE_DIR") or ROOT / ".cache" / "accurate-model")


def worker(texts: list[str], runs_at_once: int, barrier, results) -> None:  # type: ignore[no-untyped-def]
    """One scoring process: load, warm up, wait for the others, score `texts`; report start, end and CPU."""
    from careloop.listen.accurate import AccurateScorer
    from careloop.listen.language import detect_languages

    scorer = AccurateScorer(model_dir())
    for encoder in scorer.encoders.values():
        encoder.parallel = runs_at_once  # onnxruntime runs in flight at once (one thread each)
    scorer.predict(texts[:32])
    detect_languages(texts[:32])
    barrier.wait()
    cpu0 = time.process_time()
    start = time.time()
    for i in range(0, len(texts), CHUNK):
        chunk = texts[i:i + CHUNK]
        detect_languages(chunk)
        scorer.predict(chunk)
    end = time.time()
    results.put({"n": len(texts), "start": start, "end": end, "cpu": time.process_time() - cpu0})


def run(posts: list[str], processes: int, runs_at_once: int) -> dict:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    shares = [posts[i::processes] for i in range(processes)]
    procs = [ctx.Process(target=worker, args=(share, runs_at_once, barrier, results)) for share in shares]
    load0 = os.getloadavg()[0]
    for p in procs:
        p.start()
    out = [results.get() for _ in procs]
    for p in procs:
        p.join()
    wall = max(r["end"] for r in out) - min(r["start"] for r in out)
    cpu = sum(r["cpu"] for r in out)
    n = sum(r["n"] for r in out)
    return {"processes": processes, "runs_at_once": runs_at_once, "n": n, "wall": wall, "cpu": cpu,
            "posts_per_s": n / wall, "posts_per_cpu_s": n / cpu, "load": (load0, os.getloadavg()[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2400, help="posts per run, split over the workers [2400]")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="worker processes [1 2 4]")
    args = parser.parse_args()
    if not (model_dir() / "meta.json").is_file():
        sys.exit(f"no accurate model at {model_dir()} (set CARELOOP_ACCURATE_DIR)")
    from scoring import make_posts

    from careloop.listen.accurate.encoder import cpu_count

    cores = cpu_count()
    posts = make_posts(args.posts)
    print(f"accurate profile, {len(posts):,} EN/DE posts per run ({model_dir()}); this machine: {cores} cores; "
          f"baseline: 1 process on 1 core, and issue 3's budget of {TARGET_POSTS_PER_S} posts/s", flush=True)
    rows = [(n, 1) for n in args.workers] + [(1, cores)]
    base: dict | None = None
    for processes, runs in rows:
        r = run(posts, processes, runs)
        if base is None and processes == 1 and runs == 1:
            base = r
        speedup = r["posts_per_s"] / base["posts_per_s"] if base else 1.0
        verdict = "meets" if r["posts_per_s"] >= TARGET_POSTS_PER_S else "below"
        print(f"{processes} process(es) x {runs} run(s) at once: {r['posts_per_s']:7.1f} posts/s "
              f"({speedup:4.2f}x the 1-process figure; {verdict} {TARGET_POSTS_PER_S})  "
              f"{r['posts_per_cpu_s']:6.1f} posts per CPU-second  ({r['cpu'] / r['n'] * 1000:5.2f} CPU-ms a post, "
              f"wall {r['wall']:5.1f} s, CPU {r['cpu']:5.1f} s)  load {r['load'][0]:.1f} -> {r['load'][1]:.1f}",
              flush=True)


if __name__ == "__main__":
    main()
