"""The Slack connector: Slack's documented Events API bodies in through the one webhook view (signed, deduplicated
by event id), and the Web API out to Prism serving Slack's own OpenAPI description (tests/connectors/slack_server.py)
— the whole case loop, and a platform that is down or rate-limits."""

from __future__ import annotations

import itertools
import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from careloop.community.models import Member, Post, Source
from careloop.connectors.base import OutgoingMessage, PermanentFailure, connector_for
from careloop.connectors.models import Delivery, InboundReply, ReceivedEvent
from careloop.connectors.slack.events import sign
from careloop.connectors.vault import secret
from tests.connectors import slack_payloads as payloads
from tests.connectors.slack_server import Prism, SlackAPI, prism_binary

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # the shape of api.slack.com's example signing secret
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
COMPLAINT = "The app keeps crashing since the last update and nobody answers my tickets. Really frustrating."
MEMBER = "U2147483697"
DM_CHANNEL = "D069C7QFK"  # what Slack's description documents conversations.open answering
_n = itertools.count(1)


@pytest.fixture(scope="session")
def slack_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackAPI]:
    binary = prism_binary()
    if binary is None:
        reason = ("Prism is not installed: scripts/check.sh installs it (npm install --prefix .cache/prism "
                  "@stoplight/prism-cli), or set CARELOOP_PRISM")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    prism = Prism(binary, tmp_path_factory.mktemp("prism") / "prism.log")
    prism.start()
    api = SlackAPI(prism)
    api.start()
    try:
        yield api
    finally:
        api.stop()
        prism.stop()


@pytest.fixture
def source(make_source) -> Source:
    return make_source("slack", name=f"lumen-slack-{next(_n)}", bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
                       api_base="http://127.0.0.1:9", workspace_url="https://lumen.slack.com", timeout="5")


@pytest.fixture
def deliver(source):
    client = Client(enforce_csrf_checks=True)  # webhooks are the CSRF-exempt exception

    def send(body: dict[str, Any], *, key: str = SIGNING_SECRET, timestamp: int | None = None,
             signature: str | None = None, retry: int | None = None, to: Source | None = None):
        raw = json.dumps(body).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"X-Slack-Request-Timestamp": stamp,
                   "X-Slack-Signature": signature if signature is not None else sign(key, stamp, raw)}
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        return client.post(f"/hooks/slack/{(to or source).name}/", raw, content_type="application/json",
                           headers=headers)

    return send


def now_ts(offset: int = 0) -> str:
    return f"{int(time.time()) + offset}.{next(_n):06d}"


def complaint_event(ts: str, text: str = COMPLAINT) -> dict[str, Any]:
    return payloads.event(payloads.CHANNEL_MESSAGE, text=text, ts=ts)


# ------------------------------------------------------------------------------------------------ signatures
def test_the_request_url_is_verified_with_the_challenge(deliver):
    response = deliver(payloads.URL_VERIFICATION)
    assert response.status_code == 200 and response.json() == {"challenge": payloads.URL_VERIFICATION["challenge"]}


def test_a_good_signature_is_taken_a_wrong_or_stale_one_refused_and_logged_without_the_body(deliver, source,
                                                                                                caplog):
    body = payloads.callback(complaint_event(now_ts()), "Ev0PV52K25")
    with caplog.at_level(logging.WARNING, logger="careloop.connectors.webhooks"):
        wrong = deliver(body, key="not-the-signing-secret")
        stale = deliver(body, timestamp=int(time.time()) - 6 * 60)  # correctly signed, 6 minutes old: a replay
        missing = deliver(body, signature="")
        future = deliver(body, timestamp=int(time.time()) + 6 * 60)
    assert [r.status_code for r in (wrong, stale, missing, future)] == [401, 401, 401, 401]
    assert "wrong X-Slack-Signature" in wrong.json()["error"] and "5 minutes" in stale.json()["error"]
    assert not Post.objects.filter(source=source).exists() and not ReceivedEvent.objects.filter(source=source).exists()
    assert caplog.text.count(f"webhook for source {source.name} refused a request") == 4
    assert "crashing" not in caplog.text and SIGNING_SECRET not in caplog.text and "U2147483697" not in caplog.text

    good = deliver(body)
    assert good.status_code == 200 and good.json()["imported"] == 1, good.content
    assert Post.objects.filter(source=source).count() == 1


