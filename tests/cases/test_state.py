"""The one door into the state machine: the table of moves, an event with every change, time never going back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careloop.cases import state
from careloop.cases.models import AffectedMember, Case, CaseEvent, CaseState
from careloop.cases.state import ALLOWED, NotAllowed, transition
from careloop.community.models import Member

pytestmark = pytest.mark.django_db
S = CaseState


def test_opening_a_case_records_the_complainer_and_an_opened_event(case, member, complaint):
    assert case.state == S.NEW and case.thread == complaint.thread and case.language == "en"
    (event,) = CaseEvent.objects.filter(case=case)
    assert (event.kind, event.to_state, event.details["reasons"]) == ("opened", "new", ["complaint 0.93"])
    assert AffectedMember.objects.get(case=case).member == member


def test_me_too_members_are_added_once(case, source):
    other = Member.objects.create(source=source, external_id="@leo:example.org")
    assert state.add_affected_member(case, other) is True
    assert state.add_affected_member(case, other) is False
    assert AffectedMember.objects.filter(case=case).count() == 2
    assert CaseEvent.objects.filter(case=case, kind="member_added").count() == 1


def test_a_move_outside_the_table_is_refused_and_changes_nothing(case, manager):
    with pytest.raises(NotAllowed, match="case .* is new; it cannot move to resolved"):
        transition(case, S.RESOLVED, manager)
    with pytest.raises(NotAllowed, match="there is no state 'done'"):
        transition(case, "done", manager)
    case.refresh_from_db()
    assert case.state == S.NEW and CaseEvent.objects.filter(case=case).count() == 1


def test_dismissing_needs_a_reason(case, manager):
    with pytest.raises(NotAllowed, match="needs a reason"):
        transition(case, S.DISMISSED, manager)
    event = transition(case, S.DISMISSED, manager, reason="duplicate")
    assert (event.from_state, event.to_state, event.details, event.actor) == ("new", "dismissed",
                                                                              {"reason": "duplicate"}, manager)
    case.refresh_from_db()
    assert case.closed_at == event.at and not case.is_open
    with pytest.raises(NotAllowed, match="moves again only when reopened"):  # steps.reopen, with why
        transition(case, S.ACTING)
    transition(case, S.NEW, manager, reopened=True)
    transition(case, S.MODERATED, manager)
    with pytest.raises(NotAllowed, match="closed for good"):
        transition(case, S.ACTING, reopened=True)


def test_the_event_is_written_in_the_same_transaction_as_the_change(case):
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(case, S.REACHING_OUT)
        raise RuntimeError("the caller fails after the move")
    case.refresh_from_db()
    assert case.state == S.NEW and not CaseEvent.objects.filter(kind="transition").exists()


def test_timestamps_never_go_back_even_when_the_clock_does(case, monkeypatch):
    transition(case, S.REACHING_OUT)
    first = CaseEvent.objects.filter(case=case).last().at
    monkeypatch.setattr(timezone, "now", lambda: first - timedelta(hours=1))  # the clock jumps back
    event = transition(case, S.ACTING)
    assert event.at >= first


def test_resolved_cases_reopen_within_the_window(case, member, manager, settings):
    for to in (S.REACHING_OUT, S.ACTING, S.FOLLOWING_UP, S.RESOLVED):
        transition(case, to, manager)
    assert state.find_reopenable(member, "login") == case
    assert state.find_reopenable(member, "billing") is None
    settings.CARELOOP_REOPEN_WINDOW = 1
    assert state.find_reopenable(member, now=timezone.now() + timedelta(hours=2)) is None
    from careloop.cases.follow_up import reopen

    event = reopen(case, actor_label="listen")
    case.refresh_from_db()
    assert event.details["reopened"] is True and case.state == S.ACTING and case.loop_count == 1
    assert case.closed_at is None


# ------------------------------------------------------------------------------------ property test
OPERATIONS = [*CaseState.values, "dismiss_without_reason"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=25))
def test_random_sequences_keep_the_invariants(steps, source, member):
    case = state.open_case(source=source, member=member)
    expected_state, changes, loops = S.NEW, 0, 0
    for step in steps:
        to = S.DISMISSED if step == "dismiss_without_reason" else step
        details = {"reason": "troll"} if step == S.DISMISSED else {}
        if expected_state == S.DISMISSED:
            details["reopened"] = True  # a dismissed case moves again only when reopened (steps.reopen)
        allowed = to in ALLOWED[expected_state] and step != "dismiss_without_reason"
        try:
            transition(case, to, actor_label="property", **details)
        except NotAllowed:
            assert not allowed
        else:
            assert allowed, f"{expected_state} -> {to} went through"
            loops += to == S.ACTING and expected_state in (S.FOLLOWING_UP, S.RESOLVED)
            expected_state, changes = to, changes + 1
    stored = Case.objects.get(pk=case.pk)
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
    moves = [e for e in events if e.kind == "transition"]
    # every state change has its event, and only moves from the table have one
    assert len(moves) == changes and stored.state == expected_state == (moves[-1].to_state if moves else S.NEW)
    assert all(e.to_state in ALLOWED[e.from_state] for e in moves)
    # the events chain: each move starts where the one before ended
    assert [e.from_state for e in moves] == [S.NEW, *[e.to_state for e in moves]][:len(moves)]
    # timestamps never go back, and the ordering by id agrees with the ordering by time
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert [e.id for e in events] == sorted(e.id for e in events)
    assert stored.loop_count == loops
    assert (stored.closed_at is not None) == (stored.state in state.CLOSED_STATES)
