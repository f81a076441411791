"""The GitHub Discussions connector against a GraphQL endpoint that validates every request against GitHub's published
schema and answers from GitHub's documented webhook payloads (tests/connectors/github_server.py names both npm
packages and their versions); e-mail to and from the member through real SMTP servers on loopback (aiosmtpd)."""

from __future__ import annotations

import itertools
import json
import mailbox
import os
import smtplib
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from django.contrib.auth import get_user_model
from django.utils import timezone

from careloop.community.models import Member, Post, Source
from careloop.connectors.base import CannotDo, OutgoingMessage, TemporaryFailure, connector_for
from careloop.connectors.models import Delivery, SyncState
from careloop.connectors.tasks import sync_source
from careloop.connectors.vault import secret
from tests.connectors.github_server import GitHubGraphQL, installed, webhook_examples
from tests.connectors.synapse import free_port
from tests.connectors.test_email import Inbox

TOKEN = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123"
COMPLAINT = "The app keeps crashing since the last update and nobody answers my tickets. Really frustrating."
MEMBER = "mia-dev"
MEMBER_EMAIL = "mia@example.net"
TEAM = "team@community.example"
_n = itertools.count(1)


@pytest.fixture(scope="module")
def github() -> Iterator[GitHubGraphQL]:
    why = installed()
    if why:
        reason = f"{why}: scripts/check.sh installs them (npm install --prefix .cache/octokit ...)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = GitHubGraphQL()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def forum(github, make_source, tmp_path):
    github.discussions.clear()
    github.requests.clear()
    github.faults.clear()
    outbound = Inbox()
    out = Controller(outbound, hostname="127.0.0.1", port=free_port())
    out.start()
    maildir = tmp_path / "replies"
    mailbox.Maildir(maildir, create=True)
    inbound = Controller(Mailbox(str(maildir)), hostname="127.0.0.1", port=free_port())
    inbound.start()
    source = make_source("github", name=f"octo-{next(_n)}", repository="octo-org/octo-repo", token=TOKEN,
                         api_url=github.base, team="careloop-bot", timeout="5")
    mail = make_source("email", name=f"mail-{next(_n)}", host="127.0.0.1", port=out.port, security="none",
                       from_address=TEAM, maildir=str(maildir))
    try:
        yield SimpleNamespace(api=github, source=source, mail=mail, outbound=outbound, inbound_port=inbound.port)
    finally:
        out.stop()
        inbound.stop()


def _complaint(api: GitHubGraphQL) -> tuple[dict, dict]:
    discussion = api.add_discussion(webhook_examples("discussion")[0], title="Crashes since 2.3")
    comment = api.add_comment(discussion, webhook_examples("discussion_comment")[0], body=COMPLAINT, login=MEMBER)
    return discussion, comment


def _member_answers(forum, sent_id: str, text: str) -> None:
    reply = EmailMessage()
    reply["From"] = f"Mia <{MEMBER_EMAIL}>"
    reply["To"] = TEAM
    reply["Subject"] = "Re: your message"
    reply["Message-ID"] = f"<reply-{next(_n)}@example.net>"
    reply["In-Reply-To"] = sent_id
    reply["References"] = sent_id
    reply["Date"] = timezone.now().strftime("%a, %d %b %Y %H:%M:%S +0000")
    reply.set_content(f"{text}\n\nOn Mon, 4 May 2026 Lumen wrote:\n> Hi Mia")
    with smtplib.SMTP("127.0.0.1", forum.inbound_port) as smtp:
        smtp.send_message(reply)


