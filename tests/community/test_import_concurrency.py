"""Concurrent imports into one community: several importers at once create the same new threads, members and
posts (two webhook requests, the Matrix sync beside `careloop import`). None of them may fail, and the result
must be what one import after the other would have left.

Real concurrency: each worker is a thread with its own database connection, started together at a barrier for
each round, against the test database (committed data, hence transactional_db).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections

from careloop.community.ingest import Importer, ImportResult
from careloop.community.models import Interaction, Member, Post, PostRevision, Source, Thread
from tests.conftest import post

WORKERS = 4
ROUNDS = 12


def run_together(jobs: list[Callable[[], ImportResult]]) -> list[ImportResult | BaseException]:
    """Run each job in its own thread (own connection), all released at once; an exception is returned, not raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[ImportResult | BaseException] = [RuntimeError("did not run")] * len(jobs)

    def work(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = jobs[i]()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test, which reports it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an import hung"
    return results


def importing(records: list[dict], *, batch_size: int = 1000, bulk: bool = False) -> Callable[[], ImportResult]:
    def job() -> ImportResult:
        importer = Importer(batch_size=batch_size, bulk=bulk)
        importer.feed(("concurrent", n, r) for n, r in enumerate(records, start=1))
        return importer.finish()

    return job


def seeded(rnd: int) -> bool:
    """Every other round finds its thread and members stored already, so the imports race on the posts alone
    (otherwise whoever inserts the new members first makes the others wait until it commits)."""
    return rnd % 2 == 1


def seed_posts(rnd: int, source: str) -> list[dict]:
    """Posts that store a round's thread (without its title) and members before the race."""
    return [post(f"r{rnd}-seed-{x}", thread=f"t{rnd}", author=f"m{rnd}-{x}", source=source,
                 at="2026-05-02T08:00:00+00:00") for x in "abc"]


def round_of_posts(rnd: int, worker: int, source: str) -> list[dict]:
    """What one worker brings in one round: a post of its own and one every worker brings (the same delivery
    twice), in one thread, by members that every worker names, with a reaction and a mention."""
    at = f"2026-05-03T{10 + rnd % 10:02d}:{worker:02d}:00+00:00"
    shared = post(f"r{rnd}-first", thread=f"t{rnd}", author=f"m{rnd}-a", source=source,
                  at=f"2026-05-03T{10 + rnd % 10:02d}:00:00+00:00", title=f"Round {rnd}", channel="support")
    own = post(f"r{rnd}-w{worker}", thread=f"t{rnd}", parent=f"r{rnd}-first", author=f"m{rnd}-b", source=source,
               at=at, text=f"@h_m{rnd}-a me too, says worker {worker}",
               reactions=[{"by": f"m{rnd}-c", "type": "+1"}])
    # Half the workers send the reply before the post it answers.
    return [own, shared] if worker % 2 else [shared, own]


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_create_each_thread_member_and_post_once():
    totals: Counter[str] = Counter()
    for rnd in range(ROUNDS):
        # A new source in the first round: every worker creates it at once.
        source = "forum" if rnd % 3 else "chat"
        if seeded(rnd):
            assert importing(seed_posts(rnd, source))().imported == 3
        results = run_together([importing(round_of_posts(rnd, w, source)) for w in range(WORKERS)])
        failures = [r for r in results if isinstance(r, BaseException)]
        assert not failures, f"round {rnd}: {failures[0]!r}"
        for r in results:
            assert isinstance(r, ImportResult)
            assert r.failed == 0 and r.updated == 0, (rnd, r.summary(), r.errors)
            totals.update(imported=r.imported, unchanged=r.unchanged)
        shared = Post.objects.get(source__name=source, external_id=f"r{rnd}-first")
        assert Post.objects.filter(parent=shared).count() == WORKERS
        assert Post.objects.filter(thread=shared.thread).count() == WORKERS + 1 + 3 * seeded(rnd)

    assert Source.objects.count() == 2
    assert Thread.objects.count() == ROUNDS
    assert Member.objects.count() == 3 * ROUNDS
    seeds = 3 * sum(seeded(rnd) for rnd in range(ROUNDS))
    assert Post.objects.count() == ROUNDS * (WORKERS + 1) + seeds
    # The post every worker brought was imported by exactly one of them; the others found it unchanged.
    assert totals == {"imported": ROUNDS * (WORKERS + 1), "unchanged": ROUNDS * (WORKERS - 1)}
    assert PostRevision.objects.count() == 0
    for thread in Thread.objects.all():
        posts = Post.objects.filter(thread=thread)
        assert thread.post_count == posts.count()
        assert thread.title.startswith("Round ") and thread.channel == "support"
        assert thread.started_at == min(p.created_at for p in posts)
        assert thread.last_post_at == max(p.created_at for p in posts)
    for member in Member.objects.all():
        times = [p.created_at for p in Post.objects.filter(author=member)]
        if times:
            assert (member.first_seen_at, member.last_seen_at) == (min(times), max(times))
    kinds = Counter(Interaction.objects.values_list("kind", flat=True))
    assert kinds == {"reply": ROUNDS * WORKERS, "mention": ROUNDS * WORKERS, "reaction": ROUNDS * WORKERS}

    # Everything again, all at once: nothing new, nothing changed.
    before = {m.__name__: m.objects.count() for m in (Source, Member, Thread, Post, PostRevision, Interaction)}
    again = run_together([
        importing([p for rnd in range(ROUNDS) for p in round_of_posts(rnd, w, "forum" if rnd % 3 else "chat")])
        for w in range(WORKERS)
    ])
    assert all(isinstance(r, ImportResult) and r.summary() == f"imported 0, updated 0, unchanged {2 * ROUNDS}, "
               "failed 0" for r in again), again
    assert {m.__name__: m.objects.count() for m in (Source, Member, Thread, Post, PostRevision, Interaction)} == before


@pytest.mark.django_db(transaction=True)
def test_an_edit_racing_the_original_keeps_one_revision():
    """The original and its edit arrive at the same moment through different importers, round after round:
    whichever lands first, the edited text wins, the old one is kept once, and the counts say what happened."""
    for rnd in range(ROUNDS):
        if seeded(rnd):
            importing([post(f"s{rnd}", thread=f"et{rnd}", author=f"em{rnd}")])()
        original = post(f"e{rnd}", thread=f"et{rnd}", author=f"em{rnd}", text="first words")
        edited = post(f"e{rnd}", thread=f"et{rnd}", author=f"em{rnd}", text="better words",
                      edited_at="2026-05-03T12:00:00+00:00")
        results = run_together([importing([original]), importing([edited])])
        assert all(isinstance(r, ImportResult) for r in results), results
        first, second = results
        stored = Post.objects.get(external_id=f"e{rnd}")
        assert stored.thread.post_count == 1 + seeded(rnd)
        assert stored.text == "better words"
        revisions = list(PostRevision.objects.filter(post=stored).values_list("text", flat=True))
        assert first.imported + second.imported == 1
        # Original first: the edit updates it and keeps "first words". Edit first: the original is older and
        # changes nothing.
        assert revisions == (["first words"] if second.updated else [])
        assert first.updated == 0 and first.unchanged == (1 - first.imported)
    assert Thread.objects.count() == Member.objects.count() == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_a_file_import_beside_webhooks_creates_members_once():
    """A bulk import (batches of 25) runs while small webhook-sized imports bring posts by the same new members
    into the same new threads."""
    big = [post(f"f{n}", thread=f"ft{n % 40}", author=f"fm{n % 60}", at=f"2026-05-0{1 + n % 9}T10:00:00+00:00")
           for n in range(400)]
    hooks = [[post(f"h{w}-{n}", thread=f"ft{(n * 7 + w) % 40}", author=f"fm{(n * 11 + w) % 60}")
              for n in range(40)] for w in range(WORKERS - 1)]
    results = run_together([importing(big, batch_size=25, bulk=True), *(_one_by_one(r) for r in hooks)])
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, repr(failures[0])
    assert all(r.failed == r.updated == r.unchanged == 0 for r in results), [r.summary() for r in results]
    assert sum(r.imported for r in results) == Post.objects.count() == 400 + 40 * (WORKERS - 1)
    assert Member.objects.count() == 60 and Thread.objects.count() == 40
    for thread in Thread.objects.all():
        assert thread.post_count == Post.objects.filter(thread=thread).count()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchone()[0] == "ok"


def _one_by_one(records: list[dict]) -> Callable[[], ImportResult]:
    """One Importer per post, as the webhook runs them; the results added up."""
    def job() -> ImportResult:
        total = ImportResult()
        for r in records:
            result = importing([r])()
            for name in ("imported", "updated", "unchanged", "failed"):
                setattr(total, name, getattr(total, name) + getattr(result, name))
            total.errors.extend(result.errors)
        return total

    return job
