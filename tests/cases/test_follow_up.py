"""Follow up: reminders, overdue cases and the managers told, replies matched to their case."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from careloop.cases import act, follow_up, outbox, reach_out, state
from careloop.cases.models import CaseEvent, CaseState, InboundMessage, OutboxMessage
from careloop.cases.roles import AssignmentRefused, Role, set_role
from careloop.connectors.base import PrivateReply

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook():
    """A real HTTP endpoint on loopback that keeps what careloop POSTs to it."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


@pytest.fixture
def mail_source(recording, monkeypatch):
    """An e-mail source whose connector is the recording one: e-mails to the member go through it."""
    from careloop.community.models import Source
    from careloop.connectors import base

    monkeypatch.setitem(base._factories, "email", recording)  # restored afterwards: the real one stays registered
    return Source.objects.create(name="support-mail", kind=Source.Kind.EMAIL)


@pytest.fixture
def waiting(case, manager, recording, mail_source):
    """A case whose action is done (reached by e-mail): it waits for the follow-up."""
    reach_out.reach_out(case, manager, "Hi Mia, can we talk?", "email")
    outbox.send_due()
    act.start_acting(case, manager)
    act.assign(case, manager)
    act.mark_action_done(case, manager)
    return case


def test_no_reply_brings_one_reminder_then_the_case_is_overdue(waiting, recording, settings, webhook):
    url, received = webhook
    settings.CARELOOP_MANAGER_EMAILS = ["lead@example.org"]
    settings.CARELOOP_NOTIFY_WEBHOOK = url
    t = timezone.now()
    assert follow_up.wake_due(t + timedelta(hours=49)).follow_ups == 1
    assert follow_up.wake_due(t + timedelta(hours=90)).reminders == 0  # the member has 48 h to answer
    assert follow_up.wake_due(t + timedelta(hours=98)).reminders == 1
    outbox.send_due(now=t + timedelta(hours=98))
    assert [m.recipient for m in recording.sent] == ["mia@example.org"] * 3  # the case's channel: e-mail
    assert "checking in once more" in recording.sent[-1].body
    assert mail.outbox == []

    woken = follow_up.wake_due(t + timedelta(hours=147))
    assert woken.overdue == 1
    waiting.refresh_from_db()
    assert waiting.state == CaseState.FOLLOWING_UP and waiting.overdue_at is not None
    assert waiting.overdue_reason == "no reply to the follow-up question and the reminder"
    (message,) = mail.outbox
    assert message.to == ["anna@example.org", "lead@example.org"] and f"Case {waiting.pk} is overdue" in message.subject
    assert received == [{"event": "case_overdue", "case": waiting.pk, "state": "following_up",
                         "reason": "no reply to the follow-up question and the reminder", "source": "forum",
                         "member": "Mia", "topic": "login", "assignee": "anna"}]
    assert follow_up.wake_due(t + timedelta(hours=200)).overdue == 0  # told once
    assert len(recording.sent) == 3  # and never a second reminder
    assert CaseEvent.objects.filter(case=waiting, kind="overdue").count() == 1

    follow_up.record_member_reply(waiting, "Sorry for the delay — yes, all good now!")
    waiting.refresh_from_db()
    assert waiting.state == CaseState.RESOLVED and waiting.overdue_at is None


def test_a_case_nobody_reached_out_to_is_overdue_after_its_service_level(case, source):
    source.settings = {"service_levels": {"first_contact_hours": 2}}
    source.save()
    assert follow_up.wake_due(timezone.now() + timedelta(hours=1)).overdue == 0
    assert follow_up.wake_due(timezone.now() + timedelta(hours=3)).overdue == 1
    case.refresh_from_db()
    assert case.overdue_reason == "no private contact within 2 h of opening"


def test_follow_up_delay_is_configurable_per_source(case, source, manager):
    source.settings = {"follow_up_after_hours": 4}
    source.save()
    for to in (CaseState.REACHING_OUT, CaseState.ACTING):
        state.transition(case, to, manager)
    act.mark_action_done(case, manager)
    assert timedelta(hours=3.9) < case.follow_up_due_at - timezone.now() <= timedelta(hours=4)


def test_a_broken_template_shows_on_the_case_and_the_manager_can_retry(waiting, settings, recording):
    settings.CARELOOP_TEMPLATES = {"en": {"follow_up": "Hi {member_name}, fixed? Rate it: {rating_url}"}}
    woken = follow_up.wake_due(timezone.now() + timedelta(hours=49))
    waiting.refresh_from_db()
    assert woken.errors == 1 and waiting.state == CaseState.FOLLOWING_UP
    assert "unknown placeholder {rating_url}" in waiting.last_error
    assert CaseEvent.objects.get(case=waiting, kind="error").details["step"] == "follow_up"
    assert not OutboxMessage.objects.filter(purpose="follow_up").exists()

    settings.CARELOOP_TEMPLATES = {}
    follow_up.send_follow_up(waiting)
    outbox.send_due()
    waiting.refresh_from_db()
    assert waiting.last_error == "" and "Is it sorted" in recording.sent[-1].body


def test_an_unclear_answer_is_left_to_the_manager(waiting, manager):
    reading = follow_up.record_member_reply(waiting, "hmm", use_classifier=False)
    assert reading.satisfied is None
    assert waiting.state == CaseState.FOLLOWING_UP
    assert "please decide" in CaseEvent.objects.filter(case=waiting, kind="note").last().details["text"]
    follow_up.mark_satisfied(waiting, manager, True, rating=4)
    waiting.refresh_from_db()
    assert waiting.state == CaseState.RESOLVED and waiting.satisfaction == 4


def test_replies_read_from_the_platform_find_their_case(waiting, recording, source):
    sent = OutboxMessage.objects.filter(case=waiting, status="sent").first()
    at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    by_thread = PrivateReply(sender="someone-else", body="Still broken, sorry.", external_id="r1", at=at,
                             in_reply_to=sent.external_id)
    by_member = PrivateReply(sender="@mia:example.org", body="Hello?", external_id="r2", at=at)
    nobody = PrivateReply(sender="@stranger:example.org", body="who are you", external_id="r3", at=at)
    recording.replies = [by_thread, by_member, nobody]
    assert follow_up.read_replies(source) == 2
    assert follow_up.read_replies(source) == 0  # read twice, attached once
    waiting.refresh_from_db()
    assert waiting.state == CaseState.ACTING and waiting.loop_count == 1  # "still broken"
    assert CaseEvent.objects.filter(case=waiting, kind="message_in").count() == 2
    lost = InboundMessage.objects.get(external_id="r3")
    assert lost.case is None and "matches no case" in lost.error and lost.body == "who are you"


def test_the_troll_playbook(case, manager, teammate, recording):
    with pytest.raises(AssignmentRefused, match="ben cannot work cases"):  # a case never goes to a viewer
        act.moderate(case, manager, moderator=teammate)
    assert not case.outbox.exists()
    set_role(teammate, Role.AGENT)
    act.moderate(case, manager, moderator=teammate)
    case.refresh_from_db()
    assert case.state == CaseState.MODERATED and case.assignee == teammate
    outbox.send_due()
    (warning,) = recording.sent
    assert warning.kind == "private" and "community guidelines" in warning.body  # no public reply
    with pytest.raises(state.NotAllowed):
        act.moderate(case, manager)