def test_source_add_github_keeps_the_token_encrypted(cli, db):
    result = cli("source", "add", "octo", "--kind", "github", "--set", "repository=octo-org/octo-repo",
                 "--set", "team=anna,ben", "--secret", "token", input=f"{TOKEN}\n")
    assert "added source octo (github)" in result.output, result.output
    assert TOKEN not in result.output
    source = Source.objects.get(name="octo")
    assert source.kind == "github" and TOKEN not in json.dumps(source.settings)
    assert secret(source, "token") == TOKEN
    assert connector_for(source).team == {"anna", "ben"}  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_complaint_in_a_discussion_is_answered_by_email_and_the_reply_lands_on_the_case(forum):
    from careloop.cases import act, follow_up, outbox, reach_out
    from careloop.cases.contact import set_contact
    from careloop.cases.models import Case, InboundMessage, OutboxMessage

    api, source = forum.api, forum.source
    assert connector_for(source).check() == "reading the discussions of octo-org/octo-repo as careloop-bot"
    discussion, comment = _complaint(api)
    result = sync_source(source)
    assert result.imported == 2, result.summary()
    assert all(r.violations == [] for r in api.requests)  # GitHub's schema found nothing wrong with a query
    assert all(r.authorization == f"bearer {TOKEN}" for r in api.requests)
    post = Post.objects.get(source=source, external_id=comment["id"])
    assert post.thread.external_id == discussion["id"] and post.thread.title == "Crashes since 2.3"
    assert post.scores and post.complaint is not None and post.complaint > 0.5  # scored on the way in
    case = Case.objects.get(source=source, post=post)
    member = Member.objects.get(source=source, external_id=MEMBER)
    assert case.member == member

    manager = get_user_model().objects.create_user(f"anna{next(_n)}", "anna@example.org", "secret-pass-1")
    from careloop.cases.roles import Role, ensure_roles, set_role

    ensure_roles()
    set_role(manager, Role.AGENT)
    set_contact(case.member, manager, email=MEMBER_EMAIL)  # GitHub shows no address for this member
    reach_out.reach_out(case, manager, "Hi Mia, I'm Anna from the Lumen team. Sorry about the crashes — can we "
                        "sort it out by e-mail?", "email", public_note="We've written to you by e-mail.")
    outbox.send_due()
    sent = list(OutboxMessage.objects.filter(case=case).order_by("id"))
    assert [m.status for m in sent] == ["sent", "sent"], [(m.status, m.last_error) for m in sent]
    [(sender, recipients, mail)] = forum.outbound.received
    assert (sender, recipients) == (TEAM, [MEMBER_EMAIL]) and mail["Message-ID"] == sent[0].external_id
    mutations = [r for r in api.requests if r.operation == "CareloopAnswer"]
    assert len(mutations) == 1 and mutations[0].violations == []
    assert mutations[0].variables == {"discussion": discussion["id"], "replyTo": comment["id"],
                                      "body": "We've written to you by e-mail."}
    assert comment["replies"][-1]["body"] == "We've written to you by e-mail."  # in the member's conversation

    _member_answers(forum, sent[0].external_id, "Yes please, it crashes right on start.")
    assert follow_up.read_replies(forum.mail) == 1  # through the e-mail source, onto the GitHub case
    inbound = InboundMessage.objects.get(source=forum.mail)
    assert inbound.case_id == case.pk and inbound.body == "Yes please, it crashes right on start."
    case.refresh_from_db()
    assert case.state == "acting"

    act.mark_action_done(case, manager, note="fixed in 2.3.1")
    follow_up.send_follow_up(case, manager)
    outbox.send_due()
    asked = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.FOLLOW_UP)
    assert asked.status == "sent", asked.last_error
    assert forum.outbound.received[-1][2]["In-Reply-To"] == sent[0].external_id  # one e-mail conversation
    time.sleep(1.1)  # the e-mail Date has whole seconds; the reply must be newer than the last one read
    _member_answers(forum, asked.external_id, "Yes, it works perfectly now. Thank you so much!")
    assert follow_up.read_replies(forum.mail) == 1
    outbox.send_due()
    closing = OutboxMessage.objects.get(case=case, purpose=OutboxMessage.Purpose.CLOSING)
    assert closing.status == "sent", closing.last_error
    assert forum.outbound.received[-1][1] == [MEMBER_EMAIL]
    case.refresh_from_db()
    assert case.state == "resolved"
    assert [r.violations for r in api.requests if r.violations] == []


@pytest.mark.slow
def test_a_public_profile_email_becomes_the_members_address_but_never_replaces_one(forum):
    api, source = forum.api, forum.source
    api.emails["octocat-public"] = "octocat@github.example"
    discussion = api.add_discussion(webhook_examples("discussion")[0], login="octocat-public")
    sync_source(source)  # the member is created by this import ...
    api.add_comment(discussion, webhook_examples("discussion_comment")[0], login="octocat-public", body="More")
    sync_source(source)  # ... and given the address at the next poll
    member = Member.objects.get(source=source, external_id="octocat-public")
    assert member.extra.get("email") == "octocat@github.example"
    member.extra = {**member.extra, "email": "kept@example.org"}
    member.save()
    api.add_comment(discussion, webhook_examples("discussion_comment")[0], login="octocat-public", body="Again")
    sync_source(source)
    sync_source(source)
    member.refresh_from_db()
    assert member.extra["email"] == "kept@example.org"


