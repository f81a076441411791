"""Benchmark: `careloop import FILE --wait` of the labelled real support threads, from an empty data folder.

What a new user runs to see careloop listen to their own history: the 2,227 posts of
`../shared/data/threads/en-twcs-dev.posts.jsonl` (656 threads) imported, scored, embedded for the case judgment,
every thread listened to (cases opened, the team's public moves read), then the command returns. Timed from the
start of the command to its exit, in a throwaway CARELOOP_HOME (migrations included), no worker running (so the
work is done in the importing process, as `--wait` promises).

Baseline (stated): the acceptance of issue 13, under 30 s on this machine (2 cores). Not a test: it prints
numbers, never fails on timing.

    python bench/import_wait.py                      # 3 rounds, SQLite
    python bench/import_wait.py --rounds 1 --posts other.jsonl
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_POSTS = ROOT.parent / "shared" / "data" / "threads" / "en-twcs-dev.posts.jsonl"
TARGET_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=Path, default=DEV_POSTS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.posts.is_file():
        sys.exit(f"no posts at {args.posts} (../shared/data beside the checkout)")
    careloop = Path(sys.executable).with_name("careloop")
    accurate = ROOT / ".cache" / "accurate-model"
    times = []
    for n in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory(prefix="careloop-bench-") as home:
            env = {**os.environ, "CARELOOP_HOME": home}
            if accurate.is_dir() and "CARELOOP_ACCURATE_DIR" not in env:
                env["CARELOOP_ACCURATE_DIR"] = str(accurate)  # assembled once, not timed again each round
            started = time.perf_counter()
            done = subprocess.run([str(careloop), "import", str(args.posts), "--wait", "--quiet"], env=env,
                                  capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                sys.exit(f"careloop import --wait failed ({done.returncode}): {done.stderr[-2000:]}")
            times.append(elapsed)
            last = (done.stdout.strip().splitlines() or [""])[-1]
            print(f"round {n}: {elapsed:.1f} s  ({last})")
    median = statistics.median(times)
    print(f"import --wait of {args.posts.name}: median {median:.1f} s over {len(times)} rounds "
          f"(target < {TARGET_S:.0f} s: {'met' if median < TARGET_S else 'NOT met'})")


if __name__ == "__main__":
    main()
