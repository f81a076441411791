"""Escalation risk: the thread's trajectory read into a probability with reasons a manager can check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from careloop.community.ingest import Importer
from careloop.community.models import Post, Thread
from careloop.listen.escalation import SECOND_PERSON_ATTACK, complaint_escalation, thread_escalation
from careloop.listen.scoring import score_posts

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def load(posts: list[tuple[str, str, str, bool]], minutes: int = 5) -> Thread:
    """A thread from (author, text, parent, is team) rows, one post every `minutes`, scored."""
    importer = Importer()
    rows = []
    for i, (author, text, parent, team) in enumerate(posts):
        rows.append({"source": "forum", "id": f"p{i}", "thread_id": "t1", "parent_id": parent or None,
                     "author": {"id": author, "name": author, "role": "staff" if team else "member"},
                     "created_at": (T0 + timedelta(minutes=minutes * i)).isoformat(), "text": text})
    importer.feed(("test", n, r) for n, r in enumerate(rows, 1))
    importer.finish()
    score_posts(list(Post.objects.values_list("id", flat=True)))
    return Thread.objects.get()


@pytest.mark.parametrize("text", [
    "You people never listen.", "You clearly don't understand how billing works.", "Your argument is nonsense.",
    "Du bist echt unfähig.", "Ihr seid doch alle gleich.", "How dare you delete my post",
])
def test_second_person_attacks_in_english_and_german(text):
    assert SECOND_PERSON_ATTACK.search(text.lower())


@pytest.mark.parametrize("text", ["Could you check my account please?", "Du kannst das in den Einstellungen ändern.",
                                  "Thank you, your answer helped."])
def test_addressing_someone_is_not_an_attack(text):
    assert not SECOND_PERSON_ATTACK.search(text.lower())


def test_a_heated_unanswered_thread_is_riskier_than_a_calm_answered_one():
    heated = load([
        ("ann", "Since the 3.2 update the app logs me out every time. This is broken and nobody cares.", "", False),
        ("bob", "Same here, logged out three times today. Ridiculous.", "p0", False),
        ("cat", "You people never listen, this is the third broken update in a row.", "p0", False),
        ("dan", "Absolutely useless. You clearly don't understand your own app.", "p2", False),
        ("eve", "Worst update ever, I want a refund, this is a scam.", "p0", False),
        ("bob", "Still broken. Pathetic.", "p4", False),
    ], minutes=6)
    risk = thread_escalation(heated.id)
    assert risk.probability >= 0.7, risk
    assert any("attack" in r for r in risk.reasons)
    assert any("members are negative" in r for r in risk.reasons)
    Post.objects.all().delete()
    Thread.objects.all().delete()

    calm = load([
        ("ann", "Since the 3.2 update the app logs me out every time. Any idea?", "", False),
        ("mod", "Thanks for telling us, we are on it: 3.2.1 with a fix ships today.", "p0", True),
        ("ann", "Great, thank you!", "p1", False),
    ], minutes=60)
    calm_risk = thread_escalation(calm.id)
    assert calm_risk.probability < risk.probability - 0.3, (calm_risk, risk)
    assert not any("no reply from the team" in r for r in calm_risk.reasons)


def test_a_complaint_left_alone_gets_riskier_with_time():
    thread = load([("ann", "I was charged twice this month and support does not answer.", "", False)])
    post = Post.objects.get(thread=thread)
    soon = complaint_escalation(post, post.created_at + timedelta(minutes=10))
    later = complaint_escalation(post, post.created_at + timedelta(hours=20))
    assert later.probability > soon.probability
    assert any("no reply from the team for 20 hours" in r for r in later.reasons)


def test_the_demo_clique_thread_is_flagged_before_the_pile_on(demo):
    pending = demo["clique"]["pending_pile_on"]
    cutoff = datetime.fromisoformat(pending["cutoff"])
    complaint = Post.objects.select_related("author").get(source__name=pending["source"],
                                                           external_id=pending["complaint_post_id"])
    risk = complaint_escalation(complaint, cutoff)
    assert risk.signals["clique_pressure"] >= 0.5
    assert risk.probability >= 0.5 and any(r.startswith("pile-on") for r in risk.reasons), risk
    clique = set(demo["clique"]["members"])
    ordinary = [c for c in demo["complaints"] if c["author"] not in clique and c["author"] not in demo["trolls"]]
    calm = []
    for c in ordinary:
        post = Post.objects.select_related("author").get(source__name=c["source"], external_id=c["post_id"])
        calm.append(complaint_escalation(post, post.created_at + timedelta(minutes=1)).probability)
    print(risk, sorted(calm))
    assert sorted(calm)[len(calm) // 2] < risk.probability, (sorted(calm), risk)
