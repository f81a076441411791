"""Incremental: new posts recompute their own threads only, through the task chained after scoring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from careloop.cases.models import AffectedMember, Case
from careloop.community.ingest import Importer
from careloop.community.models import Interaction, Post
from careloop.listen import incremental
from careloop.listen.incremental import clear_graph_cache, graph_at, update_threads
from careloop.listen.tasks import queue_scoring

pytestmark = pytest.mark.django_db
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
COMPLAINT = "Since the 3.2 update the app logs me out every time I open it. Still broken after a reinstall."


def feed(rows: list[tuple], on_batch=None) -> None:
    """Import (id, thread, author, text, minutes after T0[, parent]) rows, scoring through the task chain."""
    importer = Importer(on_batch=on_batch)
    lines = [{"source": "forum", "id": pid, "thread_id": thread, "parent_id": rest[0] if rest else None,
              "author": {"id": author, "name": author.title()}, "text": text,
              "created_at": (T0 + timedelta(minutes=minutes)).isoformat()}
             for pid, thread, author, text, minutes, *rest in rows]
    importer.feed(("test", n, line) for n, line in enumerate(lines, 1))
    importer.finish()


def test_an_import_batch_opens_cases_through_the_task_chain():
    feed([("p1", "t1", "ann", COMPLAINT, 0), ("p2", "t1", "bob", "+1 same here", 3, "p1"),
          ("q1", "t2", "cat", "I was charged twice after the price change and support does not answer.", 4)],
         on_batch=queue_scoring)  # tasks run inline in tests: score, then update the touched threads
    assert set(Case.objects.values_list("post__external_id", flat=True)) == {"p1", "q1"}
    feed([("p3", "t1", "dan", "Me too, logged out every time since the update", 20, "p1")], on_batch=queue_scoring)
    case = Case.objects.get(post__external_id="p1")
    assert set(AffectedMember.objects.filter(case=case).values_list("member__external_id", flat=True)) == {
        "ann", "bob", "dan"}


def test_only_the_touched_threads_are_recomputed():
    feed([("p1", "t1", "ann", COMPLAINT, 0),
          ("q1", "t2", "cat", "I was charged twice after the price change and support does not answer.", 4)])
    from careloop.listen.scoring import score_posts

    score_posts(list(Post.objects.values_list("id", flat=True)))
    outcome = update_threads([Post.objects.get(external_id="p1").id])
    assert [c.post.external_id for c in outcome.opened] == ["p1"]
    assert not Case.objects.filter(post__external_id="q1").exists(), "thread t2 was not touched"


def test_the_graph_is_reused_within_the_hour_until_many_interactions_arrive(monkeypatch):
    clear_graph_cache()
    feed([("p1", "t1", "ann", "hello", 0), ("p2", "t1", "bob", "@ann hi", 1, "p1")])
    at = datetime.now(UTC)
    first = graph_at(at)
    assert graph_at(at) is first
    monkeypatch.setattr(incremental, "GRAPH_STALE_AFTER", 1)
    feed([("p3", "t1", "cat", "@bob hey", 2, "p2")])
    assert Interaction.objects.count() >= 3
    assert graph_at(at) is not first
    assert graph_at(at + timedelta(hours=1)) is not graph_at(at)


def ids(*external: str) -> list[int]:
    found = dict(Post.objects.filter(external_id__in=external).values_list("external_id", "id"))
    return [found[e] for e in external]


def listened(*external: str) -> set[str]:
    return set(Post.objects.filter(external_id__in=external, listened_at__isnull=False)
               .values_list("external_id", flat=True))


def test_a_thread_is_listened_to_in_order_when_its_batches_are_scored_out_of_order():
    """Two batches of one thread scored by two workers: the later batch's posts wait, scored, until the earlier
    post is scored; then one update listens to all of them, the complaint before its me-toos."""
    from careloop.listen.scoring import score_posts

    feed([("p1", "t1", "ann", COMPLAINT, 0), ("p2", "t1", "bob", "+1 same here", 3, "p1"),
          ("p3", "t1", "dan", "Me too, logged out every time since the update", 5, "p1"),
          ("q1", "t2", "cat", "I was charged twice after the price change and support does not answer.", 4)])
    later = ids("p2", "p3", "q1")
    score_posts(later)
    outcome = update_threads(later)  # p1, written first, has no score yet: t1 waits; t2 does not
    assert listened("p1", "p2", "p3", "q1") == {"q1"}
    assert [c.post.external_id for c in outcome.opened] == ["q1"]
    assert not AffectedMember.objects.filter(post__external_id__in=["p2", "p3"]).exists()

    score_posts(ids("p1"))
    outcome = update_threads(ids("p1"))  # the earlier batch's update takes the waiting posts along
    assert listened("p1", "p2", "p3") == {"p1", "p2", "p3"}
    case = Case.objects.get(post__external_id="p1")
    assert [c.post.external_id for c in outcome.opened] == ["p1"]
    assert set(AffectedMember.objects.filter(case=case).values_list("member__external_id", flat=True)) == {
        "ann", "bob", "dan"}


def test_in_order_holds_back_only_what_follows_an_unscored_post():
    from careloop.listen.incremental import in_order
    from careloop.listen.scoring import score_posts

    feed([("a1", "ta", "ann", "first", 0), ("a2", "ta", "bob", "second", 1), ("a3", "ta", "cat", "third", 2),
          ("b1", "tb", "dan", "other thread", 0)])
    score_posts(ids("a1", "a3", "b1"))
    threads = set(Post.objects.filter(external_id__in=["a1", "b1"]).values_list("thread_id", flat=True))
    assert in_order(threads, ids("a3")) == ids("a1", "b1")  # a2 unscored: a3 waits; a1 and b1 go
    score_posts(ids("a2"))
    assert in_order(threads, []) == ids("a1", "a2", "a3", "b1")
    update_threads(ids("a2", "b1"))
    assert in_order(threads, []) == []  # everything listened to
    assert in_order(threads, ids("a2")) == ids("a2")  # asked for again by name (a changed post, a sweep)
