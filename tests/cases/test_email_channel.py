"""A member of a chat or forum reached by e-mail gets it through an e-mail source, never the platform's connector."""

from __future__ import annotations

import pytest

from careloop.cases import outbox, reach_out
from careloop.cases.models import OutboxMessage
from careloop.community.models import Source
from careloop.connectors import base
from tests.cases.recording import RecordingConnector


class MailConnector(RecordingConnector):
    kind = "email"
    sent: list = []


@pytest.fixture
def mail(monkeypatch):
    MailConnector.sent = []
    monkeypatch.setitem(base._factories, "email", MailConnector)  # restored afterwards
    return MailConnector


def send_by_email(case, manager) -> OutboxMessage:
    message = reach_out.reach_out(case, manager, "Hi Mia, could we sort this out by e-mail?", channel="email")
    return outbox.deliver(message.pk)


def test_an_email_to_a_platform_member_goes_through_the_email_source(recording, mail, case, manager):
    Source.objects.create(name="support-mail", kind=Source.Kind.EMAIL)
    sent = send_by_email(case, manager)
    assert sent.status == OutboxMessage.Status.SENT
    assert [m.recipient for m in mail.sent] == ["mia@example.org"]
    assert recording.sent == []  # the chat platform never saw an e-mail address


def test_without_an_email_source_the_message_fails_with_a_clear_reason(recording, mail, case, manager):
    failed = send_by_email(case, manager)
    assert failed.status == OutboxMessage.Status.FAILED
    assert "no e-mail source is connected" in failed.last_error
    assert recording.sent == [] and mail.sent == []


def test_with_several_email_sources_the_case_source_names_one(recording, mail, case, manager):
    Source.objects.create(name="mail-a", kind=Source.Kind.EMAIL)
    Source.objects.create(name="mail-b", kind=Source.Kind.EMAIL)
    assert "several e-mail sources" in send_by_email(case, manager).last_error
    case.source.settings = {"email_source": "mail-b"}
    case.source.save()
    again = reach_out.reach_out(case, manager, "A second try by e-mail.", channel="email")
    assert outbox.deliver(again.pk).status == OutboxMessage.Status.SENT
    assert [m.recipient for m in mail.sent] == ["mia@example.org"]
