"""The Mastodon connector against a real Mastodon REST API server (mastodon-mock, its own process on loopback):
listening (mentions, a hashtag, an account), the whole case loop, a platform that is down or rate-limits, and
hostile content."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from careloop.community.models import Member, Post, Source
from careloop.connectors.base import (
    ConnectorError,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
    connector_for,
)
from careloop.connectors.mastodon.connector import idempotency_key
from careloop.connectors.mastodon.text import html_to_text, status_text
from careloop.connectors.models import Delivery, InboundReply, SyncState
from careloop.connectors.tasks import sync_due_sources, sync_source
from careloop.connectors.vault import secret
from tests.connectors.mastodon_server import MastodonMock, call, mock_available

COMPLAINT = "The app keeps crashing since the last update and nobody answers my tickets. Really frustrating."
_n = itertools.count(1)


@pytest.fixture(scope="session")
def mastodon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MastodonMock]:
    if not mock_available():
        pytest.skip("mastodon-mock is not installed: `pip install -e '.[test]'` installs it")
    server = MastodonMock(tmp_path_factory.mktemp("mastodon"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fedi(mastodon, make_source):
    """The brand's account and a source listening to its mentions and a hashtag; a member and a bystander."""
    mastodon.clear_faults()
    n = next(_n)
    brand = mastodon.account(f"lumen{n}", "Lumen Support")
    mara = mastodon.account(f"mara{n}", "Mara <b>K</b>")
    bo = mastodon.account(f"bo{n}", "Bo")
    tag = f"lumenhelp{n}"
    source = make_source("mastodon", base_url=mastodon.base, access_token=brand.token, hashtags=[tag],
                         timeout="5")
    return SimpleNamespace(server=mastodon, brand=brand, mara=mara, bo=bo, tag=tag, source=source)


def cursors(source: Source) -> dict[str, str]:
    return json.loads(SyncState.objects.get(source=source).cursor)


# ------------------------------------------------------------------------------------------------ listening
@pytest.mark.slow
def test_mentions_and_the_hashtag_come_in_as_public_posts_and_direct_messages_never_do(fedi):
    assert "access_token" in fedi.source.settings and fedi.brand.token not in json.dumps(fedi.source.settings)
    assert secret(fedi.source, "access_token") == fedi.brand.token  # encrypted at rest, read back
    assert connector_for(fedi.source).check().startswith(f"logged in as @{fedi.brand.acct} on ")

    mention = fedi.mara.post(f"@{fedi.brand.acct} {COMPLAINT}")
    tagged = fedi.bo.post(f"Does anyone else see the sync error? #{fedi.tag}")
    reply = fedi.mara.post(f"@{fedi.bo.acct} yes, since Monday", in_reply_to=tagged["id"])
    secret_words = fedi.mara.post(f"@{fedi.brand.acct} my order number is 4711", visibility="direct")
    followers_only = fedi.mara.post(f"@{fedi.brand.acct} only for my followers", visibility="private")
    sync_source(fedi.source)

    posts = {p.external_id: p for p in Post.objects.filter(source=fedi.source).select_related("author", "thread")}
    assert set(posts) == {mention["id"], tagged["id"]}
    assert secret_words["id"] not in posts and followers_only["id"] not in posts
    assert not InboundReply.objects.filter(source=fedi.source).exists()  # nobody was written to: not a reply
    complaint = posts[mention["id"]]
    assert complaint.text == f"@{fedi.brand.acct} {COMPLAINT}"
    assert complaint.author.external_id == fedi.mara.acct and complaint.author.display_name == "Mara <b>K</b>"
    assert complaint.url == mention["url"] and complaint.extra["mastodon"]["visibility"] == "public"
    assert posts[tagged["id"]].thread.external_id == tagged["id"]

    # The reply to the tagged post carries no tag and no mention of the brand: not listened to.
    assert reply["id"] not in posts
    # One cursor per stream, kept after the import; the next poll reads nothing twice.
    assert set(cursors(fedi.source)) == {"mentions", f"tag:{fedi.tag}"}
    assert sync_source(fedi.source).summary() == sync_source(fedi.source).summary()
    assert Post.objects.filter(source=fedi.source).count() == 2

    answer = fedi.bo.post(f"#{fedi.tag} same here, it started after 2.3", in_reply_to=tagged["id"])
    sync_source(fedi.source)
    threaded = Post.objects.select_related("thread").get(source=fedi.source, external_id=answer["id"])
    assert threaded.parent_external_id == tagged["id"] and threaded.thread.external_id == tagged["id"]