def test_a_retried_or_replayed_event_is_stored_once(deliver, source):
    body = payloads.callback(complaint_event(now_ts()), "Ev08MFMKH6")
    assert deliver(body).json()["imported"] == 1
    retry = deliver(body, retry=1)  # Slack got no 2xx in time and sends the same event_id again
    replay = deliver(body)  # the same signed body later (within 5 minutes): the same event_id
    assert retry.status_code == replay.status_code == 200
    assert retry.json() == replay.json() == {"duplicate": "Ev08MFMKH6"}
    assert Post.objects.filter(source=source).count() == 1
    assert ReceivedEvent.objects.filter(source=source, event_id="Ev08MFMKH6").count() == 1
    assert deliver(payloads.callback(body["event"], "Ev08MFMKH7")).json()["unchanged"] == 1  # same message, new id
    assert Post.objects.filter(source=source).count() == 1


# ------------------------------------------------------------------------------------------------ what comes in
def test_channel_messages_thread_replies_edits_and_deletes_and_what_is_not_members_words(deliver, source):
    first = payloads.event(payloads.CHANNEL_MESSAGE, text="Sync fails on &lt;Android&gt; &amp; iOS", ts=now_ts())
    assert deliver(payloads.callback(first, "Ev1")).status_code == 200
    post = Post.objects.select_related("author", "thread").get(source=source)
    channel, ts = first["channel"], first["ts"]
    assert post.external_id == f"{channel}:{ts}" and post.thread.external_id == f"{channel}:{ts}"
    assert post.text == "Sync fails on <Android> & iOS" and post.author.external_id == MEMBER
    assert post.url == f"https://lumen.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    assert post.thread.channel == channel

    reply = payloads.event(payloads.THREAD_REPLY, channel=channel, thread_ts=ts, ts=now_ts(1))
    assert deliver(payloads.callback(reply, "Ev2")).json()["imported"] == 1
    threaded = Post.objects.select_related("thread").get(source=source, external_id=f"{channel}:{reply['ts']}")
    assert threaded.thread.external_id == f"{channel}:{ts}" and threaded.parent_id == post.id

    edit = payloads.event(payloads.MESSAGE_CHANGED, channel=channel, ts=now_ts(2))
    edit["message"].update(ts=ts, text="Sync fails on Android since 2.3", edited={"user": MEMBER, "ts": edit["ts"]})
    assert deliver(payloads.callback(edit, "Ev3")).json()["updated"] == 1
    post.refresh_from_db()
    assert post.text == "Sync fails on Android since 2.3" and post.edited_at is not None

    gone = payloads.event(payloads.MESSAGE_DELETED, channel=channel, deleted_ts=reply["ts"], ts=now_ts(3))
    gone["previous_message"].update(ts=reply["ts"], user=reply["user"], text=reply["text"])
    assert deliver(payloads.callback(gone, "Ev4")).status_code == 200
    threaded.refresh_from_db()
    assert threaded.deleted and threaded.text == reply["text"]  # marked deleted, its words kept

    for n, ignored in enumerate([payloads.event(payloads.BOT_MESSAGE, channel=channel, ts=now_ts(4)),
                                 payloads.event(payloads.CHANNEL_JOIN, channel=channel, ts=now_ts(5)),
                                 payloads.event(payloads.IM_MESSAGE, ts=now_ts(6)),  # nobody was written to
                                 payloads.event(payloads.DM_EXAMPLE, ts=now_ts(7))], start=5):
        answer = deliver(payloads.callback(ignored, f"Ev{n}"))
        assert answer.status_code == 200 and "ignored" in answer.json(), answer.json()
    assert Post.objects.filter(source=source).count() == 2 and not InboundReply.objects.filter(source=source).exists()


def test_an_event_that_lacks_what_it_needs_is_a_400_and_stores_nothing(deliver, source):
    broken = payloads.event(payloads.CHANNEL_MESSAGE, ts=now_ts())
    del broken["channel"]
    answer = deliver(payloads.callback(broken, "Ev9"))
    assert answer.status_code == 400 and "channel" in answer.json()["error"]
    assert not Post.objects.filter(source=source).exists() and not ReceivedEvent.objects.filter(source=source).exists()


def test_source_add_slack_keeps_the_secrets_encrypted(cli, db):
    result = cli("source", "add", "lumen-slack", "--kind", "slack", "--set", "team=U0TEAM1,U0TEAM2",
                 "--secret", "bot_token", "--secret", "signing_secret", input=f"{BOT_TOKEN}\n{SIGNING_SECRET}\n")
    assert "added source lumen-slack (slack)" in result.output, result.output
    assert BOT_TOKEN not in result.output and SIGNING_SECRET not in result.output
    source = Source.objects.get(name="lumen-slack")
    stored = json.dumps(source.settings)
    assert source.kind == "slack" and BOT_TOKEN not in stored and SIGNING_SECRET not in stored
    assert secret(source, "bot_token") == BOT_TOKEN and secret(source, "signing_secret") == SIGNING_SECRET
    assert connector_for(source).team == {"U0TEAM1", "U0TEAM2"}  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ the loop
