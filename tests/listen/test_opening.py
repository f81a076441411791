"""Opening cases: a complaint becomes a case with its reasons; "me too" joins it; the same thing again joins it,
or reopens it when it was resolved within the reopen window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from careloop.cases.models import AffectedMember, Case, CaseEvent
from careloop.cases.state import transition
from careloop.community.ingest import Importer
from careloop.community.models import Post, Source, Thread
from careloop.listen.opening import Rules, RulesError, process_thread, process_threads, rules_for
from careloop.listen.scoring import score_posts

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
COMPLAINT = "Since the 3.2 update the app logs me out every time I open it. Still broken after a reinstall."


def add(rows: list[tuple], source: str = "forum", settings: dict | None = None) -> list[Post]:
    """Import (id, thread, author, text, minutes after T0[, parent[, team]]) rows and score them."""
    importer = Importer(source_defaults={source: {"settings": settings or {}}})
    lines = []
    for row in rows:
        pid, thread, author, text, minutes, *rest = row
        parent = rest[0] if rest else None
        team = rest[1] if len(rest) > 1 else False
        lines.append({"source": source, "id": pid, "thread_id": thread, "parent_id": parent, "text": text,
                      "author": {"id": author, "name": author.title(), "role": "staff" if team else "member"},
                      "created_at": (T0 + timedelta(minutes=minutes)).isoformat()})
    importer.feed(("test", n, line) for n, line in enumerate(lines, 1))
    importer.finish()
    ids = list(Post.objects.filter(external_id__in=[r[0] for r in rows]).values_list("id", flat=True))
    score_posts(ids)
    return list(Post.objects.filter(id__in=ids).select_related("author").order_by("created_at"))


def thread(external_id: str = "t1") -> int:
    return Thread.objects.get(external_id=external_id).id


def run(*thread_ids: str, minutes: float = 600):
    return process_threads([thread(t) for t in thread_ids], at=T0 + timedelta(minutes=minutes))


def test_a_complaint_opens_a_case_with_its_reasons_origin_and_risk():
    add([("p1", "t1", "ann", COMPLAINT, 0), ("p2", "t1", "bob", "Welcome to the forum!", 5, "p1")])
    outcome = run("t1")
    case = Case.objects.get()
    assert outcome.opened == [case]
    assert case.member.external_id == "ann" and case.post.external_id == "p1" and case.state == "new"
    assert case.reasons[0].startswith("a problem the team should act on")
    assert "it begins with this post" in case.reasons
    assert case.risk is not None and any(r.startswith("Risk: no reply from the team") for r in case.reasons)
    assert case.summary.startswith("Since the 3.2 update") and case.summary.endswith("1 member reports it")
    assert CaseEvent.objects.filter(case=case, kind="opened").count() == 1


def test_me_too_replies_join_the_case_as_affected_members_never_as_cases():
    add([("p1", "t1", "ann", COMPLAINT, 0),
         ("p2", "t1", "bob", "Same here, the app logs me out every time since the update. Really broken.", 5, "p1"),
         ("p3", "t1", "cat", "Geht mir genauso!", 7, "p1"),
         ("p4", "t1", "dan", "Works fine here on my Pixel.", 9, "p1"),
         ("p5", "t1", "mod", "Same here, we are looking into it.", 11, "p1", True)])
    outcome = run("t1")
    case = Case.objects.get()
    assert outcome.affected == 2
    roles = dict(AffectedMember.objects.filter(case=case).values_list("member__external_id", "role"))
    assert roles == {"ann": "complainer", "bob": "affected", "cat": "affected"}


def test_the_same_member_again_joins_their_open_case():
    add([("p1", "t1", "ann", COMPLAINT, 0),
         ("p2", "t1", "ann", "Still logged out every time. This is broken since the update.", 60, "p1"),
         ("p3", "t2", "ann", "Since the 3.2 update the app logs me out every time I open it. Still broken!", 120)])
    outcome = run("t1", "t2")
    case = Case.objects.get()
    assert outcome.repeats == 2 and len(outcome.opened) == 1
    notes = CaseEvent.objects.filter(case=case, kind="note")
    assert {n.details["repeat_post"] for n in notes} == set(
        Post.objects.filter(external_id__in=["p2", "p3"]).values_list("id", flat=True))
    assert any("raised it again in" in n.details["text"] for n in notes)


def test_a_complaint_about_another_thing_or_outside_the_window_is_a_case_of_its_own():
    add([("p1", "t1", "ann", COMPLAINT, 0),
         ("p2", "t2", "ann", "I was charged twice after the price change, and support does not answer.", 60),
         ("p3", "t3", "ann", COMPLAINT, 60 * 24 * 5)])
    run("t1", "t2", "t3", minutes=60 * 24 * 6)
    assert Case.objects.filter(member__external_id="ann").count() == 3


def test_processing_again_changes_nothing():
    add([("p1", "t1", "ann", COMPLAINT, 0), ("p2", "t1", "bob", "+1, same problem", 5, "p1")])
    run("t1")
    events = CaseEvent.objects.count()
    again = run("t1")
    assert again.opened == [] and again.affected == 0 and again.repeats == 0
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == events


def test_chatter_team_posts_and_deleted_posts_open_nothing():
    add([("p1", "t1", "ann", "Lovely photo, where was that taken?", 0),
         ("p2", "t1", "mod", "Since the 3.3 update duplicates show up; a fix ships tomorrow.", 5, None, True)])
    assert run("t1").opened == []
    assert not Case.objects.exists()


def test_rules_per_source():
    source = Source.objects.create(name="strict", settings={"case_opening": {"threshold": 0.95}})
    assert rules_for(source) == Rules(threshold=0.95)
    source.settings = {"case_opening": {"enabled": False}}
    assert rules_for(source).enabled is False
    source.settings = {"case_opening": {"toxicity_threshold": "high"}}
    with pytest.raises(RulesError, match="strict: case_opening.toxicity_threshold must be a number"):
        rules_for(source)


def test_a_source_that_opens_no_cases():
    add([("p1", "t1", "ann", COMPLAINT, 0)], source="quiet", settings={"case_opening": {"enabled": False}})
    assert run("t1").opened == [] and not Case.objects.exists()


def test_the_judgment_decides_and_its_reasons_say_why_and_how_serious():
    add([("p1", "t1", "ann", COMPLAINT, 0)])
    run("t1")
    case = Case.objects.get()
    assert case.reasons[0].startswith("a problem the team should act on")
    assert case.severity in (1, 2, 3) and case.reasons[1].startswith(f"severity {case.severity}")
    assert case.origin_id == case.post_id


def test_a_source_with_thresholds_above_every_judgment_opens_nothing():
    add([("p1", "t1", "ann", COMPLAINT, 0), ("p2", "t2", "bob", COMPLAINT, 1), ("p3", "t2", "mod", "Sorry to hear "
         "that, we're looking into it.", 2, "p2", True)], source="strict",
        settings={"case_opening": {"threshold": 1.01, "alone_threshold": 1.01}})
    assert run("t1", "t2").opened == [] and not Case.objects.exists()


def test_a_post_the_team_has_not_answered_is_judged_on_its_own_and_an_answered_thread_as_a_whole():
    # the thread judgment's threshold alone does not hold back a new topic nobody has answered yet ...
    add([("p1", "t1", "ann", COMPLAINT, 0)], source="a", settings={"case_opening": {"threshold": 1.01}})
    assert [c.post.external_id for c in run("t1").opened] == ["p1"]
    assert "by the post judged on its own" in Case.objects.get().reasons[0]
    # ... and the post-alone threshold does not hold back a thread where the member talks with the team
    add([("p2", "t2", "bob", COMPLAINT, 1), ("p3", "t2", "mod", "Sorry to hear that, we're looking into it.", 2,
          "p2", True)], source="b", settings={"case_opening": {"alone_threshold": 1.01}})
    case = run("t2").opened[0]
    assert case.post.external_id == "p2" and "by the thread judgment" in case.reasons[0]


def test_a_new_hostile_reply_raises_the_risk_of_the_open_case():
    add([("p1", "t1", "ann", COMPLAINT, 0)])
    process_thread(thread(), at=T0 + timedelta(minutes=10))
    calm = Case.objects.get().risk
    add([("p2", "t1", "bob", "You people never listen. Your app is garbage and you clearly don't care.", 12, "p1"),
         ("p3", "t1", "cat", "Pathetic. You are all incompetent, I want a refund.", 14, "p1"),
         ("p4", "t1", "dan", "Absolutely useless support, you people are a joke.", 15, "p1")])
    outcome = process_thread(thread(), at=T0 + timedelta(minutes=16))
    case = Case.objects.get()
    assert outcome.refreshed == 1 and case.risk > calm + 0.2, (calm, case.risk, case.reasons)
    assert any("attack" in r for r in case.reasons if r.startswith("Risk: "))
    assert sum(not r.startswith("Risk: ") for r in case.reasons) >= 2, "the opening reasons stay"


def test_imported_history_is_judged_on_its_own_clock_when_risk_is_refreshed():
    """A thread from last year, listened to today: "no reply from the team" counts to the data's newest post, not
    to today, both when the case opens and every time its risk is refreshed."""
    add([("p1", "t1", "ann", COMPLAINT, 0), ("p2", "t1", "bob", "Same problem on my phone, any news?", 300, "p1")])
    today = T0 + timedelta(days=400)
    process_threads([thread()], at=today)
    process_threads([thread()], at=today + timedelta(days=1))  # a later batch refreshes the thread's risk
    case = Case.objects.get()
    waited = [r for r in case.reasons if r.startswith("Risk: no reply from the team")]
    assert waited == ["Risk: no reply from the team for 5 hours"], case.reasons


# ------------------------------------------------------------------------------------------------ reopening
AGAIN = "Since the 3.3 update the app logs me out every time I open it, again. Broken again after a reinstall."


def resolve(case: Case) -> float:
    """Carry the case round the loop to resolved (the one door); the minutes after T0 at which it closed."""
    for to in ("reaching_out", "acting", "following_up", "resolved"):
        transition(case, to, actor_label="test")
    return (case.closed_at - T0).total_seconds() / 60


def reopened_events(case: Case):
    return CaseEvent.objects.filter(case=case, kind="transition", details__has_key="repeat_post")


def test_the_same_complaint_again_within_the_window_reopens_the_resolved_case():
    add([("p1", "t1", "ann", COMPLAINT, 0)])
    run("t1")
    case = Case.objects.get()
    closed = resolve(case)
    add([("p2", "t1", "ann", AGAIN, closed + 60, "p1"),
         ("p3", "t1", "ann", "Still broken, it logs me out every time since the update.", closed + 70, "p1"),
         ("p4", "t1", "bob", "Geht mir genauso!", closed + 80, "p1")])
    outcome = run("t1", minutes=closed + 120)
    case.refresh_from_db()
    assert outcome.opened == [] and outcome.reopened == 1 and Case.objects.count() == 1
    assert case.state == "acting" and case.loop_count == 1 and case.closed_at is None
    [event] = reopened_events(case)
    p2, p3, p4 = Post.objects.filter(external_id__in=["p2", "p3", "p4"]).order_by("external_id")
    assert (event.from_state, event.to_state) == ("resolved", "acting")
    assert event.details["reopened"] is True and event.details["post"] == event.details["repeat_post"] == p2.pk
    assert event.details["because"].startswith("Ann raised the same thing again in the same thread, 1 hour after")
    assert "reopens within 336 hours" in event.details["because"] and "3.3 update" in event.details["because"]
    # the rest of the batch sees the case open again: a repeat and a "me too" join it
    assert outcome.repeats == 1 and outcome.affected == 1
    assert CaseEvent.objects.get(case=case, kind="note").details["repeat_post"] == p3.pk
    assert AffectedMember.objects.get(case=case, role="affected").post == p4


def test_close_wording_in_another_thread_reopens_it_for_as_long_as_the_reopen_window():
    add([("p1", "t1", "ann", COMPLAINT, 0)])
    run("t1")
    case = Case.objects.get()
    closed = resolve(case)
    days = 60 * 24 * 5  # past same_thing_hours (72), inside the reopen window (336)
    add([("p2", "t2", "ann", AGAIN, closed + days)])
    outcome = run("t2", minutes=closed + days + 60)
    case.refresh_from_db()
    assert outcome.reopened == 1 and outcome.opened == [] and case.state == "acting"
    because = reopened_events(case).get().details["because"]
    assert because.startswith("Ann raised the same thing again in forum:t2, 5 days after it was resolved")


@pytest.mark.parametrize(("window", "source_hours", "after_hours", "reopens"), [
    (24, None, 48, False),     # settings.CARELOOP_REOPEN_WINDOW
    (24, None, 20, True),
    (336, 1, 2, False),        # the source's own "reopen_hours" wins
    (1, 100, 2, True),
    (336, 0, 1, False),        # 0: this source never reopens
])
def test_outside_the_reopen_window_a_new_case_opens(settings, window, source_hours, after_hours, reopens):
    settings.CARELOOP_REOPEN_WINDOW = window
    add([("p1", "t1", "ann", COMPLAINT, 0)])
    if source_hours is not None:
        Source.objects.filter(name="forum").update(settings={"case_opening": {"reopen_hours": source_hours}})
    run("t1")
    case = Case.objects.get()
    closed = resolve(case)
    add([("p2", "t1", "ann", AGAIN, closed + 60 * after_hours, "p1")])
    outcome = run("t1", minutes=closed + 60 * after_hours + 1)
    case.refresh_from_db()
    assert outcome.reopened == int(reopens) and len(outcome.opened) == int(not reopens)
    assert case.state == ("acting" if reopens else "resolved")
    if not reopens:
        assert outcome.opened[0].post.external_id == "p2" and not reopened_events(case).exists()


def test_a_complaint_about_something_else_opens_a_new_case_and_leaves_the_resolved_one():
    add([("p1", "t1", "ann", COMPLAINT, 0)])
    run("t1")
    case = Case.objects.get()
    closed = resolve(case)
    add([("p2", "t2", "ann", "I was charged twice after the price change, and support does not answer.",
          closed + 60)])
    outcome = run("t2", minutes=closed + 120)
    case.refresh_from_db()
    assert outcome.reopened == 0 and [c.post.external_id for c in outcome.opened] == ["p2"]
    assert case.state == "resolved" and not reopened_events(case).exists()


def test_reopening_again_changes_nothing_even_after_the_case_is_resolved_again():
    add([("p1", "t1", "ann", COMPLAINT, 0)])
    run("t1")
    case = Case.objects.get()
    closed = resolve(case)
    add([("p2", "t1", "ann", AGAIN, closed + 60, "p1")])
    assert run("t1", minutes=closed + 120).reopened == 1
    events = CaseEvent.objects.count()
    again = run("t1", minutes=closed + 180)
    assert (again.opened, again.reopened, again.repeats, again.affected) == ([], 0, 0, 0)
    assert CaseEvent.objects.count() == events and Case.objects.count() == 1
    case.refresh_from_db()
    transition(case, "following_up", actor_label="test")
    transition(case, "resolved", actor_label="test")
    later = run("t1", minutes=closed + 240)  # the post that reopened it does not reopen it twice
    case.refresh_from_db()
    assert later.reopened == 0 and later.opened == [] and case.state == "resolved"
    assert reopened_events(case).count() == 1


@pytest.mark.parametrize("closed_as", ["dismissed", "moderated"])
def test_dismissed_and_moderated_cases_are_never_reopened(closed_as):
    add([("p1", "t1", "ann", COMPLAINT, 0)])
    run("t1")
    case = Case.objects.get()
    transition(case, closed_as, actor_label="test", **({"reason": "duplicate"} if closed_as == "dismissed" else {}))
    closed = (case.closed_at - T0).total_seconds() / 60
    add([("p2", "t1", "ann", AGAIN, closed + 60, "p1")])
    outcome = run("t1", minutes=closed + 120)
    case.refresh_from_db()
    assert case.state == closed_as and outcome.reopened == 0
    assert [c.post.external_id for c in outcome.opened] == ["p2"] and Case.objects.count() == 2


def test_the_reopen_window_per_source_must_be_a_number():
    source = Source.objects.create(name="odd", settings={"case_opening": {"reopen_hours": "two weeks"}})
    with pytest.raises(RulesError, match="odd: case_opening.reopen_hours must be a number"):
        rules_for(source)
    source.settings = {"case_opening": {"reopen_hours": 48}}
    assert rules_for(source).reopen_window == timedelta(hours=48)