@pytest.mark.slow
def test_an_accounts_timeline_is_followed_and_a_new_connector_resumes_from_the_stored_cursor(fedi, make_source):
    before = fedi.bo.post("An old post from before careloop listened.")
    source = make_source("mastodon", base_url=fedi.server.base, access_token=fedi.brand.token,
                         accounts=[f"@{fedi.bo.acct}"], mentions="false")
    sync_source(source)  # a new source starts from the newest page: the old post is in it
    assert list(Post.objects.filter(source=source).values_list("external_id", flat=True)) == [before["id"]]
    stored = cursors(source)
    assert stored == {f"account:{fedi.bo.acct}": before["id"]}

    later = [fedi.bo.post(f"update number {i}") for i in range(3)]
    boost = call("POST", f"{fedi.server.base}/api/v1/statuses/{before['id']}/reblog", token=fedi.bo.token)
    # A restart: a fresh connector for the same source reads forward from the stored cursor, nothing before it.
    records, cursor = connector_for(Source.objects.get(pk=source.pk)).sync_once(0)
    assert [r["id"] for r in records] == [s["id"] for s in later]
    assert json.loads(cursor) == {f"account:{fedi.bo.acct}": later[-1]["id"]}
    assert boost["id"] not in {r["id"] for r in records}  # a boost is someone else's words
    sync_source(source)
    assert Post.objects.filter(source=source).count() == 4


# ------------------------------------------------------------------------------------------------ the loop
def _the_loop(fedi) -> None:
    from careloop.cases import act, follow_up, outbox, reach_out
    from careloop.cases.models import Case, InboundMessage, OutboxMessage

    sync_source(fedi.source)
    complaint = fedi.mara.post(f"<p>@{fedi.brand.acct}</p> {COMPLAINT}")
    # The worker's minute: every enabled source of a kind that declares POLL, this one among them.
    assert sync_due_sources()[fedi.source.name].startswith("imported 1,")
    post = Post.objects.get(source=fedi.source, external_id=complaint["id"])
    assert post.scores and post.complaint is not None and post.complaint > 0.5  # scored on the way in
    case = Case.objects.get(source=fedi.source, post=post)  # and the listening opened a case for it
    member = Member.objects.get(source=fedi.source, external_id=fedi.mara.acct)
    assert case.member == member

    manager = get_user_model().objects.create_user(f"anna{next(_n)}", "anna@example.org", "secret-pass-1",
                                                   first_name="Anna")
    reach_out.reach_out(case, manager, "Hi, I'm Anna from the Lumen team. Sorry about the crashes — can we talk "
                        "here?", "dm", public_note="We've sent you a direct message.")
    outbox.send_due()
    sent = list(OutboxMessage.objects.filter(case=case).order_by("id"))
    assert [m.status for m in sent] == ["sent", "sent"], [(m.status, m.last_error) for m in sent]

    dms = fedi.mara.direct_statuses()
    assert [(s["id"], s["visibility"], html_to_text(s["content"])) for s in dms] == [
        (sent[0].external_id, "direct", f"@{fedi.mara.acct} {sent[0].body}")]
    assert [m["acct"] for m in dms[0]["mentions"]] == [fedi.mara.acct]
    assert fedi.bo.direct_statuses() == []  # nobody else sees it
    note = call("GET", f"{fedi.server.base}/api/v1/statuses/{sent[1].external_id}", token=fedi.bo.token)
    assert note["visibility"] == "public" and note["in_reply_to_id"] == complaint["id"]
    assert html_to_text(note["content"]) == f"@{fedi.mara.acct} We've sent you a direct message."

    answer = fedi.mara.post(f"@{fedi.brand.acct} Yes please, it crashes right on start.", visibility="direct",
                            in_reply_to=dms[0]["id"])
    sync_source(fedi.source)
    assert not Post.objects.filter(source=fedi.source, external_id=answer["id"]).exists()  # private stays private
    assert follow_up.read_replies(fedi.source) == 1
    inbound = InboundMessage.objects.get(source=fedi.source)
    assert inbound.case_id == case.pk and inbound.body == f"@{fedi.brand.acct} Yes please, it crashes right on start."
    assert follow_up.read_replies(fedi.source) == 0  # read once
    sync_source(fedi.source)  # a poll over the same notifications again keeps it once
    assert follow_up.read_replies(fedi.source) == 0 and InboundReply.objects.filter(source=fedi.source).count() == 1

    case.refresh_from_db()
    assert case.state == "acting"
    act.mark_action_done(case, manager, note="fixed in 2.3.1")
    follow_up.send_follow_up(case, manager)
    outbox.send_due()
    asked = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.FOLLOW_UP)
    assert asked.status == "sent" and fedi.mara.direct_statuses()[-1]["id"] == asked.external_id
    fedi.mara.post(f"@{fedi.brand.acct} Yes, it works perfectly now. Thank you so much!", visibility="direct",
                   in_reply_to=asked.external_id)
    sync_source(fedi.source)
    assert follow_up.read_replies(fedi.source) == 1  # read as satisfied: the closing message is queued
    outbox.send_due()
    closing = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.CLOSING)
    assert closing.status == "sent", closing.last_error
    dms = fedi.mara.direct_statuses()
    last = dms[-1]
    assert last["id"] == closing.external_id and last["visibility"] == "direct"
    assert last["in_reply_to_id"] == asked.external_id  # the same conversation on the member's side
    assert html_to_text(last["content"]) == f"@{fedi.mara.acct} {closing.body}"
    case.refresh_from_db()
    assert case.state == "resolved"


