"""Benchmark: how long the member page's "Possibly the same person" takes (careloop.cases.people.suggest_links,
three reads over every member: e-mail, handle, name) and one person's accounts (person_of), with M members.

For each database: a fresh data folder, M members in bulk over four sources (set-up only), one in ten with an
e-mail address, handles and names drawn so that some repeat across sources; then suggest_links and person_of of
random members, in one process. Prints p50, p95 and max in milliseconds. Not a test: it never fails on timing.

    python bench/people.py --members 200000 --db both
    python bench/people.py --members 20000 --db sqlite      # a quick look
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("forum", "matrix", "mail", "toot")
KINDS = {"forum": "files", "matrix": "matrix", "mail": "email", "toot": "mastodon"}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def seed(members: int, rng: random.Random) -> None:
    from careloop.community.models import Member, Source

    sources = [Source.objects.create(name=name, kind=KINDS[name]) for name in SOURCES]
    people_count = max(1, members // 2)  # on average two accounts per person, so handles and names repeat
    batch: list[Member] = []
    for n in range(members):
        person = rng.randrange(people_count)
        source = sources[n % len(sources)]
        handle = f"user{person}" if source.name != "matrix" else f"@user{person}:matrix.org"
        email = f"user{person}@example.org" if rng.random() < 0.1 else ""
        batch.append(Member(source=source, external_id=f"{source.name}-{n}", handle=handle,
                            display_name=f"Person {person % 5000}", extra={"email": email} if email else {}))
        if len(batch) == 5000:
            Member.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Member.objects.bulk_create(batch, ignore_conflicts=True)


def child(db: str, members: int, requests: int) -> None:
    sys.path.insert(0, str(ROOT))
    from careloop.bootstrap import prepare_database, setup

    setup()
    prepare_database(migrate=True)
    from careloop.cases import people
    from careloop.community.models import Member

    rng = random.Random(7)
    started = time.perf_counter()
    seed(members, rng)
    print(f"{db:<9} {Member.objects.count():,} members in {time.perf_counter() - started:.1f} s", flush=True)
    ids = list(Member.objects.values_list("id", flat=True))
    picked = [Member.objects.select_related("source").get(pk=rng.choice(ids)) for _ in range(requests)]
    for name, fn in (("suggest", people.suggest_links), ("person_of", people.person_of)):
        times = []
        for member in picked:
            t = time.perf_counter()
            fn(member)
            times.append((time.perf_counter() - t) * 1000)
        print(f"{db:<9} {name:<10} {len(times):>4} calls  p50 {percentile(times, 50):6.1f} ms  "
              f"p95 {percentile(times, 95):6.1f} ms  max {max(times):6.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100, help="calls of each function")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.members, args.requests)
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from ingest import fresh_install

    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        with fresh_install(db, "people") as (_, env):
            subprocess.run([sys.executable, __file__, "--child", db, "--members", str(args.members),
                            "--requests", str(args.requests)], env=env, check=True)


if __name__ == "__main__":
    main()
