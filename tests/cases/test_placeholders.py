"""A message that still holds a placeholder the manager was to fill in is not sent."""

from __future__ import annotations

import pytest

from careloop.cases import reach_out
from careloop.cases.models import OutboxMessage
from careloop.cases.templates import fill_in, unfilled

pytestmark = pytest.mark.django_db


def test_unfilled_finds_the_prompts_and_raw_placeholders_left_in_a_message():
    assert unfilled("Would a call on [a time that suits you] work? Thanks, {manager_name}") == [
        "[a time that suits you]", "{manager_name}"]
    assert unfilled("Passt dir ein Anruf am " + fill_in("call_time", "de") + "?") == [fill_in("call_time", "de")]
    assert unfilled("Thanks [sic], see point [1] and [the guide](https://example.org/guide).") == []


def test_a_call_offer_with_its_time_left_open_is_not_queued(case, manager):
    draft = reach_out.draft(case, "call_offer", manager, call_time=fill_in("call_time", "en")).text
    with pytest.raises(reach_out.ReachOutError, match=r"placeholder to fill in: \[a time that suits you\]"):
        reach_out.reach_out(case, manager, draft, "call")
    assert not OutboxMessage.objects.exists()
    reach_out.reach_out(case, manager, draft.replace("[a time that suits you]", "Tuesday at 15:00"), "call")
    assert OutboxMessage.objects.get().body.count("Tuesday at 15:00") == 1


def test_a_later_message_with_a_placeholder_is_not_queued_either(case, manager):
    reach_out.reach_out(case, manager, "Hi Mia, can we talk?", "dm")
    with pytest.raises(reach_out.ReachOutError, match="placeholder"):
        reach_out.send_private_message(case, manager, "Hi [your name], any news?")
    assert OutboxMessage.objects.count() == 1