@pytest.mark.slow
def test_a_public_complaint_is_answered_by_direct_message_and_the_reply_lands_on_the_case(fedi):
    _the_loop(fedi)


# ------------------------------------------------------------------------------------------------ down
@pytest.mark.slow
def test_a_platform_that_is_down_or_rate_limits_loses_no_post(fedi):
    sync_source(fedi.source)
    first = fedi.mara.post(f"@{fedi.brand.acct} first")
    sync_source(fedi.source)
    stood = cursors(fedi.source)

    waiting = fedi.mara.post(f"@{fedi.brand.acct} written while careloop could not read")
    fedi.server.stop()  # connection refused
    try:
        with pytest.raises(ConnectorError, match="cannot reach the platform"):
            sync_source(fedi.source, attempts=1)
        state = SyncState.objects.get(source=fedi.source)
        assert state.failures == 1 and state.retry_at is not None and cursors(fedi.source) == stood
        fedi.source.refresh_from_db()
        assert "cannot reach the platform" in fedi.source.last_error and fedi.brand.token not in fedi.source.last_error
    finally:
        fedi.server.start()

    fedi.server.fault("/api/v1/notifications", status=503, count=2, methods=["GET"])
    with pytest.raises(ConnectorError, match="HTTP 503"):
        sync_source(fedi.source, attempts=2)
    assert cursors(fedi.source) == stood

    fedi.server.fault("/api/v1/notifications", status=429, count=1, methods=["GET"], type="ratelimit",
                      headers={"Retry-After": "1"})
    with pytest.raises(TemporaryFailure) as limited:
        connector_for(fedi.source).sync_once(0)
    assert limited.value.retry_after == 1.0
    fedi.server.fault("/api/v1/notifications", status=429, count=1, methods=["GET"], type="ratelimit",
                      headers={"Retry-After": "1"})
    started = time.monotonic()
    sync_source(fedi.source)  # waits the second it was told to, then reads
    assert time.monotonic() - started >= 1.0
    ids = set(Post.objects.filter(source=fedi.source).values_list("external_id", flat=True))
    assert ids == {first["id"], waiting["id"]}
    assert SyncState.objects.get(source=fedi.source).failures == 0
    assert int(cursors(fedi.source)["mentions"]) > int(stood["mentions"])


