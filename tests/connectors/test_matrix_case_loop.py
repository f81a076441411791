"""The whole path on a real Synapse: a complaint in a room → a case → the outbox reaches the member → their reply
comes back onto the case. The case loop is the cases app's; this checks the Matrix connector serves it."""

from __future__ import annotations

import urllib.parse

import pytest
from django.contrib.auth import get_user_model

from careloop.community.models import Member, Post
from careloop.connectors.tasks import sync_source
from tests.connectors.test_matrix import COMPLAINT, messages_in

pytestmark = pytest.mark.slow


def test_a_complaint_in_a_room_is_answered_privately_and_the_reply_lands_on_the_case(world):
    from careloop.cases import follow_up, outbox, reach_out, state
    from careloop.cases.models import InboundMessage, OutboxMessage

    sync_source(world.source)
    complaint = world.alice.say(world.room, COMPLAINT, "loop-1")
    sync_source(world.source)
    post = Post.objects.get(source=world.source, external_id=complaint)
    member = Member.objects.get(source=world.source, external_id=world.alice.user_id)
    manager = get_user_model().objects.create_user("anna", "anna@example.org", "secret-pass-1", first_name="Anna")
    case = state.open_case(source=world.source, member=member, post=post, topic="crashes")

    reach_out.reach_out(case, manager, "Hi, I'm Anna from the team. Sorry about the crashes, can we talk here?",
                        "dm", public_note="We've sent you a private message.")
    outbox.send_due()
    sent = OutboxMessage.objects.filter(case=case).order_by("id")
    assert [m.status for m in sent] == ["sent", "sent"], [(m.status, m.last_error) for m in sent]

    dm = next(iter(world.alice.sync()["rooms"]["invite"]))
    world.alice.ok("POST", f"/join/{urllib.parse.quote(dm)}", {})
    assert [e["content"]["body"] for e in messages_in(world.alice, dm)] == [sent[0].body]
    note = next(e for e in messages_in(world.bob, world.room) if e["sender"] == world.bot.user_id)
    assert note["content"]["body"] == "We've sent you a private message."
    assert note["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == complaint

    world.alice.say(dm, "Yes please, it crashes on start.", "loop-2")
    assert follow_up.read_replies(world.source) == 1
    inbound = InboundMessage.objects.get(source=world.source)
    assert inbound.case_id == case.pk and inbound.body == "Yes please, it crashes on start."
    assert follow_up.read_replies(world.source) == 0  # read once
