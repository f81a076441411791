"""The Discord connector against Discord's published OpenAPI description: Prism as a validating proxy in front of a
small stateful Discord (tests/connectors/discord_server.py) — every request the connector makes and every answer
it reads is checked against tests/connectors/specs/discord/openapi.json. The whole case loop, and a platform that
is down or rate-limits."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from careloop.community.models import Interaction, Member, Post, Source
from careloop.connectors.base import ConnectorError, OutgoingMessage, connector_for
from careloop.connectors.models import Delivery, InboundReply, SyncState
from careloop.connectors.tasks import sync_source
from careloop.connectors.vault import secret
from tests.connectors.discord_server import DiscordAPI, prism_binary, user

BOT_TOKEN = "MTA4MDAwMDAwMDAwMDAwMDAwMQ.GhZ1xY.discord-shaped-test-token-0000000000"
COMPLAINT = "The app keeps crashing since the last update and nobody answers my tickets. Really frustrating."
CHANNEL = "290926798626357250"
MEMBER = user("80351110224678912", "nelly")
OTHER = user("80351110224678913", "bob")
_n = itertools.count(1)


@pytest.fixture(scope="session")
def discord_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DiscordAPI]:
    binary = prism_binary()
    if binary is None:
        reason = "Prism is not installed: npm install --prefix .cache/prism @stoplight/prism-cli (or CARELOOP_PRISM)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    api = DiscordAPI(binary, tmp_path_factory.mktemp("prism") / "prism.log")
    api.start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
def guild(discord_api, make_source):
    discord_api.clear()
    channel = f"29092679862635{next(_n):04d}"
    discord_api.discord.messages[channel] = []
    source = make_source("discord", name=f"lumen-discord-{next(_n)}", bot_token=BOT_TOKEN, channels=[channel],
                         guild_id="197038439483310086", api_base=discord_api.base, timeout="60")
    return SimpleNamespace(api=discord_api, discord=discord_api.discord, source=source, channel=channel)


def _problems(api: DiscordAPI) -> list:
    return [(r.method, r.path, r.problems()) for r in api.requests if r.forwarded and r.problems()]


def test_source_add_discord_keeps_the_token_encrypted(cli, db):
    result = cli("source", "add", "lumen-discord", "--kind", "discord", "--set", f"channels={CHANNEL},1234",
                 "--set", "team=80351110224678999", "--secret", "bot_token", input=f"{BOT_TOKEN}\n")
    assert "added source lumen-discord (discord)" in result.output, result.output
    assert BOT_TOKEN not in result.output
    source = Source.objects.get(name="lumen-discord")
    assert source.kind == "discord" and BOT_TOKEN not in json.dumps(source.settings)
    assert secret(source, "bot_token") == BOT_TOKEN
    connector = connector_for(source)
    assert connector.channels == [CHANNEL, "1234"] and connector.team == {"80351110224678999"}  # type: ignore


@pytest.mark.slow
def test_a_public_complaint_is_answered_by_dm_and_the_reply_lands_on_the_case(guild):
    from careloop.cases import act, follow_up, outbox, reach_out
    from careloop.cases.models import Case, InboundMessage, OutboxMessage

    api, discord, source, channel = guild.api, guild.discord, guild.source, guild.channel
    assert connector_for(source).check().startswith("logged in as the bot careloop (1080000000000000001)")
    sync_source(source)  # a new source starts from now: the empty channel gives the cursor "0"
    said = discord.say(channel, MEMBER, COMPLAINT)
    metoo = discord.say(channel, OTHER, "Same here, it crashes on start.", reply_to=said["id"])
    discord.react(channel, said["id"], "👍", OTHER)
    result = sync_source(source)
    assert result.imported == 2, result.summary()
    post = Post.objects.get(source=source, external_id=said["id"])
    reply = Post.objects.get(source=source, external_id=metoo["id"])
    assert reply.parent_id == post.id and reply.thread_id == post.thread_id
    assert post.url == f"https://discord.com/channels/197038439483310086/{channel}/{said['id']}"
    edges = set(Interaction.objects.filter(source=source).values_list("kind", "actor__external_id",
                                                                     "target__external_id"))
    assert edges == {("reply", OTHER["id"], MEMBER["id"]), ("reaction", OTHER["id"], MEMBER["id"])}
    assert post.scores and post.complaint is not None and post.complaint > 0.5  # scored on the way in
    case = Case.objects.get(source=source, post=post)
    assert case.member == Member.objects.get(source=source, external_id=MEMBER["id"])

    manager = get_user_model().objects.create_user(f"anna{next(_n)}", "anna@example.org", "secret-pass-1")
    reach_out.reach_out(case, manager, "Hi, I'm Anna from the Lumen team. Sorry about the crashes, can we talk "
                        "here?", "dm", public_note="We've sent you a direct message.")
    outbox.send_due()
    sent = list(OutboxMessage.objects.filter(case=case).order_by("id"))
    assert [m.status for m in sent] == ["sent", "sent"], [(m.status, m.last_error) for m in sent]
    assert [r.body for r in api.sent("/users/@me/channels")] == [{"recipient_id": MEMBER["id"]}]
    dm_channel = discord.dms[MEMBER["id"]]
    [dm] = api.sent(f"/channels/{dm_channel}/messages")
    assert dm.body["content"] == sent[0].body and "message_reference" not in dm.body
    [note] = api.sent(f"/channels/{channel}/messages")
    assert note.body["content"] == "We've sent you a direct message."
    assert note.body["message_reference"]["message_id"] == said["id"]
    assert all(r.headers["Authorization"] == f"Bot {BOT_TOKEN}" for r in api.requests)

    discord.say(dm_channel, MEMBER, "Yes please, it crashes right on start.")
    sync_source(source)
    assert Post.objects.filter(source=source).count() == 2  # a DM is never a public post
    assert follow_up.read_replies(source) == 1
    inbound = InboundMessage.objects.get(source=source)
    assert inbound.case_id == case.pk and inbound.body == "Yes please, it crashes right on start."
    sync_source(source)
    assert follow_up.read_replies(source) == 0 and InboundReply.objects.filter(source=source).count() == 1

    case.refresh_from_db()
    assert case.state == "acting"
    act.mark_action_done(case, manager, note="fixed in 2.3.1")
    follow_up.send_follow_up(case, manager)
    outbox.send_due()
    asked = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.FOLLOW_UP)
    assert asked.status == "sent" and api.sent(f"/channels/{dm_channel}/messages")[-1].body["content"] == asked.body
    assert len(api.sent("/users/@me/channels")) == 1  # the DM channel is known from the first message
    discord.say(dm_channel, MEMBER, "Yes, it works perfectly now. Thank you so much!")
    sync_source(source)
    assert follow_up.read_replies(source) == 1  # read as satisfied: the closing message is queued
    outbox.send_due()
    closing = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.CLOSING)
    assert closing.status == "sent", closing.last_error
    assert api.sent(f"/channels/{dm_channel}/messages")[-1].body["content"] == closing.body
    case.refresh_from_db()
    assert case.state == "resolved"
    assert _problems(api) == []  # Prism found nothing wrong with any request or answer


@pytest.mark.slow
def test_receive_resumes_from_its_cursor_after_5xx_429_and_connection_refused(guild):
    api, discord, source, channel = guild.api, guild.discord, guild.source, guild.channel
    discord.say(channel, MEMBER, "an old message, before careloop listened")
    sync_source(source)
    state = SyncState.objects.get(source=source)
    cursor = state.cursor
    first = discord.say(channel, MEMBER, COMPLAINT)
    path = f"/channels/{channel}/messages"

    api.fault(path, 503)
    with pytest.raises(ConnectorError, match="HTTP 503"):
        sync_source(source, attempts=1)
    api.fault(path, 429, headers={"Retry-After": "7"},
              body={"message": "You are being rate limited.", "retry_after": 7.0, "global": False})
    with pytest.raises(ConnectorError, match="HTTP 429"):
        sync_source(source, attempts=1)
    api.hang_up()
    try:
        with pytest.raises(ConnectorError, match="cannot reach the platform"):
            sync_source(source, attempts=1)
    finally:
        api.listen()
    state.refresh_from_db()
    assert state.cursor == cursor and state.failures == 3 and state.retry_at is not None  # backing off, kept
    assert not Post.objects.filter(source=source, external_id=first["id"]).exists()

    second = discord.say(channel, OTHER, "me too", reply_to=first["id"])
    assert sync_source(source).imported == 2  # both, nothing lost
    asked = [r for r in api.requests if r.path == path and r.method == "GET" and r.forwarded]
    assert asked[-1].query["after"] == [json.loads(cursor)[channel]]  # from where it stood
    state.refresh_from_db()
    assert json.loads(state.cursor)[channel] == second["id"] and state.failures == 0
    assert sync_source(source).imported == 0
    assert _problems(api) == []


@pytest.mark.slow
def test_sends_are_retried_with_back_off_and_never_doubled(guild):
    from careloop.cases import outbox, reach_out, state

    api, discord, source, channel = guild.api, guild.discord, guild.source, guild.channel
    sync_source(source)
    said = discord.say(channel, MEMBER, COMPLAINT)
    sync_source(source)
    post = Post.objects.get(source=source, external_id=said["id"])
    case = post.cases.first() or state.open_case(source=source, member=post.author, post=post, topic="crashes")
    manager = get_user_model().objects.create_user(f"ben{next(_n)}", "ben@example.org", "secret-pass-1")
    dm = discord.new_id()  # the DM channel Discord will answer POST /users/@me/channels with
    discord.dms[MEMBER["id"]] = dm
    discord.messages[dm] = []
    dm_path = f"/channels/{dm}/messages"
    message = reach_out.reach_out(case, manager, "Hi from the team, can we talk here?", "dm")

    api.fault(dm_path, 503)
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "queued" and "HTTP 503" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backing off, not hammering

    api.fault(dm_path, 429, headers={"Retry-After": "7"},
              body={"message": "You are being rate limited.", "retry_after": 7.0, "global": False})
    asked_at = message.next_attempt_at + timedelta(seconds=1)
    outbox.send_due(now=asked_at)
    message.refresh_from_db()
    assert message.status == "queued" and "HTTP 429" in message.last_error
    assert message.next_attempt_at == asked_at + timedelta(seconds=7)  # as Discord's Retry-After said

    api.hang_up()  # Discord cannot be reached at all: connection refused
    try:
        outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
        message.refresh_from_db()
        assert message.status == "queued" and "cannot reach the platform" in message.last_error
        assert BOT_TOKEN not in message.last_error
    finally:
        api.listen()
    assert discord.messages[dm] == []  # nothing reached the member yet

    outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 4, message.last_error
    assert len(discord.messages[dm]) == 1
    outbox.send_due(now=timezone.now() + timedelta(hours=2))  # nothing is due again
    again = connector_for(source).send(OutgoingMessage(
        kind="private", recipient=MEMBER["id"], body=message.body, idempotency_key=message.idempotency_key))
    assert again.external_id == message.external_id and len(discord.messages[dm]) == 1  # the ledger answers
    assert Delivery.objects.filter(source=source).count() == 1
    # Below the ledger, Discord's nonce: the same key sent again (a ledger row lost) is the first message.
    Delivery.objects.filter(source=source).delete()
    twice = connector_for(source).send(OutgoingMessage(
        kind="private", recipient=MEMBER["id"], body=message.body, idempotency_key=message.idempotency_key))
    assert twice.external_id == message.external_id and len(discord.messages[dm]) == 1
    assert _problems(api) == []


@pytest.mark.slow
def test_a_worker_that_died_mid_send_is_not_sent_again_without_a_person(guild):
    from careloop.cases import outbox, reach_out, state

    source, discord, channel = guild.source, guild.discord, guild.channel
    sync_source(source)
    said = discord.say(channel, MEMBER, COMPLAINT)
    sync_source(source)
    post = Post.objects.get(source=source, external_id=said["id"])
    case = post.cases.first() or state.open_case(source=source, member=post.author, post=post, topic="crashes")
    manager = get_user_model().objects.create_user(f"cleo{next(_n)}", "cleo@example.org", "secret-pass-1")
    message = reach_out.reach_out(case, manager, "Hi from the team, can we talk here?", "dm")
    type(message).objects.filter(pk=message.pk).update(status="sending", attempts=1, claimed_by="dead:1",
                                                       claimed_at=timezone.now() - timedelta(hours=1))
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "unsure" and guild.api.sent("/users/@me/channels") == []