def _outreach(fedi):
    from careloop.cases import reach_out, state

    sync_source(fedi.source)
    fedi.mara.post(f"@{fedi.brand.acct} {COMPLAINT}")
    sync_source(fedi.source)
    post = Post.objects.get(source=fedi.source, text__endswith=COMPLAINT)
    case = post.cases.first() or state.open_case(source=fedi.source, member=post.author, post=post, topic="crashes")
    manager = get_user_model().objects.create_user(f"ben{next(_n)}", "ben@example.org", "secret-pass-1")
    return reach_out.reach_out(case, manager, "Hi from the team, can we talk here?", "dm")


@pytest.mark.slow
def test_sends_are_retried_with_back_off_and_never_doubled(fedi):
    from careloop.cases import outbox

    message = _outreach(fedi)
    fedi.server.fault("/api/v1/statuses", status=503, count=1, methods=["POST"])
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "queued" and "HTTP 503" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backing off, not hammering

    fedi.server.fault("/api/v1/statuses", status=429, count=1, methods=["POST"], type="ratelimit",
                      headers={"Retry-After": "7"})
    outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == "queued" and "HTTP 429" in message.last_error
    told = message.next_attempt_at

    fedi.server.stop()
    try:
        outbox.send_due(now=told + timedelta(seconds=1))
        message.refresh_from_db()
        assert message.status == "queued" and "cannot reach the platform" in message.last_error
    finally:
        fedi.server.start()
    assert fedi.mara.direct_statuses() == []  # nothing reached the member yet

    outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 4
    assert [s["id"] for s in fedi.mara.direct_statuses()] == [message.external_id]
    outbox.send_due(now=timezone.now() + timedelta(hours=2))  # nothing is due again
    assert len(fedi.mara.direct_statuses()) == 1


@pytest.mark.slow
def test_a_send_that_timed_out_is_retried_once(fedi):
    from careloop.cases import outbox

    message = _outreach(fedi)
    fedi.source.settings = {**fedi.source.settings, "timeout": "0.5"}
    fedi.source.save(update_fields=["settings"])
    fedi.server.fault("/api/v1/statuses", status=200, count=1, methods=["POST"], type="latency", delay_ms=1500)
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "queued" and "timed out" in message.last_error
    assert not Delivery.objects.filter(source=fedi.source).exists()
    time.sleep(1.5)  # the slow request is over on the server's side too
    fedi.source.settings = {**fedi.source.settings, "timeout": "10"}  # a busy test machine: no second time-out
    fedi.source.save(update_fields=["settings"])
    outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == "sent" and [s["id"] for s in fedi.mara.direct_statuses()] == [message.external_id]

    # The connector asked again with the same key answers from its ledger: still one status.
    again = connector_for(fedi.source).send(OutgoingMessage(kind="private", recipient=fedi.mara.acct,
                                                            body=message.body,
                                                            idempotency_key=message.idempotency_key))
    assert again.external_id == message.external_id and len(fedi.mara.direct_statuses()) == 1


@pytest.mark.slow
def test_a_worker_that_died_after_mastodon_took_the_status_does_not_double_it(fedi):
    """The platform posted it, then the worker died before anything was recorded: the message stays "sending".
    The next worker reclaims it after the lease and sends again with the same Idempotency-Key; Mastodon answers
    with the status it already posted."""
    from careloop.cases import outbox

    message = _outreach(fedi)
    took = call("POST", f"{fedi.server.base}/api/v1/statuses", token=fedi.brand.token,
                form={"status": f"@{fedi.mara.acct} {message.body}", "visibility": "direct"},
                headers={"Idempotency-Key": idempotency_key(message.idempotency_key)})
    type(message).objects.filter(pk=message.pk).update(status="sending", attempts=1, claimed_by="dead:1",
                                                       claimed_at=timezone.now() - timedelta(hours=1))
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "sent" and message.external_id == took["id"], message.last_error
    assert [s["id"] for s in fedi.mara.direct_statuses()] == [took["id"]]


@pytest.mark.slow
def test_the_server_itself_drops_a_second_post_with_the_same_idempotency_key(fedi):
    key = idempotency_key("outbox-key-1")
    first = call("POST", f"{fedi.server.base}/api/v1/statuses", token=fedi.brand.token,
                 form={"status": f"@{fedi.mara.acct} hello", "visibility": "direct"}, headers={"Idempotency-Key": key})
    sent = connector_for(fedi.source).send(OutgoingMessage(kind="private", recipient=fedi.mara.acct, body="hello",
                                                           idempotency_key="outbox-key-1"))
    assert sent.external_id == first["id"] and len(fedi.mara.direct_statuses()) == 1


