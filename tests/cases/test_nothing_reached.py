"""A case whose messages all failed is not called done or resolved unless the manager says how they reached the
member another way; that override is on the timeline, and the dashboard does not count such a case as a success."""

from __future__ import annotations

import pytest

from careloop.cases import act, follow_up, outbox, reach_out, state
from careloop.cases.models import Case, CaseEvent, CaseState, OutboxMessage
from careloop.connectors.base import PermanentFailure

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreached(case, manager, recording):
    """A case reached out to by private message, which the platform refused."""
    recording.failures.append(PermanentFailure("the member blocked the bot"))
    reach_out.reach_out(case, manager, "Hi Mia, can we talk about the login trouble?", "dm")
    outbox.send_due()
    assert OutboxMessage.objects.get(case=case).status == OutboxMessage.Status.FAILED
    return case


@pytest.fixture
def unreached_after_the_fix(case, manager, recording):
    """A case whose fix was called done while its message was still on its way (queued, it may still arrive),
    which the platform refused afterwards: following up, through the state door, and nothing reached the member."""
    recording.failures.append(PermanentFailure("the member blocked the bot"))
    reach_out.reach_out(case, manager, "Hi Mia, can we talk about the login trouble?", "dm")
    act.mark_action_done(case, manager)  # the message is queued: the guard lets the move through
    outbox.send_due()
    assert OutboxMessage.objects.get(case=case).status == OutboxMessage.Status.FAILED
    case.refresh_from_db()
    assert case.state == CaseState.FOLLOWING_UP and state.nothing_reached(case)
    return case


@pytest.fixture
def resolved_then_unreached(case, manager, recording):
    """A case resolved while its messages were still on their way, all of which the platform refused afterwards:
    every move through the state door, no override said, and nothing reached the member."""
    recording.failures.extend([PermanentFailure("the member blocked the bot"), PermanentFailure("blocked")])
    reach_out.reach_out(case, manager, "Hi Mia, can we talk about the login trouble?", "dm")
    act.mark_action_done(case, manager)
    follow_up.mark_satisfied(case, manager, True, 5)  # queues the closing message; the first is still queued
    outbox.send_due()
    assert set(OutboxMessage.objects.filter(case=case).values_list("status", flat=True)) == {
        OutboxMessage.Status.FAILED}
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED and case.satisfaction == 5 and state.nothing_reached(case)
    return case


def test_marking_done_is_refused_while_no_message_reached_the_member(unreached, manager):
    assert "no message reached the member (1 failed; the last: the member blocked the bot)" in \
        state.nothing_reached(unreached)
    with pytest.raises(state.NothingReached, match="say how"):
        act.mark_action_done(unreached, manager)
    assert Case.objects.get(pk=unreached.pk).state == CaseState.REACHING_OUT


def test_the_override_says_how_the_member_was_reached_and_the_timeline_keeps_it(unreached, manager):
    act.mark_action_done(unreached, manager, reached_another_way="by phone on Tuesday")
    assert Case.objects.get(pk=unreached.pk).state == CaseState.FOLLOWING_UP
    move = CaseEvent.objects.get(case=unreached, kind=CaseEvent.Kind.TRANSITION, to_state=CaseState.FOLLOWING_UP)
    assert move.details[state.REACHED_ANOTHER_WAY] == "by phone on Tuesday"
    assert state.nothing_reached(unreached) == ""  # said once, it holds for the case
    follow_up.mark_satisfied(unreached, manager, True, 5)
    assert Case.objects.get(pk=unreached.pk).state == CaseState.RESOLVED


def test_the_member_is_satisfied_is_refused_while_no_message_reached_them(unreached_after_the_fix, manager):
    unreached = unreached_after_the_fix
    with pytest.raises(state.NothingReached):
        follow_up.mark_satisfied(unreached, manager, True, 5)
    with pytest.raises(state.NothingReached):
        state.transition(unreached, CaseState.RESOLVED, manager)
    assert Case.objects.get(pk=unreached.pk).state == CaseState.FOLLOWING_UP
    assert not OutboxMessage.objects.filter(case=unreached, purpose="closing").exists()


def test_a_satisfied_reply_recorded_by_hand_does_not_resolve_it_without_the_override(unreached_after_the_fix):
    unreached = unreached_after_the_fix
    reading = follow_up.record_member_reply(unreached, "yes, it works now, thanks", rating=5)
    assert reading.satisfied is True
    assert Case.objects.get(pk=unreached.pk).state == CaseState.FOLLOWING_UP
    note = CaseEvent.objects.filter(case=unreached, kind=CaseEvent.Kind.NOTE).latest("id")
    assert "no message reached the member" in note.details["text"]

    follow_up.record_member_reply(unreached, "yes, it works now, thanks", rating=5, reached_another_way="by phone")
    assert Case.objects.get(pk=unreached.pk).state == CaseState.RESOLVED


def test_a_message_still_on_its_way_or_one_that_arrived_does_not_stop_the_case(case, manager, recording):
    reach_out.reach_out(case, manager, "Hi Mia, can we talk?", "dm")
    assert state.nothing_reached(case) == ""  # queued: it may still arrive
    outbox.send_due()
    recording.failures.append(PermanentFailure("refused"))
    reach_out.send_private_message(case, manager, "One more thing.")
    outbox.send_due()
    assert state.nothing_reached(case) == ""  # the first one arrived
    act.mark_action_done(case, manager)
    assert case.state == CaseState.FOLLOWING_UP


def test_the_dashboard_does_not_count_a_case_nothing_reached_as_resolved(resolved_then_unreached):
    from careloop.web.dashboard import charts

    # resolved, but every message failed afterwards (as a case resolved before the guard existed): not a success
    unreached = resolved_then_unreached
    by_id = {c["id"]: c for c in charts(90, use_cache=False)}
    assert sum(by_id["cases"]["datasets"][2]["data"]) == 0
    assert sum(by_id["satisfaction"]["datasets"][0]["counts"]) == 0
    assert sum(by_id["loops"]["datasets"][0]["data"]) == 0

    # the manager said how they reached the member: it counts
    CaseEvent.objects.create(case=unreached, at=unreached.opened_at, kind=CaseEvent.Kind.TRANSITION,
                             from_state=CaseState.FOLLOWING_UP, to_state=CaseState.RESOLVED,
                             details={state.REACHED_ANOTHER_WAY: "by phone"})
    by_id = {c["id"]: c for c in charts(90, use_cache=False)}
    assert sum(by_id["cases"]["datasets"][2]["data"]) == 1
    assert sum(by_id["satisfaction"]["datasets"][0]["counts"]) == 1