@pytest.fixture
def workspace(slack_api, source):
    slack_api.clear()
    source.settings = {**source.settings, "api_base": slack_api.base}
    source.save(update_fields=["settings"])
    return SimpleNamespace(api=slack_api, source=source)


def _posted(api: SlackAPI) -> list[dict[str, str]]:
    """What chat.postMessage requests Prism accepted, as {parameter: value}."""
    return [{k: v[0] for k, v in r.form.items()} for r in api.sent("/chat.postMessage")]


@pytest.mark.slow
def test_a_public_complaint_is_answered_by_direct_message_and_the_reply_lands_on_the_case(workspace, deliver):
    from careloop.cases import act, follow_up, outbox, reach_out
    from careloop.cases.models import Case, InboundMessage, OutboxMessage

    api, source = workspace.api, workspace.source
    assert connector_for(source).check() == "connected to the Slack workspace Subarachnoid Workspace as grace"
    said = payloads.event(payloads.CHANNEL_MESSAGE, text=COMPLAINT, ts=now_ts())
    assert deliver(payloads.callback(said, "Ev0PV52K25")).status_code == 200
    post = Post.objects.get(source=source, external_id=f"{said['channel']}:{said['ts']}")
    assert post.scores and post.complaint is not None and post.complaint > 0.5  # scored on the way in
    case = Case.objects.get(source=source, post=post)  # and the listening opened a case for it
    assert case.member == Member.objects.get(source=source, external_id=MEMBER)

    manager = get_user_model().objects.create_user(f"anna{next(_n)}", "anna@example.org", "secret-pass-1",
                                                   first_name="Anna")
    reach_out.reach_out(case, manager, "Hi, I'm Anna from the Lumen team. Sorry about the crashes — can we talk "
                        "here?", "dm", public_note="We've sent you a direct message.")
    outbox.send_due()
    sent = list(OutboxMessage.objects.filter(case=case).order_by("id"))
    assert [m.status for m in sent] == ["sent", "sent"], [(m.status, m.last_error) for m in sent]
    opened = api.sent("/conversations.open")
    assert [r.form for r in opened] == [{"users": [MEMBER]}]
    assert all(r.headers["Authorization"] == f"Bearer {BOT_TOKEN}" for r in api.requests)
    assert [r.path for r in api.requests] == ["/auth.test", "/conversations.open"] + ["/chat.postMessage"] * 2
    assert [r.request_violations() for r in api.requests] == [[]] * 4  # Prism found nothing wrong with a request
    dm, note = _posted(api)
    assert dm == {"channel": DM_CHANNEL, "text": sent[0].body}  # to the member's DM with the app, nowhere else
    assert note == {"channel": said["channel"], "text": "We've sent you a direct message.", "thread_ts": said["ts"]}

    answer = payloads.event(payloads.IM_MESSAGE, channel=DM_CHANNEL, text="Yes please, it crashes right on start.",
                            ts=now_ts(1))
    kept = deliver(payloads.callback(answer, "Ev0PV52K26")).json()
    assert kept == {"private_reply": f"{DM_CHANNEL}:{answer['ts']}",
                    "case": Delivery.objects.get(external_id__startswith=DM_CHANNEL, source=source).case_ref}
    assert not Post.objects.filter(source=source, external_id=f"{DM_CHANNEL}:{answer['ts']}").exists()
    assert follow_up.read_replies(source) == 1
    inbound = InboundMessage.objects.get(source=source)
    assert inbound.case_id == case.pk and inbound.body == "Yes please, it crashes right on start."
    assert deliver(payloads.callback(answer, "Ev0PV52K26"), retry=1).json() == {"duplicate": "Ev0PV52K26"}
    assert follow_up.read_replies(source) == 0 and InboundReply.objects.filter(source=source).count() == 1

    case.refresh_from_db()
    assert case.state == "acting"
    act.mark_action_done(case, manager, note="fixed in 2.3.1")
    follow_up.send_follow_up(case, manager)
    outbox.send_due()
    asked = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.FOLLOW_UP)
    assert asked.status == "sent" and _posted(api)[-1] == {"channel": DM_CHANNEL, "text": asked.body}
    assert len(api.sent("/conversations.open")) == 1  # the DM channel is known from the first message
    thanks = payloads.event(payloads.IM_MESSAGE, channel=DM_CHANNEL, ts=now_ts(2),
                            text="Yes, it works perfectly now. Thank you so much!")
    assert deliver(payloads.callback(thanks, "Ev0PV52K27")).status_code == 200
    assert follow_up.read_replies(source) == 1  # read as satisfied: the closing message is queued
    outbox.send_due()
    closing = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.CLOSING)
    assert closing.status == "sent", closing.last_error
    assert _posted(api)[-1] == {"channel": DM_CHANNEL, "text": closing.body}
    case.refresh_from_db()
    assert case.state == "resolved"