# ------------------------------------------------------------------------------------------------ hostile
@pytest.mark.slow
def test_hostile_content_in_statuses_is_read_as_plain_text(fedi):
    sync_source(fedi.source)
    typed = ("<script>alert('x')</script> &amp; <img src=x onerror=alert(1)> \u202eevil\u202c \u200bzero"
             " 👩\u200d💻 Ｆｕｌｌ e\u0301 \x00nul")
    status = fedi.mara.post(f"@{fedi.brand.acct} {typed}")
    sync_source(fedi.source)
    post = Post.objects.get(source=fedi.source, external_id=status["id"])
    # What the member typed is text: the markup they wrote stays visible as characters, never markup.
    assert post.text.startswith(f"@{fedi.brand.acct} <script>alert('x')</script> &amp; <img src=x onerror=")
    assert "\u202e" not in post.text and "\u200b" not in post.text and "\x00" not in post.text
    assert "evil" in post.text and "👩\u200d💻" in post.text and "\u00e9" in post.text and "Ｆｕｌｌ" in post.text


def test_a_status_html_from_any_server_becomes_plain_text():
    # A status as Mastodon renders it (a mention h-card, a hashtag link, paragraphs, a line break) and what a
    # hostile remote server could send instead.
    content = ('<p><span class="h-card" translate="no"><a href="https://lumen.example/@support" class="u-url '
               'mention">@<span>support</span></a></span> the app crashes<br />since 2.3 '
               '<a href="https://social.example/tags/lumen" class="mention hashtag" rel="tag">#<span>lumen</span>'
               '</a></p><p>second &lt;paragraph&gt; &amp;amp;</p>'
               '<script>document.location="https://evil.example"</script><style>p{display:none}</style>'
               '<p onclick="alert(1)">\u202eright-to-left\u202c end</p>')
    assert html_to_text(content) == ("@support the app crashes\nsince 2.3 #lumen\n\nsecond <paragraph> &amp;\n\n"
                                     "right-to-left end")
    assert html_to_text("<p>unclosed <b>bold<script>never") == "unclosed bold"
    assert html_to_text("") == "" and html_to_text("a\u2028b\u00a0c") == "a\nb c"
    assert status_text({"content": "<p>the crash log</p>", "spoiler_text": "long <b>log</b>"}) == (
        "CW: long log\n\nthe crash log")


def test_source_add_mastodon_keeps_the_token_encrypted(cli, db):
    token = "mastodon-token-0123456789abcdef"
    result = cli("source", "add", "fedi", "--kind", "mastodon", "--set", "base_url=https://social.example",
                 "--set", "hashtags=lumen,lumenhelp", "--set", "accounts=@lumen", "--secret", "access_token",
                 input=token + "\n")
    assert "added source fedi (mastodon)" in result.output and token not in result.output
    source = Source.objects.get(name="fedi")
    assert source.kind == "mastodon" and source.settings["hashtags"] == ["lumen", "lumenhelp"]
    assert token not in json.dumps(source.settings) and secret(source, "access_token") == token
    connector = connector_for(source)
    assert connector.hashtags == ["lumen", "lumenhelp"] and connector.accounts == ["lumen"]  # type: ignore[attr-defined]


@pytest.mark.slow
def test_more_than_a_page_behind_is_read_page_by_page_in_order(fedi):
    sync_source(fedi.source)
    posted = [fedi.bo.post(f"#{fedi.tag} report {i}")["id"] for i in range(45)]  # a page is at most 40
    records, cursor = connector_for(fedi.source).sync_once(0)
    assert [r["id"] for r in records] == posted
    assert json.loads(cursor)[f"tag:{fedi.tag}"] == posted[-1]


