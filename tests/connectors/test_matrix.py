"""Matrix against a real Synapse: listen in a public room, reach a member (and only them) privately, read replies."""

from __future__ import annotations

import urllib.parse

import pytest

from careloop.community.models import Post, PostRevision
from careloop.connectors.base import OutgoingMessage, PermanentFailure, TemporaryFailure, connector_for
from careloop.connectors.matrix.client import txn_id
from careloop.connectors.models import Delivery, SyncState
from careloop.connectors.tasks import sync_due_sources, sync_source

pytestmark = pytest.mark.slow

COMPLAINT = "The app keeps crashing since the last update and nobody answers my tickets. Really frustrating."


def q(room_id: str) -> str:
    return urllib.parse.quote(room_id)


def private(world, key: str, body: str, case: str = "case-1") -> OutgoingMessage:
    return OutgoingMessage(kind="private", recipient=world.alice.user_id, body=body, idempotency_key=key,
                           case_ref=case)


def messages_in(user, room_id: str) -> list[dict]:
    chunk = user.ok("GET", f"/rooms/{q(room_id)}/messages", dir="b", limit=100)["chunk"]
    return [e for e in reversed(chunk) if e["type"] == "m.room.message"]


def test_a_complaint_in_a_public_room_becomes_a_scored_post(world):
    sync_source(world.source)  # joins the room
    complaint = world.alice.say(world.room, COMPLAINT, "t1")
    reply = world.bob.say(world.room, "Same here on Android!", "t2",
                          **{"m.relates_to": {"m.in_reply_to": {"event_id": complaint}}})

    result = sync_source(world.source)

    assert result.imported >= 2
    post = Post.objects.select_related("author", "thread").get(source=world.source, external_id=complaint)
    assert post.text == COMPLAINT
    assert post.author.external_id == world.alice.user_id
    assert post.thread.external_id == world.room and post.thread.title == "Help desk"
    assert post.scored_at is not None and post.complaint is not None  # scoring was queued by the import
    answer = Post.objects.get(source=world.source, external_id=reply)
    assert answer.parent_id == post.id
    world.source.refresh_from_db()
    assert world.source.last_success_at is not None

    world.alice.say(world.room, "* " + COMPLAINT + " (edit: it is fixed now)", "t3", **{
        "m.new_content": {"msgtype": "m.text", "body": COMPLAINT + " (edit: it is fixed now)"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": complaint},
    })
    sync_source(world.source)
    post.refresh_from_db()
    assert post.text.endswith("(edit: it is fixed now)")
    assert PostRevision.objects.get(post=post).text == COMPLAINT
    assert sync_source(world.source).lines == 0  # nothing new: the cursor moved on


def test_reaching_out_reaches_the_member_and_only_the_member(world):
    connector = connector_for(world.source)
    sent = connector.send(private(world, "outbox-1", "Hi Alice, I'm sorry about the crashes. Can we talk here?"))
    dm = sent.details["room_id"]

    invites = world.alice.sync()["rooms"].get("invite", {})
    assert dm in invites
    world.alice.ok("POST", f"/join/{q(dm)}", {})
    bodies = [e["content"]["body"] for e in messages_in(world.alice, dm)]
    assert bodies == ["Hi Alice, I'm sorry about the crashes. Can we talk here?"]

    assert dm not in world.bob.sync()["rooms"].get("invite", {})
    status, _ = world.bob.api("GET", f"/rooms/{q(dm)}/messages", dir="b")
    assert status == 403  # another member cannot read it
    direct = world.bot.ok("GET", f"/user/{q(world.bot.user_id)}/account_data/m.direct")
    assert direct == {world.alice.user_id: [dm]}

    again = connector.send(private(world, "outbox-1", "Hi Alice, I'm sorry about the crashes. Can we talk here?"))
    assert again.external_id == sent.external_id
    second = connector.send(private(world, "outbox-2", "Following up: did the update help?"))
    assert second.details["room_id"] == dm  # found again through m.direct
    assert len(messages_in(world.alice, dm)) == 2


def test_a_resend_after_a_crash_is_a_no_op_thanks_to_the_transaction_id(world):
    connector = connector_for(world.source)
    message = private(world, "outbox-crash", "Hello from the community team")
    sent = connector.send(message)
    Delivery.objects.filter(idempotency_key="outbox-crash").delete()  # the worker died before recording

    found = connector.find_sent("outbox-crash")
    assert found is not None and found.external_id == sent.external_id
    resent = connector.send(message)  # Synapse answers the same txnId with the first event
    assert resent.external_id == sent.external_id
    world.alice.ok("POST", f"/join/{q(sent.details['room_id'])}", {})
    events = messages_in(world.alice, sent.details["room_id"])
    assert [e["event_id"] for e in events] == [sent.external_id]
    assert txn_id("outbox-crash") == txn_id("outbox-crash") != txn_id("outbox-other")


def test_the_members_private_reply_is_read_back_and_never_becomes_a_public_post(world):
    connector = connector_for(world.source)
    sync_source(world.source)
    sent = connector.send(private(world, "outbox-3", "Could you tell me which phone you use?", case="case-7"))
    dm = sent.details["room_id"]
    world.alice.ok("POST", f"/join/{q(dm)}", {})
    reply_id = world.alice.say(dm, "A Pixel 7, thanks for asking", "r1")
    world.bob.say(world.room, "public chatter", "p1")

    replies = list(connector.read_private_replies(since=None))
    assert [(r.sender, r.body, r.external_id) for r in replies] == [
        (world.alice.user_id, "A Pixel 7, thanks for asking", reply_id)]
    assert replies[0].in_reply_to == sent.external_id and replies[0].case_ref == "case-7"
    assert list(connector.read_private_replies(since=replies[0].at)) == []

    sync_source(world.source)
    assert not Post.objects.filter(external_id=reply_id).exists()
    assert Post.objects.filter(source=world.source, text="public chatter").exists()


def test_a_public_reply_lands_in_the_room_as_a_reply(world):
    connector = connector_for(world.source)
    sync_source(world.source)
    complaint = world.alice.say(world.room, COMPLAINT, "c1")
    sent = connector.send(OutgoingMessage(kind="public_reply", recipient="", body="We've messaged you privately.",
                                          idempotency_key="outbox-public", thread_ref=world.room,
                                          in_reply_to=complaint))
    event = next(e for e in messages_in(world.bob, world.room) if e["event_id"] == sent.external_id)
    assert event["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == complaint
    assert event["sender"] == world.bot.user_id


def test_check_and_failures(world, make_source, synapse):
    assert world.bot.user_id in connector_for(world.source).check()

    wrong = make_source("matrix", homeserver=synapse.base, access_token="not-a-token", rooms=[world.room])
    with pytest.raises(PermanentFailure, match="401"):
        connector_for(wrong).check()
    with pytest.raises(PermanentFailure):
        connector_for(world.source).send(OutgoingMessage(kind="private", recipient="alice", body="x",
                                                         idempotency_key="bad-recipient"))


def test_a_homeserver_that_is_down_backs_off_and_shows_on_the_source(make_source):
    from tests.connectors.synapse import free_port

    down = make_source("matrix", homeserver=f"http://127.0.0.1:{free_port()}", user_id="@bot:localhost",
                       access_token="secret-token-0123456789", rooms=["!room:localhost"])
    with pytest.raises(TemporaryFailure, match="cannot reach"):
        sync_source(down, attempts=1)
    down.refresh_from_db()
    assert down.last_error_at is not None and "cannot reach" in down.last_error
    assert "secret-token" not in down.last_error
    state = SyncState.objects.get(source=down)
    assert state.failures == 1 and state.retry_at is not None
    assert sync_due_sources()[down.name].startswith("backing off until")