# ------------------------------------------------------------------------------------------------ down
def _outreach(workspace, deliver):
    from careloop.cases import reach_out, state

    said = complaint_event(now_ts())
    deliver(payloads.callback(said, f"Ev-out-{next(_n)}"))
    post = Post.objects.get(source=workspace.source, external_id=f"{said['channel']}:{said['ts']}")
    case = post.cases.first() or state.open_case(source=workspace.source, member=post.author, post=post,
                                                 topic="crashes")
    manager = get_user_model().objects.create_user(f"ben{next(_n)}", "ben@example.org", "secret-pass-1")
    return reach_out.reach_out(case, manager, "Hi from the team, can we talk here?", "dm")


@pytest.mark.slow
def test_sends_are_retried_with_back_off_and_never_doubled(workspace, deliver):
    from careloop.cases import outbox

    api = workspace.api
    message = _outreach(workspace, deliver)
    api.fault("/chat.postMessage", 503)
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "queued" and "HTTP 503" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backing off, not hammering

    api.fault("/chat.postMessage", 429, headers={"Retry-After": "7"}, body={"ok": False, "error": "ratelimited"})
    asked_at = message.next_attempt_at + timedelta(seconds=1)
    outbox.send_due(now=asked_at)
    message.refresh_from_db()
    assert message.status == "queued" and "HTTP 429" in message.last_error
    assert message.next_attempt_at == asked_at + timedelta(seconds=7)  # as Slack's Retry-After said

    api.fault("/chat.postMessage", 200, body={"ok": False, "error": "internal_error"})  # Slack's own word for it
    outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == "queued" and "internal_error" in message.last_error

    api.stop()  # Slack cannot be reached at all: connection refused
    try:
        outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
        message.refresh_from_db()
        assert message.status == "queued" and "cannot reach the platform" in message.last_error
        assert BOT_TOKEN not in message.last_error
    finally:
        api.start()
    assert _posted(api) == []  # nothing reached the member yet

    outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 5, message.last_error
    assert len(_posted(api)) == 1
    outbox.send_due(now=timezone.now() + timedelta(hours=2))  # nothing is due again
    again = connector_for(workspace.source).send(OutgoingMessage(
        kind="private", recipient=MEMBER, body=message.body, idempotency_key=message.idempotency_key))
    assert again.external_id == message.external_id and len(_posted(api)) == 1  # the ledger answers
    assert Delivery.objects.filter(source=workspace.source).count() == 1


@pytest.mark.slow
def test_a_refused_token_or_an_unknown_channel_fails_clearly(workspace):
    api = workspace.api
    api.fault("/chat.postMessage", 200, body={"ok": False, "error": "channel_not_found"})
    with pytest.raises(PermanentFailure, match="channel_not_found") as refused:
        connector_for(workspace.source).send(OutgoingMessage(kind="public_reply", recipient="", body="x",
                                                             idempotency_key="o-1", thread_ref="C1:1.2"))
    assert BOT_TOKEN not in str(refused.value)
    with pytest.raises(PermanentFailure, match="thread"):
        connector_for(workspace.source).send(OutgoingMessage(kind="public_reply", recipient="", body="x",
                                                             idempotency_key="o-2"))
    assert not Delivery.objects.filter(source=workspace.source).exists()


@pytest.mark.slow
def test_a_worker_that_died_mid_send_is_not_sent_again_without_a_person(workspace, deliver):
    """Slack keeps no idempotency key: after a worker died between asking Slack and recording, the outbox cannot
    know whether the member got it, so the message is "unsure" and nothing is sent again on its own."""
    from careloop.cases import outbox

    message = _outreach(workspace, deliver)
    type(message).objects.filter(pk=message.pk).update(status="sending", attempts=1, claimed_by="dead:1",
                                                       claimed_at=timezone.now() - timedelta(hours=1))
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "unsure" and _posted(workspace.api) == []
    assert getattr(connector_for(workspace.source), "exactly_once", False) is False
