"""The Reddit connector against a local server replaying recorded real Reddit exchanges (tests/connectors/
reddit_server.py; the cassettes in tests/connectors/specs/reddit/ are PRAW's, github.com/praw-dev/praw
`tests/integration/cassettes/` at 7b69758, BSD-2-Clause, LICENSE.txt beside them):

- TestSubredditStreams.test_submissions.json: GET /r/all/new?limit=100, then ?before=t3_5jo13y (4 newer posts);
- TestSubredditStreams.test_comments__with_pause.json: GET /r/kakapo/comments?limit=100, then ?before=t1_dgauydy;
- TestRedditor.test_message.json: POST /api/compose (to=subreddit_stats), answered {"json": {"errors": []}};
- TestSubmission.test_reply.json / TestComment.test_reply.json: POST /api/comment (thing_id t3_4b1tfm, t1_d1616q2);
- TestInbox.test_messages.json: GET /message/messages?limit=100, the account's private messages.

Renamed for the loop's story, consistently in every recorded body and request it appears in (nothing else is
changed): the author of the recorded post t3_5jo13y and the recipient of the recorded compose, `subreddit_stats`,
become the sender of the recorded private message t4_2r17c8r, `Lil_SpazTest` — so one person's public post, the
message careloop sends them and their private message are the same member's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from careloop.community.models import Post, Source
from careloop.connectors.base import ConnectorError, OutgoingMessage, TemporaryFailure, connector_for
from careloop.connectors.models import InboundReply, SyncState
from careloop.connectors.reddit import connector as reddit
from careloop.connectors.tasks import sync_source
from careloop.connectors.vault import secret
from tests.connectors.reddit_server import RedditReplay

CASSETTES = ["TestSubredditStreams.test_submissions.json", "TestSubredditStreams.test_comments__with_pause.json",
             "TestRedditor.test_message.json", "TestSubmission.test_reply.json", "TestComment.test_reply.json",
             "TestInbox.test_messages.json"]
MEMBER = "Lil_SpazTest"


def _complaint_author() -> str:
    recorded = json.loads((reddit_specs() / CASSETTES[0]).read_text())["interactions"][1]["response"]
    first = json.loads(recorded["body"]["string"])["data"]["children"][0]["data"]
    assert first["name"] == "t3_5jo13y"
    return str(first["author"])


def reddit_specs():  # noqa: ANN201 - a Path
    from tests.connectors.reddit_server import SPECS

    return SPECS


@pytest.fixture(scope="module")
def replay() -> Iterator[RedditReplay]:
    server = RedditReplay(CASSETTES, renames={_complaint_author(): MEMBER, "subreddit_stats": MEMBER})
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh(replay: RedditReplay) -> RedditReplay:
    replay.served.clear()
    replay.requests.clear()
    replay.faults.clear()
    reddit._tokens.clear()
    reddit._limits.clear()
    return replay


@pytest.fixture
def source(fresh: RedditReplay, make_source) -> Source:
    return make_source("reddit", auth_base=fresh.base, api_base=fresh.base, client_id="app-id-0123",
                       client_secret="app-secret-4567", username="<USERNAME>", password="pass-89ab",
                       subreddits=["all"], comments="false", timeout="5")


def cursors(source: Source) -> dict[str, str]:
    return json.loads(SyncState.objects.get(source=source).cursor)


def test_a_subreddits_new_posts_come_in_and_the_next_poll_resumes_from_the_cursor(source, fresh):
    assert secret(source, "client_secret") == "app-secret-4567"
    assert "app-secret-4567" not in json.dumps(source.settings) and "pass-89ab" not in json.dumps(source.settings)
    first = sync_source(source)
    assert first.imported == 100 and cursors(source) == {"new:all": "t3_5jo13y"}
    newest = Post.objects.select_related("author").get(source=source, external_id="t3_5jo13y")
    assert newest.author.external_id == MEMBER and newest.url.startswith("https://www.reddit.com/r/")
    assert sync_source(source).imported == 4  # before=t3_5jo13y: the four newer posts, recorded
    assert cursors(source) == {"new:all": "t3_5jo144"}
    assert Post.objects.filter(source=source).count() == 104


def test_a_subreddits_comments_come_in_threaded_under_their_post(fresh, make_source):
    source = make_source("reddit", auth_base=fresh.base, api_base=fresh.base, client_id="app", client_secret="s",
                         username="<USERNAME>", password="p", subreddits="kakapo", posts="false")
    assert sync_source(source).imported == 16 and cursors(source) == {"comments:kakapo": "t1_dgauydy"}
    comment = Post.objects.select_related("thread").get(source=source, external_id="t1_dgauydy")
    assert comment.thread.external_id.startswith("t3_") and comment.extra["reddit"]["subreddit"] == "kakapo"
    assert sync_source(source).imported == 0  # before=t1_dgauydy: nothing newer was recorded


@pytest.mark.xfail(strict=True, reason="NOT DONE: the third poll asks /r/all/new?before=t3_5jo144, which no cassette "
                   "recorded (the replay answers 404); the loop needs the messages read apart from the listings")
def test_the_whole_loop_complaint_outreach_private_reply_closing(source, fresh):
    from careloop.cases import follow_up, outbox, reach_out, state
    from careloop.cases.models import Case, InboundMessage, OutboxMessage

    sync_source(source)
    post = Post.objects.get(source=source, external_id="t3_5jo13y")
    assert post.scores and post.complaint is not None  # scored on the way in
    case = Case.objects.filter(source=source, post=post).first() or state.open_case(
        source=source, member=post.author, post=post, topic="complaint")
    manager = get_user_model().objects.create_user("anna-r", "anna@example.org", "secret-pass-1", first_name="Anna")
    reach_out.reach_out(case, manager, "Hi, Anna from the team here. Sorry about this — can we talk?", "dm")
    outbox.send_due()
    sent = list(OutboxMessage.objects.filter(case=case).order_by("id"))
    assert [m.status for m in sent] == ["sent"], [(m.status, m.last_error) for m in sent]
    composed = fresh.sent("/api/compose")
    assert [(f["to"], f["text"]) for f in composed] == [(MEMBER, sent[0].body)]

    sync_source(source)  # the messages listing holds the member's private message
    assert follow_up.read_replies(source) == 1
    inbound = InboundMessage.objects.get(source=source)
    assert inbound.case_id == case.pk and inbound.external_id == "t4_2r17c8r" and inbound.body == "test"
    assert not Post.objects.filter(source=source, external_id="t4_2r17c8r").exists()  # private stays private
    sync_source(source)
    assert InboundReply.objects.filter(source=source).count() == 1 and follow_up.read_replies(source) == 0
    case.refresh_from_db()
    assert case.state == "acting"

    follow_up.send_follow_up(case, manager)
    outbox.send_due()
    follow_up.mark_satisfied(case, manager, True)
    outbox.send_due()
    closing = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.CLOSING)
    assert closing.status == "sent", closing.last_error
    assert [f["text"] for f in fresh.sent("/api/compose")][-1] == closing.body
    case.refresh_from_db()
    assert case.state == "resolved"


def test_a_platform_that_is_down_loses_no_post(source, fresh):
    sync_source(source)
    stood = cursors(source)
    fresh.stop()
    try:
        with pytest.raises(ConnectorError, match="cannot reach the platform"):
            sync_source(source, attempts=1)
        assert cursors(source) == stood and SyncState.objects.get(source=source).failures == 1
    finally:
        fresh.start()
    fresh.fault("/r/all/new", 503, count=2)
    with pytest.raises(ConnectorError, match="HTTP 503"):
        sync_source(source, attempts=2)
    assert cursors(source) == stood
    fresh.fault("/r/all/new", 429, count=1, headers={"Retry-After": "1"})
    with pytest.raises(TemporaryFailure) as limited:
        connector_for(source).sync_once(0)
    assert limited.value.retry_after == 1.0
    fresh.fault("/r/all/new", 429, count=1, headers={"Retry-After": "1"})
    started = time.monotonic()
    assert sync_source(source).imported == 4  # waited the second it was told, then read from the cursor
    assert time.monotonic() - started >= 1.0 and cursors(source) == {"new:all": "t3_5jo144"}


def test_a_used_up_rate_limit_is_waited_out_without_calling(source, fresh):
    connector = connector_for(source)
    reddit._limits[source.pk] = reddit._Limit(0, time.monotonic() + 30)
    before = len(fresh.requests)
    with pytest.raises(TemporaryFailure, match="rate limit") as waited:
        connector.sync_once(0)  # type: ignore[attr-defined]
    assert waited.value.retry_after and 29 <= waited.value.retry_after <= 30 and len(fresh.requests) == before
    reddit._limits.clear()
    connector.send(OutgoingMessage(kind="public_reply", recipient="", body="Test reply", idempotency_key="r-1",
                                   in_reply_to="t3_4b1tfm"))
    assert reddit._limits[source.pk].remaining == 598.0  # kept from the recorded X-Ratelimit headers


def _queued_outreach(source):
    from careloop.cases import reach_out, state

    sync_source(source)
    post = Post.objects.get(source=source, external_id="t3_5jo13y")
    case = post.cases.first() or state.open_case(source=source, member=post.author, post=post, topic="complaint")
    manager = get_user_model().objects.create_user("ben-r", "ben@example.org", "secret-pass-1")
    return reach_out.reach_out(case, manager, "Hi from the team, can we talk?", "dm")


def test_sends_are_retried_with_back_off_and_never_doubled(source, fresh):
    from careloop.cases import outbox

    message = _queued_outreach(source)
    fresh.fault("/api/compose", 503)
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "queued" and "HTTP 503" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)
    fresh.fault("/api/compose", 429, headers={"Retry-After": "7"})
    outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == "queued" and "HTTP 429" in message.last_error
    fresh.stop()
    try:
        outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
        message.refresh_from_db()
        assert message.status == "queued" and "cannot reach the platform" in message.last_error
    finally:
        fresh.start()
    assert fresh.sent("/api/compose") == []
    outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 4
    outbox.send_due(now=timezone.now() + timedelta(hours=2))
    again = connector_for(source).send(OutgoingMessage(kind="private", recipient=MEMBER, body=message.body,
                                                       idempotency_key=message.idempotency_key))
    assert again.external_id == message.external_id and len(fresh.sent("/api/compose")) == 1


def test_a_comment_reply_answers_a_comment(source, fresh):
    result = connector_for(source).send(OutgoingMessage(kind="public_reply", recipient="", body="Comment reply",
                                                        idempotency_key="reply-1", in_reply_to="t1_d1616q2"))
    assert result.external_id == "t1_d1680wu" and fresh.sent("/api/comment")[0]["thing_id"] == "t1_d1616q2"


def test_source_add_reddit_keeps_the_secrets_encrypted(cli, db):
    result = cli("source", "add", "brand-reddit", "--kind", "reddit", "--set", "client_id=abc123",
                 "--set", "username=lumen_support", "--set", "subreddits=lumen,lumenhelp",
                 "--secret", "client_secret", "--secret", "password", input="s3cret-value\npass-word-1\n")
    assert "added source brand-reddit (reddit)" in result.output and "s3cret-value" not in result.output
    source = Source.objects.get(name="brand-reddit")
    assert source.settings["subreddits"] == ["lumen", "lumenhelp"]
    assert "s3cret-value" not in json.dumps(source.settings) and secret(source, "client_secret") == "s3cret-value"
    assert secret(source, "password") == "pass-word-1"
    connector = connector_for(source)
    assert connector.subreddits == ["lumen", "lumenhelp"]  # type: ignore[attr-defined]
    assert connector.user_agent == "careloop:abc123:1.0 (by /u/lumen_support)"  # type: ignore[attr-defined]
