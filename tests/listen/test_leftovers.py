"""The sweep redoes the steps a lost task did not reach: scoring, and listening (thread update, case opening)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from careloop.cases.models import AffectedMember, Case, CaseEvent
from careloop.community.models import Post
from careloop.listen.scoring import score_posts
from careloop.listen.tasks import finish_leftovers
from tests.listen.test_incremental import COMPLAINT, feed

pytestmark = pytest.mark.django_db
ROWS = [("p1", "t1", "ann", COMPLAINT, 0), ("p2", "t1", "bob", "+1 same here", 3, "p1"),
        ("q1", "t2", "cat", "I was charged twice after the price change and support does not answer.", 4),
        ("r1", "t3", "dan", "Lovely weather at the meetup today, thanks all", 5)]


def cases() -> set[tuple[str, str, tuple[str, ...]]]:
    return {(c.post.external_id, c.member.external_id,
             tuple(sorted(AffectedMember.objects.filter(case=c).values_list("member__external_id", flat=True))))
            for c in Case.objects.select_related("post", "member")}


def test_scored_posts_whose_thread_update_was_lost_are_listened_to_once():
    feed(ROWS)
    score_posts(list(Post.objects.values_list("id", flat=True)))  # scored; the chained thread update is "lost"
    assert not Case.objects.exists()
    assert finish_leftovers().listened == 0, "within the grace the queued thread update is waited for"
    found = finish_leftovers(grace=timedelta(0))
    assert found.scored == 0 and found.listened == 4 and found.opened == 2
    assert cases() == {("p1", "ann", ("ann", "bob")), ("q1", "cat", ("cat",))}
    assert not Post.objects.filter(listened_at__isnull=True).exists()
    events = CaseEvent.objects.count()
    again = finish_leftovers(grace=timedelta(0))
    assert again == type(again)(), "nothing is left, nothing is redone"
    assert Case.objects.count() == 2 and CaseEvent.objects.count() == events


def test_posts_no_task_scored_are_scored_and_listened_to_in_one_sweep():
    feed(ROWS)  # imported without a scoring task (a worker killed before it took the batch)
    found = finish_leftovers()
    assert found.scored == 4 and found.opened == 2
    assert cases() == {("p1", "ann", ("ann", "bob")), ("q1", "cat", ("cat",))}
    assert not Post.objects.filter(listened_at__isnull=True).exists()


def test_a_lost_update_after_cases_opened_does_not_open_them_twice():
    feed(ROWS)
    score_posts(list(Post.objects.values_list("id", flat=True)))
    finish_leftovers(grace=timedelta(0))
    before = cases()
    Post.objects.update(listened_at=None)  # as if the marking had been lost: every post is listened to again
    found = finish_leftovers(grace=timedelta(0))
    assert found.listened == 4 and found.opened == 0
    assert cases() == before and Case.objects.count() == 2
    assert AffectedMember.objects.count() == 3


def test_left_over_posts_are_listened_to_in_chunks_of_whole_threads():
    from careloop.listen.tasks import whole_threads

    feed([(f"p{n}", f"t{n % 3}", f"m{n}", f"post {n}", n) for n in range(12)])
    ids = list(Post.objects.order_by("id").values_list("id", flat=True))
    chunks = whole_threads(ids, size=3)
    assert sorted(sum(chunks, [])) == ids
    threads = [set(Post.objects.filter(id__in=c).values_list("thread_id", flat=True)) for c in chunks]
    assert len(chunks) == 3 and all(len(t) == 1 for t in threads), "a thread is never split across chunks"
