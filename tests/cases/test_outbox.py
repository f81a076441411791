"""The outbox: rows first, retries with backoff, clear errors on the case, at most one delivery per row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careloop.cases import outbox, reach_out
from careloop.cases.models import CaseEvent, CaseState, OutboxMessage
from careloop.connectors import base
from careloop.connectors.base import PermanentFailure, TemporaryFailure
from tests.cases.recording import KIND, ForgetfulConnector

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


@pytest.fixture
def queued(case, manager):
    return reach_out.reach_out(case, manager, "Hi Mia, can we talk about the login problem?", "dm")


def test_a_temporary_failure_is_retried_with_backoff(queued, recording, case):
    recording.failures = [TemporaryFailure("rate limited"), TemporaryFailure("down", retry_after=600)]
    now = timezone.now()
    outbox.deliver(queued.pk, now=now)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == (Status.QUEUED, 1, "rate limited")
    assert queued.next_attempt_at == now + timedelta(seconds=30)
    assert outbox.send_due(now=now + timedelta(seconds=10)) == 0  # not before the backoff
    outbox.send_due(now=now + timedelta(seconds=31))
    queued.refresh_from_db()
    assert queued.attempts == 2 and queued.next_attempt_at == now + timedelta(seconds=631)  # the platform's wish
    outbox.send_due(now=now + timedelta(seconds=700))
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == (Status.SENT, 3, "")
    assert len(recording.sent) == 1
    assert not CaseEvent.objects.filter(case=case, kind="error").exists()  # retries are not the manager's worry


def test_a_member_who_blocked_the_bot_shows_on_the_case_and_can_be_retried(queued, recording, case, manager):
    recording.failures = [PermanentFailure("M_FORBIDDEN: the user has blocked this account")]
    outbox.send_due()
    queued.refresh_from_db()
    case.refresh_from_db()
    assert queued.status == Status.FAILED and "blocked" in queued.last_error
    assert case.state == CaseState.REACHING_OUT  # the case stays where it was
    assert "The private message (dm) was not sent: M_FORBIDDEN" in case.last_error
    error = CaseEvent.objects.get(case=case, kind="error")
    assert error.details["outbox"] == queued.pk and "blocked" in error.details["error"]
    assert case.first_contact_at is None

    outbox.retry(queued, manager)
    outbox.send_due()
    queued.refresh_from_db()
    case.refresh_from_db()
    assert queued.status == Status.SENT and len(recording.sent) == 1
    assert case.last_error == "" and case.first_contact_at is not None


def test_giving_up_after_the_last_attempt(queued, recording, case, settings):
    settings.CARELOOP_OUTBOX_MAX_ATTEMPTS = 2
    recording.failures = [TemporaryFailure("down"), TemporaryFailure("still down")]
    now = timezone.now()
    outbox.deliver(queued.pk, now=now)
    outbox.deliver(queued.pk, now=now + timedelta(hours=1))
    queued.refresh_from_db()
    assert queued.status == Status.FAILED and "gave up after 2 attempts" in queued.last_error
    assert CaseEvent.objects.filter(case=case, kind="error").count() == 1


def test_a_source_without_a_connector_fails_clearly(queued, case):
    outbox.send_due()
    queued.refresh_from_db()
    assert queued.status == Status.FAILED
    assert "no connector is registered for sources of kind 'recording'" in queued.last_error


def test_two_workers_never_both_send_one_row(queued, recording):
    now = timezone.now()
    assert outbox.deliver(queued.pk, now=now) is not None
    assert outbox.deliver(queued.pk, now=now) is None
    assert len(recording.sent) == 1


def test_a_row_left_sending_is_found_on_the_platform_not_sent_again(queued, recording, case):
    recording().send(outbox._outgoing(queued))  # the platform got it ...
    OutboxMessage.objects.filter(pk=queued.pk).update(status=Status.SENDING, attempts=1, claimed_by="dead:1",
                                                      claimed_at=timezone.now())  # ... and the worker died
    assert outbox.send_due() == 0  # within the lease: maybe still sending
    assert outbox.send_due(now=timezone.now() + timedelta(minutes=10)) == 1
    queued.refresh_from_db()
    assert queued.status == Status.SENT and len(recording.sent) == 1
    assert CaseEvent.objects.get(case=case, kind="message_out").details["recovered"] is True


def test_where_the_platform_cannot_tell_careloop_does_not_guess(queued, case):
    base.register(KIND, ForgetfulConnector)
    try:
        OutboxMessage.objects.filter(pk=queued.pk).update(status=Status.SENDING, attempts=1, claimed_by="dead:1",
                                                          claimed_at=timezone.now() - timedelta(hours=1))
        outbox.send_due()
        queued.refresh_from_db()
        case.refresh_from_db()
        assert queued.status == Status.UNSURE and ForgetfulConnector.sent == []
        assert "may or may not have reached the member" in case.last_error
        outbox.cancel(queued)
        queued.refresh_from_db()
        assert queued.status == Status.CANCELLED
    finally:
        base.unregister(KIND)
        ForgetfulConnector.reset()


def test_only_failed_messages_are_retried(queued):
    with pytest.raises(ValueError, match="only failed or unsure ones"):
        outbox.retry(queued)


def test_a_stale_copy_never_retries_or_cancels_what_changed_meanwhile(queued, recording, case):
    # two managers look at the same failed message; the first retries it and a worker sends it
    OutboxMessage.objects.filter(pk=queued.pk).update(status=Status.FAILED)
    stale = OutboxMessage.objects.get(pk=queued.pk)
    outbox.retry(OutboxMessage.objects.get(pk=queued.pk))
    assert outbox.send_due() == 1 and len(recording.sent) == 1
    with pytest.raises(ValueError, match="is sent; only failed or unsure ones"):
        outbox.retry(stale)  # the second one's page still says "failed"
    with pytest.raises(ValueError, match="is sent; it cannot be cancelled"):
        outbox.cancel(stale)
    assert OutboxMessage.objects.get(pk=queued.pk).status == Status.SENT and len(recording.sent) == 1
    # a worker claims a queued message between the page and the click: it is not marked cancelled under it
    second = outbox.enqueue(case, purpose="follow_up", body="How is it now?", channel="dm", recipient="@m:x")
    page_copy = OutboxMessage.objects.get(pk=second.pk)
    OutboxMessage.objects.filter(pk=second.pk).update(status=Status.SENDING, claimed_by="worker:1",
                                                      claimed_at=timezone.now())
    with pytest.raises(ValueError, match="is sending; it cannot be cancelled"):
        outbox.cancel(page_copy)
    assert OutboxMessage.objects.get(pk=second.pk).status == Status.SENDING
    assert not CaseEvent.objects.filter(case=case, details__what="cancel_message").exists()
