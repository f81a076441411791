"""Discourse: documented webhook payloads in (signed, deduplicated), REST calls out to a server that checks them."""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from careloop.community.models import Post, PostRevision, Thread
from careloop.connectors.base import OutgoingMessage, PermanentFailure, TemporaryFailure, connector_for
from careloop.connectors.discourse.webhook import sign
from careloop.connectors.models import InboundReply, ReceivedEvent
from tests.connectors import discourse_payloads as payloads

SECRET = "discourse-webhook-secret-0123456789"
API_KEY = "a" * 64
COMPLAINT = "Login fails on Android since the 3.2 update. I have tried everything, this is really annoying."


class FakeDiscourse(BaseHTTPRequestHandler):
    """Answers like Discourse's REST API and keeps every request for the test to inspect."""

    server: ThreadingHTTPServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("Api-Key") != API_KEY or self.headers.get("Api-Username") != "community":
            self._reply(403, {"errors": ["You are not permitted to view the requested resource."],
                              "error_type": "invalid_access"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802
        self.server.requests.append(("GET", self.path, dict(self.headers), {}))
        if self._authorised():
            self._reply(200, {"user": {"id": 2, "username": "community", "admin": True, "moderator": True}})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        self.server.requests.append(("POST", self.path, dict(self.headers), form))
        if self.server.rate_limited:
            self._reply(429, {"errors": ["You've performed this action too many times."],
                              "error_type": "rate_limit", "extras": {"wait_seconds": 7}}, {"Retry-After": "7"})
            return
        if not self._authorised():
            return
        assert self.path == "/posts.json", self.path
        assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
        self.server.next_id += 1
        topic = int(form["topic_id"][0]) if "topic_id" in form else 900 + self.server.next_id
        self._reply(200, payloads.answer(5000 + self.server.next_id, topic))


@pytest.fixture
def forum():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeDiscourse)
    server.requests, server.next_id, server.rate_limited = [], 0, False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def source(make_source, forum):
    return make_source("discourse", name="lumen-forum", base_url=f"http://127.0.0.1:{forum.server_port}",
                       api_username="community", api_key=API_KEY, webhook_secret=SECRET)


@pytest.fixture
def deliver(source):
    client = Client(enforce_csrf_checks=True)  # webhooks are the CSRF-exempt exception, and only they are

    def send(body: dict, event: str, event_id: int | str, *, secret: str = SECRET, signature: str | None = None):
        raw = json.dumps(body).encode()
        headers = {
            "X-Discourse-Instance": "https://forum.example.org", "X-Discourse-Event-Id": str(event_id),
            "X-Discourse-Event-Type": next(iter(body)), "X-Discourse-Event": event,
            "X-Discourse-Event-Signature": signature if signature is not None else sign(secret, raw),
        }
        return client.post(f"/hooks/discourse/{source.name}/", raw, content_type="application/json", headers=headers)

    return send


def test_a_new_post_becomes_a_scored_post_in_its_topic(deliver, source):
    response = deliver(payloads.post(1201, raw=COMPLAINT), "post_created", 1)
    assert response.status_code == 200, response.content
    post = Post.objects.select_related("author", "thread").get(source=source, external_id="1201")
    assert post.text == COMPLAINT and post.author.external_id == "anna_b" and post.author.display_name == "Anna Becker"
    assert post.thread.external_id == "311" and post.thread.title == "Login fails on Android since 3.2"
    assert post.url.endswith("/t/login-fails-on-android/311/1") and post.thread.channel == "support"
    assert post.extra["post_number"] == 1 and post.scored_at is not None

    reply = payloads.post(1202, number=2, username="ben", raw="Same for me on a Pixel.")
    assert deliver(reply, "post_created", 2).status_code == 200
    assert Post.objects.get(source=source, external_id="1202").parent_id == post.id


def test_a_wrong_signature_is_refused_with_401_and_logged_without_the_body(deliver, source, caplog):
    body = payloads.post(1201, raw=COMPLAINT)
    with caplog.at_level(logging.WARNING, logger="careloop.connectors.webhooks"):
        assert deliver(body, "post_created", 1, secret="not-the-secret").status_code == 401
        assert deliver(body, "post_created", 2, signature="").status_code == 401
    assert not Post.objects.filter(source=source).exists()
    assert "refused" in caplog.text and source.name in caplog.text
    assert COMPLAINT not in caplog.text and "Android" not in caplog.text and SECRET not in caplog.text


def test_a_repeated_event_is_stored_once(deliver, source):
    body = payloads.post(1201, raw=COMPLAINT)
    assert deliver(body, "post_created", 41).status_code == 200
    again = deliver(body, "post_created", 41)
    assert again.status_code == 200 and again.json() == {"duplicate": "41"}
    assert deliver(body, "post_created", 42).json()["unchanged"] == 1  # the same post under a new event id
    assert Post.objects.filter(source=source).count() == 1
    assert ReceivedEvent.objects.filter(source=source).count() == 2


def test_an_edit_updates_the_post_and_keeps_the_old_text(deliver, source):
    deliver(payloads.post(1201, raw=COMPLAINT), "post_created", 1)
    edited = payloads.post(1201, raw="Fixed after reinstalling, thanks.", updated_at="2026-05-03T13:00:00.000Z")
    assert deliver(edited, "post_edited", 2).json()["updated"] == 1
    post = Post.objects.get(source=source, external_id="1201")
    assert post.text == "Fixed after reinstalling, thanks."
    assert PostRevision.objects.get(post=post).text == COMPLAINT


def test_topics_flags_and_pings(deliver, source):
    assert deliver({"ping": "OK"}, "ping", 1).status_code == 200
    assert deliver(payloads.TOPIC_CREATED, "topic_created", 2).status_code == 200
    thread = Thread.objects.get(source=source, external_id="311")
    assert thread.title == "Login fails on Android since 3.2" and thread.url.endswith("/t/login-fails-on-android/311")

    deliver(payloads.post(1202, number=2, username="troll99", raw="lol get a real phone"), "post_created", 3)
    assert deliver(payloads.FLAG_CREATED, "flag_created", 4).status_code == 200
    flagged = Post.objects.get(source=source, external_id="1202")
    assert flagged.extra["flags"]["88"]["type"] == "inappropriate" and flagged.extra["flags"]["88"]["by"] == "anna_b"


def test_a_private_message_goes_out_once_and_the_members_answer_comes_back(deliver, source, forum):
    connector = connector_for(source)
    message = OutgoingMessage(kind="private", recipient="anna_b", body="Hi Anna, can we help you here?",
                              idempotency_key="outbox-5", subject="About the login problem", case_ref="case-5")
    sent = connector.send(message)
    assert connector.send(message).external_id == sent.external_id
    [(method, path, headers, form)] = forum.requests
    assert (method, path) == ("POST", "/posts.json")
    assert headers["Api-Key"] == API_KEY and headers["Api-Username"] == "community"
    assert form == {"title": ["About the login problem"], "raw": ["Hi Anna, can we help you here?"],
                    "archetype": ["private_message"], "target_recipients": ["anna_b"]}
    topic = int(sent.details["topic_id"])

    own = payloads.post(int(sent.external_id), topic_id=topic, username="community", raw="Hi Anna",
                        archetype="private_message")
    answer = payloads.post(7001, number=2, topic_id=topic, raw="Yes please, it still fails.",
                           archetype="private_message")
    other_pm = payloads.post(7002, topic_id=4242, username="ben", raw="between members", archetype="private_message")
    for n, body in enumerate([own, answer, other_pm, answer], start=10):
        assert deliver(body, "post_created", n).status_code == 200
    [reply] = connector.read_private_replies(since=None)
    assert (reply.sender, reply.body, reply.case_ref, reply.in_reply_to) == (
        "anna_b", "Yes please, it still fails.", "case-5", sent.external_id)
    assert InboundReply.objects.count() == 1
    assert not Post.objects.filter(source=source).exists()  # private words never become public posts

    # the outbox names the public topic as thread_ref; the follow-up must go on in the private topic
    follow_up = connector.send(OutgoingMessage(kind="private", recipient="anna_b", body="Did the fix work?",
                                               idempotency_key="outbox-6", thread_ref="311", case_ref="case-5"))
    assert forum.requests[-1][3] == {"topic_id": [str(topic)], "raw": ["Did the fix work?"]}
    assert follow_up.details["topic_id"] == str(topic)
    connector.send(OutgoingMessage(kind="private", recipient="anna_b", body="New matter", idempotency_key="o-7",
                                   thread_ref="311", case_ref="case-6"))
    assert forum.requests[-1][3]["archetype"] == ["private_message"]  # another case: a new PM, never topic 311


def test_a_public_reply_answers_the_post_by_its_number(deliver, source, forum):
    deliver(payloads.post(1201, raw=COMPLAINT), "post_created", 1)
    connector_for(source).send(OutgoingMessage(kind="public_reply", recipient="", body="We've messaged you.",
                                               idempotency_key="outbox-7", thread_ref="311", in_reply_to="1201"))
    assert forum.requests[-1][3] == {"topic_id": ["311"], "raw": ["We've messaged you."],
                                     "reply_to_post_number": ["1"]}


def test_rate_limits_and_refusals(source, forum, make_source):
    forum.rate_limited = True
    message = OutgoingMessage(kind="private", recipient="anna_b", body="x", idempotency_key="outbox-8")
    with pytest.raises(TemporaryFailure) as limited:
        connector_for(source).send(message)
    assert limited.value.retry_after == 7.0
    forum.rate_limited = False
    wrong = make_source("discourse", base_url=source.settings["base_url"], api_username="community",
                        api_key="wrong-key-0123456789")
    with pytest.raises(PermanentFailure, match="403") as refused:
        connector_for(wrong).send(message)
    assert "wrong-key" not in str(refused.value)
    assert "connected to" in connector_for(source).check()


def test_an_event_with_a_value_no_database_stores_is_a_400_not_a_500(deliver, source):
    """A NUL in a post's raw text, or a payload missing the post's own fields, is refused with what is wrong
    (and logged); the next good event still lands."""
    bad = payloads.post(1301, raw="broken \u0000 text")
    response = deliver(bad, "post_created", 31)
    assert response.status_code == 400 and "NUL" in response.json()["error"]
    response = deliver({"post": {"id": 1302}}, "post_created", 32)
    assert response.status_code == 400 and "lacks the field" in response.json()["error"]
    assert deliver(payloads.post(1303, raw=COMPLAINT), "post_created", 33).status_code == 200
    assert list(Post.objects.filter(source=source).values_list("external_id", flat=True)) == ["1303"]