@pytest.mark.slow
@pytest.mark.parametrize("fault", [
    {"status": 502},
    {"status": 429, "headers": {"Retry-After": "7"}},
    {"status": 403, "headers": {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "{reset}"}},
    {"status": 200, "body": {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]}},
    "refused",
])
def test_receive_loses_nothing_when_github_is_down_and_resumes_from_its_cursor(forum, fault):
    api, source = forum.api, forum.source
    first, _ = _complaint(api)
    assert sync_source(source).imported == 2
    cursor = SyncState.objects.get(source=source).cursor
    assert cursor
    second = api.add_discussion(webhook_examples("discussion")[0], title="Login fails", body="Cannot log in")
    reply = api.add_comment(first, webhook_examples("discussion_comment")[0], body="Same here", login="ben")
    if fault == "refused":
        api.stop()
    else:
        spec = dict(fault)
        spec["headers"] = {k: v.replace("{reset}", str(int(time.time()) + 5)) for k, v in
                           spec.get("headers", {}).items()}
        api.fault(spec.pop("status"), times=10, **spec)
    try:
        with pytest.raises(TemporaryFailure) as down:
            sync_source(source, attempts=1)
        assert TOKEN not in str(down.value)
        if isinstance(fault, dict) and fault["status"] in (429, 403):
            assert down.value.retry_after is not None and 1 <= down.value.retry_after <= 7
    finally:
        if fault == "refused":
            api.start()
        api.faults.clear()
    assert SyncState.objects.get(source=source).cursor == cursor  # the cursor did not move
    before = len(api.requests)
    result = sync_source(source)
    assert result.imported == 2, result.summary()  # the new discussion and the new comment, nothing lost
    assert {p.external_id for p in Post.objects.filter(source=source)} >= {second["id"], reply["id"]}
    resumed = api.requests[before]
    assert resumed.operation == "CareloopDiscussions" and resumed.variables["after"] == cursor
    assert SyncState.objects.get(source=source).cursor != cursor


@pytest.mark.slow
def test_a_public_reply_is_retried_with_back_off_and_never_doubled(forum):
    from careloop.cases import outbox, reach_out, state

    api, source = forum.api, forum.source
    _, comment = _complaint(api)
    sync_source(source)
    post = Post.objects.get(source=source, external_id=comment["id"])
    case = post.cases.first() or state.open_case(source=source, member=post.author, post=post, topic="crashes")
    manager = get_user_model().objects.create_user(f"ben{next(_n)}", "ben@example.org", "secret-pass-1")
    from careloop.cases.contact import set_contact
    from careloop.cases.roles import Role, ensure_roles, set_role

    ensure_roles()
    set_role(manager, Role.AGENT)
    set_contact(case.member, manager, email=MEMBER_EMAIL)
    reach_out.reach_out(case, manager, "Hi Mia, can we sort it out by e-mail?", "email",
                        public_note="We've written to you by e-mail.")
    from careloop.cases.models import OutboxMessage

    note = OutboxMessage.objects.get(case=case, channel="public")
    api.fault(503, operation="CareloopAnswer")
    outbox.send_due()
    note.refresh_from_db()
    assert note.status == "queued" and "HTTP 503" in note.last_error
    assert note.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backing off

    api.fault(403, headers={"Retry-After": "9"}, operation="CareloopAnswer")  # a secondary rate limit
    asked_at = note.next_attempt_at + timedelta(seconds=1)
    outbox.send_due(now=asked_at)
    note.refresh_from_db()
    assert note.status == "queued" and note.next_attempt_at == asked_at + timedelta(seconds=9)

    api.stop()
    try:
        outbox.send_due(now=note.next_attempt_at + timedelta(seconds=1))
        note.refresh_from_db()
        assert note.status == "queued" and "cannot reach the platform" in note.last_error
        assert TOKEN not in note.last_error
    finally:
        api.start()
    assert comment["replies"] == []  # nothing reached GitHub yet

    outbox.send_due(now=note.next_attempt_at + timedelta(seconds=1))
    note.refresh_from_db()
    assert note.status == "sent", note.last_error
    assert [r["body"] for r in comment["replies"]] == ["We've written to you by e-mail."]
    again = connector_for(source).send(OutgoingMessage(kind="public_reply", recipient="", body=note.body,
                                                       idempotency_key=note.idempotency_key,
                                                       thread_ref=post.thread.external_id,
                                                       in_reply_to=comment["id"]))
    assert again.external_id == note.external_id and len(comment["replies"]) == 1  # the ledger answers
    assert Delivery.objects.filter(source=source).count() == 1
    with pytest.raises(CannotDo, match="e-mail"):
        connector_for(source).send(OutgoingMessage(kind="private", recipient=MEMBER, body="x", idempotency_key="p"))
