"""Dismissals teach, they don't accuse: "not a complaint" is stored as a label for training."""

from __future__ import annotations

from datetime import timedelta

import pytest

from careloop.cases import act, clock, state
from careloop.cases.corrections import corrections
from careloop.cases.models import CaseEvent, CaseState
from careloop.community.models import Post

pytestmark = pytest.mark.django_db


def test_a_not_complaint_dismissal_is_a_label_on_its_transition_event(case, manager, complaint):
    event = act.dismiss(case, manager, "not_complaint", note="just chatting")
    assert (event.kind, event.from_state, event.to_state) == (CaseEvent.Kind.TRANSITION, "new", "dismissed")
    assert event.details == {"reason": "not_complaint", "note": "just chatting", "label": "not_complaint",
                             "post": complaint.pk, "external_id": "$post-1", "text": complaint.text}
    case.refresh_from_db()
    assert case.state == CaseState.DISMISSED


def test_the_correction_is_readable_for_training(case, manager, complaint):
    event = act.dismiss(case, manager, "not_complaint")
    assert list(corrections()) == [{
        "post": "$post-1", "text": complaint.text, "label": "not_complaint", "by": "anna", "at": event.at,
        "case": case.pk, "source": "forum",
    }]
    assert list(corrections(since=event.at)) != []
    assert list(corrections(since=event.at + timedelta(seconds=1))) == []


def test_the_text_is_kept_as_it_was_judged(case, manager, complaint):
    act.dismiss(case, manager, "not_complaint")
    complaint.text = "edited later"
    complaint.save(update_fields=["text"])
    assert [c["text"] for c in corrections()] == ["Since the update I can't log in at all. This is the third time "
                                                  "this month!"]


@pytest.mark.parametrize("reason", ["troll", "duplicate", "handled_elsewhere"])
def test_other_dismissals_are_no_correction(case, manager, reason):
    event = act.dismiss(case, manager, reason)
    assert "label" not in event.details and "text" not in event.details
    assert list(corrections()) == []


def test_an_older_not_complaint_dismissal_without_the_label_reads_its_post_from_the_case(case, complaint):
    state.transition(case, CaseState.DISMISSED, actor_label="careloop import", reason="not_complaint")
    (found,) = corrections()
    assert (found["post"], found["text"], found["label"], found["by"]) == ("$post-1", complaint.text,
                                                                           "not_complaint", "careloop import")


def test_a_case_without_a_post_has_nothing_to_learn_from(source, member, manager):
    handmade = state.open_case(source=source, member=member, topic="phoned in", risk=0.1)
    act.dismiss(handmade, manager, "not_complaint")
    assert list(corrections()) == []


def test_corrections_come_oldest_first(source, member, manager, case):
    act.dismiss(case, manager, "not_complaint")
    later_post = Post.objects.create(source=source, external_id="$post-2", thread=case.thread, author=member,
                                     created_at=clock.now(), text="Lovely photos, thanks for sharing!")
    later = state.open_case(source=source, member=member, post=later_post, topic="photos", risk=0.2)
    act.dismiss(later, manager, "not_complaint")
    assert [c["post"] for c in corrections()] == ["$post-1", "$post-2"]
