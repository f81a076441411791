"""One case through the whole loop twice: reach out, act, follow up — not satisfied — act, follow up — satisfied.

Every event on the timeline, every message the connector was asked to send, and every state are asserted.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careloop.cases import act, follow_up, outbox, reach_out
from careloop.cases.models import ActionItem, AffectedMember, CaseEvent, CaseState, OutboxMessage
from careloop.cases.tone import check_tone

pytestmark = pytest.mark.django_db


def timeline(case) -> list[tuple]:
    """(kind, from, to, what) of each event, in order."""
    out = []
    for e in CaseEvent.objects.filter(case=case).order_by("at", "id"):
        what = e.details.get("purpose") or e.details.get("what") or e.details.get("reason") or ""
        out.append((e.kind, e.from_state, e.to_state, what))
    return out


def test_a_case_goes_round_the_loop_twice(case, recording, manager, teammate, member, complaint):
    assert case.state == CaseState.NEW
    assert AffectedMember.objects.get(case=case).role == AffectedMember.Role.COMPLAINER

    # Reach out: a private message from the template, kind in tone, and the short public note.
    draft = reach_out.draft_outreach(case, manager=manager)
    assert "Mia" in draft.text and "Anna" in draft.text and "can't log in at all" in draft.text
    assert draft.findings == [] and check_tone(draft.text, "en") == []
    note = reach_out.draft_public_note(case, manager=manager)
    assert "private message" in note.text
    reach_out.reach_out(case, manager, draft.text, "dm", public_note=note.text)
    assert case.state == CaseState.REACHING_OUT and case.channel == "dm"
    assert OutboxMessage.objects.filter(case=case, status="queued").count() == 2
    assert recording.sent == []  # rows first: nothing leaves before a worker takes it

    assert outbox.send_due() == 2
    private, public = recording.sent
    assert (private.kind, private.recipient, private.body) == ("private", "@mia:example.org", draft.text)
    assert private.case_ref == f"case-{case.pk}" and private.idempotency_key.startswith(f"careloop-{case.pk}-")
    assert (public.kind, public.recipient, public.thread_ref, public.in_reply_to) == (
        "public_reply", "", "!room-1", "$post-1")
    case.refresh_from_db()
    assert case.first_contact_at is not None

    # The member answers privately: the case moves to acting.
    follow_up.record_member_reply(case, "It says 'session expired' every time I try.")
    assert case.state == CaseState.ACTING

    # Act: assign, checklist, ticket, note.
    act.assign(case, manager)
    act.assign(case, manager, to_user=teammate, team="support")
    item = act.add_action_item(case, manager, "Reset Mia's sessions")
    act.link_ticket(case, manager, "https://tracker.example.org/issues/42", "Login loop after 3.2")
    act.complete_action_item(item, teammate)
    act.add_note(case, teammate, "Sessions reset; waiting for the hotfix too.")
    act.mark_action_done(case, teammate)
    case.refresh_from_db()
    assert case.state == CaseState.FOLLOWING_UP and case.assignee == teammate and case.team == "support"
    assert case.follow_up_due_at - timezone.now() > timedelta(hours=47)
    assert ActionItem.objects.get().done_by == teammate

    # Not due yet: nothing happens. Two days later: the follow-up question goes out.
    assert follow_up.wake_due().follow_ups == 0
    later = timezone.now() + timedelta(hours=49)
    assert follow_up.wake_due(later).follow_ups == 1
    assert follow_up.wake_due(later).follow_ups == 0  # woken once
    outbox.send_due(now=later)
    assert "Is it sorted for you now?" in recording.sent[-1].body and "Ben" in recording.sent[-1].body

    # Not satisfied: back to acting, the loop count goes up.
    reading = follow_up.record_member_reply(case, "No, it still doesn't work.")
    assert reading.satisfied is False
    case.refresh_from_db()
    assert case.state == CaseState.ACTING and case.loop_count == 1 and case.follow_up_due_at is None

    act.add_note(case, teammate, "The hotfix is out now.")
    act.mark_action_done(case, teammate)
    even_later = timezone.now() + timedelta(hours=49)
    assert follow_up.wake_due(even_later).follow_ups == 1
    outbox.send_due(now=even_later)

    # Satisfied, with a rating: the closing message, resolved.
    reading = follow_up.record_member_reply(case, "Yes, it works now. Thank you!", rating=5)
    assert reading.satisfied is True and reading.how == "rating"
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED and case.satisfaction == 5 and case.closed_at is not None
    assert case.follow_up_due_at is None and not case.is_open
    outbox.send_due(now=even_later)
    assert recording.sent[-1].body.startswith("Glad it's sorted, Mia")

    assert [m.body.split(",")[0] for m in recording.sent] == [
        "Hi Mia", "Thanks for raising this", "Hi Mia", "Hi Mia", "Glad it's sorted"]
    assert list(OutboxMessage.objects.filter(case=case).values_list("purpose", "status")) == [
        ("outreach", "sent"), ("public_note", "sent"), ("follow_up", "sent"), ("follow_up", "sent"),
        ("closing", "sent")]

    T, M_OUT, M_IN = "transition", "message_out", "message_in"
    assert timeline(case) == [
        ("opened", "", "new", ""),
        (T, "new", "reaching_out", ""),
        (M_OUT, "", "", "outreach"),
        (M_OUT, "", "", "public_note"),
        (M_IN, "", "", ""),
        (T, "reaching_out", "acting", ""),
        ("assigned", "", "", ""),
        ("assigned", "", "", ""),
        ("action", "", "", "item_added"),
        ("ticket", "", "", ""),
        ("action", "", "", "item_done"),
        ("note", "", "", ""),
        (T, "acting", "following_up", ""),
        ("scheduled", "", "", "follow_up"),
        (M_OUT, "", "", "follow_up"),
        (M_IN, "", "", ""),
        (T, "following_up", "acting", ""),
        ("note", "", "", ""),
        (T, "acting", "following_up", ""),
        ("scheduled", "", "", "follow_up"),
        (M_OUT, "", "", "follow_up"),
        (M_IN, "", "", ""),
        (T, "following_up", "resolved", ""),
        (M_OUT, "", "", "closing"),
    ]
    events = list(CaseEvent.objects.filter(case=case))
    assert [e.at for e in events] == sorted(e.at for e in events)
    assigned = [e.details for e in events if e.kind == "assigned"]
    assert assigned[0]["self_assigned"] and assigned[1] == {"to_user": "ben", "team": "support",
                                                            "self_assigned": False}
    resolved = events[-2]
    assert resolved.details["satisfied"] is True and resolved.details["rating"] == 5
    assert events[16].details["satisfied"] is False and events[16].details["how"] == "phrase"