@pytest.mark.slow
def test_a_new_direct_message_from_a_member_careloop_wrote_to_lands_on_their_case(fedi):
    from careloop.cases import follow_up, outbox
    from careloop.cases.models import InboundMessage

    message = _outreach(fedi)
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "sent", message.last_error
    stranger = fedi.server.account(f"stranger{next(_n)}")
    stranger.post(f"@{fedi.brand.acct} hi, unrelated", visibility="direct")
    fresh = fedi.mara.post(f"@{fedi.brand.acct} sorry, wrote a new message instead of answering",
                           visibility="direct")  # not in reply to anything
    sync_source(fedi.source)
    assert follow_up.read_replies(fedi.source) == 1
    inbound = InboundMessage.objects.get(source=fedi.source)
    assert inbound.case_id == message.case_id and inbound.external_id == fresh["id"]


@pytest.mark.slow
def test_a_refused_token_or_an_over_long_message_fails_clearly_and_posts_nothing(fedi, make_source):
    from careloop.cases import outbox

    wrong = make_source("mastodon", base_url=fedi.server.base, access_token="not-a-token-of-this-instance")
    with pytest.raises(PermanentFailure, match="HTTP 401") as refused:
        connector_for(wrong).check()
    assert "not-a-token" not in str(refused.value)
    with pytest.raises(ConnectorError, match="HTTP 401"):
        sync_source(wrong, attempts=1)
    assert SyncState.objects.get(source=wrong).cursor == ""

    message = _outreach(fedi)
    type(message).objects.filter(pk=message.pk).update(body="Sorry about that. " * 40)  # 720 characters
    outbox.send_due()
    message.refresh_from_db()
    assert message.status == "failed" and "HTTP 422" in message.last_error
    assert "500" in message.last_error  # the instance's own words: its character limit
    assert fedi.mara.direct_statuses() == []


@pytest.mark.slow
def test_a_public_reply_answers_the_post_with_its_visibility(fedi):
    sync_source(fedi.source)
    quiet = fedi.mara.post(f"@{fedi.brand.acct} {COMPLAINT}", visibility="unlisted")
    sync_source(fedi.source)
    post = Post.objects.get(source=fedi.source, external_id=quiet["id"])  # unlisted is public: it comes in
    reply = connector_for(fedi.source).send(OutgoingMessage(
        kind="public_reply", recipient="", body="Sorry to hear that, we're on it.", idempotency_key="reply-1",
        thread_ref=post.thread.external_id, in_reply_to=quiet["id"]))
    status = call("GET", f"{fedi.server.base}/api/v1/statuses/{reply.external_id}", token=fedi.bo.token)
    assert status["visibility"] == "unlisted" and status["in_reply_to_id"] == quiet["id"]
    assert html_to_text(status["content"]) == f"@{fedi.mara.acct} Sorry to hear that, we're on it."
    assert Delivery.objects.get(source=fedi.source, idempotency_key="reply-1").external_id == reply.external_id


def _app_token(server: MastodonMock, username: str, scopes: str) -> str:
    """A token as a manager makes one: an application with these scopes, authorised by the account (the mock's
    authorisation code names the account: its OAuth flow has no login page)."""
    app = call("POST", f"{server.base}/api/v1/apps", form={"client_name": "careloop", "scopes": scopes,
                                                           "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})
    token = call("POST", f"{server.base}/oauth/token", form={
        "grant_type": "authorization_code", "code": f"mockcode_{username}", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"})
    return str(token["access_token"])


@pytest.mark.slow
def test_check_names_the_scopes_an_applications_token_lacks(fedi, make_source):
    enough = _app_token(fedi.server, fedi.brand.acct, "read:statuses read:notifications read:accounts write:statuses")
    good = make_source("mastodon", base_url=fedi.server.base, access_token=enough)
    assert connector_for(good).check() == (f"logged in as @{fedi.brand.acct} on {fedi.server.base}; listening to "
                                           "mentions")
    broad = make_source("mastodon", base_url=fedi.server.base, access_token=_app_token(
        fedi.server, fedi.brand.acct, "read write"))
    assert "lacks" not in connector_for(broad).check()
    short = make_source("mastodon", base_url=fedi.server.base, access_token=_app_token(
        fedi.server, fedi.brand.acct, "read:statuses write:statuses"))
    assert connector_for(short).check().endswith(
        "the token lacks the scopes read:notifications read:accounts (docs/connectors.md, Mastodon)")
