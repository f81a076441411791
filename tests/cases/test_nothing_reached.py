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


def test_the_member_is_satisfied_is_refused_while_no_message_reached_them(unreached, manager):
    state.transition(unreached, CaseState.ACTING, manager)  # as a case that got so far before its messages failed
    Case.objects.filter(pk=unreached.pk).update(state=CaseState.FOLLOWING_UP)
    unreached.refresh_from_db()
    with pytest.raises(state.NothingReached):
        follow_up.mark_satisfied(unreached, manager, True, 5)
    with pytest.raises(state.NothingReached):
        state.transition(unreached, CaseState.RESOLVED, manager)
    assert Case.objects.get(pk=unreached.pk).state == CaseState.FOLLOWING_UP
    assert not OutboxMessage.objects.filter(case=unreached, purpose="closing").exists()


def test_a_satisfied_reply_recorded_by_hand_does_not_resolve_it_without_the_override(unreached, manager):
    Case.objects.filter(pk=unreached.pk).update(state=CaseState.FOLLOWING_UP)
    unreached.refresh_from_db()
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


def test_the_dashboard_does_not_count_a_case_nothing_reached_as_resolved(unreached, case, manager, member, source):
    from careloop.web.dashboard import charts

    # a case resolved before the guard existed, every message failed: not a success
    Case.objects.filter(pk=unreached.pk).update(state=CaseState.RESOLVED, closed_at=unreached.opened_at,
                                                satisfaction=5)
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
