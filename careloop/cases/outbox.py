"""The outbox: every message to a member is a row before it is sent, and is sent at most once.

Steps, and why each exists:
1. `enqueue()` writes the row (status queued, a fresh idempotency key) in the caller's transaction; after
   commit it asks a worker to deliver it. If that request is lost, the periodic `send_due()` finds the row.
2. `deliver()` claims the row with one conditional UPDATE (queued → sending): exactly one worker wins.
3. It hands an `OutgoingMessage` carrying the row's key to `connector_for(source).send()`.
4. It records the result (sending → sent) with the platform's id, and a MESSAGE_OUT event on the case.

If the worker dies between 3 and 4 the row stays "sending". After CARELOOP_OUTBOX_LEASE seconds another
worker reclaims it and first asks the platform `find_sent(key)`: found → recorded as sent, never sent
again. Not found → sent again only if the connector says its lookup or the platform's own de-duplication
is reliable (`exactly_once = True` on the connector, e.g. Matrix's transaction id); otherwise the row becomes
"unsure" and the manager decides (retry or cancel), because a second message to an upset member is worse
than a late one. docs/case-loop.md lists which connectors are exact.

Failures: TemporaryFailure → queued again with backoff (retry_after when the platform gives one), until
CARELOOP_OUTBOX_MAX_ATTEMPTS; PermanentFailure or CannotDo (member left, blocked the bot, no connector) →
failed. Every failure that needs a person shows on the case (an ERROR event and `case.last_error`) and in the
log; the case's state does not change, and `retry()` puts the message back in the queue.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from careloop.cases import clock, state
from careloop.cases.models import Case, CaseEvent, OutboxMessage
from careloop.community.models import Source
from careloop.connectors.base import (
    CannotDo,
    OutgoingMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
    connector_for,
)

log = logging.getLogger(__name__)
Status = OutboxMessage.Status
BACKOFF_BASE = 30.0
BACKOFF_CAP = 3600.0
FIRST_CONTACT = (OutboxMessage.Purpose.OUTREACH, OutboxMessage.Purpose.CALL_OFFER)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(case: Case, *, purpose: str, body: str, channel: str, recipient: str = "", subject: str = "",
            kind: str = OutboxMessage.Kind.PRIVATE, actor=None, dispatch: bool = True) -> OutboxMessage:
    """Write a message to the outbox; a worker sends it after the surrounding transaction commits."""
    now = clock.now()
    message = OutboxMessage.objects.create(
        case=case, purpose=purpose, kind=kind, channel=channel, recipient=recipient, subject=subject, body=body,
        idempotency_key=f"careloop-{case.pk}-{uuid.uuid4().hex}", created_at=now, next_attempt_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if dispatch:
        transaction.on_commit(lambda: _dispatch(message.pk))
    return message


_deliver_task = None  # careloop.cases.tasks.deliver_task (a Huey task), see use_task()


def use_task(deliver_task) -> None:  # noqa: ANN001 - a Huey task: called, or .schedule()d with a delay
    """The Huey task that delivers one row (careloop.cases.tasks.deliver_task). The cases app hands it in when
    Django starts (CasesConfig.ready): that task module runs this one, so this one does not import it (no import
    cycle)."""
    global _deliver_task
    _deliver_task = deliver_task


def _dispatch(message_id: int, delay: float = 0) -> None:
    deliver_task = _deliver_task
    if deliver_task is None:
        raise RuntimeError("no task to deliver outbox messages with: the cases app is not ready (CasesConfig.ready)")
    try:
        if delay:
            deliver_task.schedule((message_id,), delay=delay)
        else:
            deliver_task(message_id)
    except Exception:  # the queue is down: the periodic sweep delivers it later, nothing is lost
        log.exception("could not queue outbox message %s; the sweep will send it", message_id)


def _claim(message_id: int, now: datetime) -> tuple[bool, bool]:
    """(won, recovering): take a queued row that is due, or a row whose sender vanished past the lease."""
    me = worker_name()
    won = OutboxMessage.objects.filter(pk=message_id, status=Status.QUEUED, next_attempt_at__lte=now).update(
        status=Status.SENDING, claimed_at=now, claimed_by=me, attempts=F("attempts") + 1)
    if won:
        return True, False
    stale = now - timedelta(seconds=settings.CARELOOP_OUTBOX_LEASE)
    won = OutboxMessage.objects.filter(pk=message_id, status=Status.SENDING, claimed_at__lt=stale).update(
        claimed_at=now, claimed_by=me)
    return bool(won), bool(won)


def deliver(message_id: int, *, now: datetime | None = None) -> OutboxMessage | None:
    """Send one outbox row if it is due and nobody else is sending it; the row afterwards (None if not ours)."""
    now = now or clock.now()
    won, recovering = _claim(message_id, now)
    if not won:
        return None
    message = OutboxMessage.objects.select_related("case__source").get(pk=message_id)
    me = message.claimed_by
    try:
        connector = connector_for(sending_source(message))
        if recovering or message.attempts > 1:
            found = connector.find_sent(message.idempotency_key)
            if found is not None:
                return _record_sent(message, me, found, recovered=True)
            if recovering and not getattr(connector, "exactly_once", False):
                return _record_unsure(message, me)
        result = connector.send(_outgoing(message))
    except TemporaryFailure as exc:
        return _record_temporary(message, me, exc, now)
    except (PermanentFailure, CannotDo) as exc:
        return _record_failed(message, me, str(exc))
    except Exception as exc:  # noqa: BLE001 - a connector bug: we cannot know whether the platform took it
        log.exception("outbox message %s: the connector failed unexpectedly", message.pk)
        return _record_failed(message, me, f"the connector failed unexpectedly: {exc!r}", status=Status.UNSURE)
    return _record_sent(message, me, result)


def sending_source(message: OutboxMessage) -> Source:
    """The source whose connector delivers `message`: the case's own, except for e-mail from a platform case.

    A member of a forum or chat who is reached by e-mail gets it through an e-mail source: the one the case's
    source names in its settings ("email_source"), else the only enabled e-mail source.
    """
    source = message.case.source
    if message.channel != "email" or source.kind == Source.Kind.EMAIL:
        return source
    named = (source.settings or {}).get("email_source")
    candidates = Source.objects.filter(kind=Source.Kind.EMAIL, enabled=True)
    if named:
        named_source = candidates.filter(name=named).first()
        if named_source is None:
            raise CannotDo(f"source {source.name!r} names e-mail source {named!r}, which is not connected or is "
                           "disabled")
        return named_source
    found = list(candidates[:2])
    if len(found) != 1:
        raise CannotDo("no e-mail source is connected (careloop source add NAME --kind email)" if not found else
                       f"several e-mail sources are connected: name one in source {source.name!r}'s settings as "
                       '"email_source"')
    return found[0]


def _outgoing(message: OutboxMessage) -> OutgoingMessage:
    case = message.case
    post = case.post
    thread = case.thread
    return OutgoingMessage(
        kind=message.kind, recipient=message.recipient, body=message.body,
        idempotency_key=message.idempotency_key, subject=message.subject,
        thread_ref=thread.external_id if thread else "",
        in_reply_to=post.external_id if post and message.kind == OutboxMessage.Kind.PUBLIC_REPLY else "",
        case_ref=f"case-{case.pk}",
    )


def _finish(message: OutboxMessage, me: str, **fields) -> bool:
    """Write the outcome only if the row is still ours (another worker may have reclaimed it meanwhile)."""
    done = OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, claimed_by=me).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)
    if not done:
        log.warning("outbox message %s was reclaimed by another worker; leaving its outcome to it", message.pk)
    return bool(done)


def _record_sent(message: OutboxMessage, me: str, result: SendResult, recovered: bool = False) -> OutboxMessage:
    sent_at = result.sent_at or clock.now()
    with transaction.atomic():
        if not _finish(message, me, status=Status.SENT, sent_at=sent_at, external_id=result.external_id or "",
                       last_error=""):
            return message
        case = message.case
        details = {"outbox": message.pk, "purpose": message.purpose, "channel": message.channel,
                   "message_kind": message.kind, "recipient": message.recipient, "external_id": result.external_id,
                   "body": message.body}
        if recovered:
            details["recovered"] = True
        state.record(case, CaseEvent.Kind.MESSAGE_OUT, actor=message.created_by, actor_label="outbox", **details)
        fields: dict = {"last_error": ""}
        if message.purpose in FIRST_CONTACT and case.first_contact_at is None:
            fields["first_contact_at"] = sent_at
            fields["overdue_at"] = None
            fields["overdue_reason"] = ""
        elif message.purpose == OutboxMessage.Purpose.FOLLOW_UP and case.overdue_at:
            fields["overdue_at"] = None
            fields["overdue_reason"] = ""
        state.update_case(case, **fields)
    log.info("outbox message %s (%s, case %s) sent%s", message.pk, message.purpose, message.case_id,
             " (found on the platform after a restart)" if recovered else "")
    return message


def _error_on_case(message: OutboxMessage, text: str) -> None:
    state.record(message.case, CaseEvent.Kind.ERROR, actor_label="outbox", outbox=message.pk,
                 purpose=message.purpose, channel=message.channel, error=text, status=message.status)
    state.update_case(message.case, last_error=text)
    log.warning("case %s: %s", message.case_id, text)


def _record_failed(message: OutboxMessage, me: str, error: str, status: str = Status.FAILED) -> OutboxMessage:
    what = _what(message)
    text = f"{what} was not sent: {error}. Fix the cause and retry it, or reach out another way."
    if status == Status.UNSURE:
        text = (f"{what} may or may not have reached the member ({error}). Check on the platform, then retry "
                "it or cancel it.")
    with transaction.atomic():
        if _finish(message, me, status=status, last_error=error):
            _error_on_case(message, text)
    return message


def _record_unsure(message: OutboxMessage, me: str) -> OutboxMessage:
    error = ("the worker stopped while sending it, and this platform cannot tell whether it arrived; careloop "
             "does not send it again by itself")
    return _record_failed(message, me, error, status=Status.UNSURE)


def _record_temporary(message: OutboxMessage, me: str, exc: TemporaryFailure, now: datetime) -> OutboxMessage:
    if message.attempts >= settings.CARELOOP_OUTBOX_MAX_ATTEMPTS:
        return _record_failed(message, me, f"{exc} (gave up after {message.attempts} attempts)")
    delay = exc.retry_after if exc.retry_after is not None else min(
        BACKOFF_BASE * 2 ** (message.attempts - 1), BACKOFF_CAP)
    if _finish(message, me, status=Status.QUEUED, next_attempt_at=now + timedelta(seconds=delay),
               last_error=str(exc), claimed_by="", claimed_at=None):
        log.info("outbox message %s: %s; retrying in %.0f s", message.pk, exc, delay)
        _dispatch(message.pk, delay=delay)
    return message


def _what(message: OutboxMessage) -> str:
    names = {"outreach": "The private message", "public_note": "The public note", "call_offer": "The call offer",
             "follow_up": "The follow-up question", "reminder": "The reminder", "closing": "The closing message",
             "warning": "The private warning"}
    return f"{names.get(message.purpose, 'The message')} ({message.channel})"


def send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Deliver every queued row that is due and recover rows stuck in "sending"; how many were handled."""
    now = now or clock.now()
    stale = now - timedelta(seconds=settings.CARELOOP_OUTBOX_LEASE)
    ids = list(
        OutboxMessage.objects.filter(
            Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(status=Status.SENDING, claimed_at__lt=stale)
        ).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit]
    )
    return sum(1 for message_id in ids if deliver(message_id, now=now) is not None)


RETRYABLE = (Status.FAILED, Status.UNSURE)  # a person may put these back in the queue
UNSTOPPABLE = (Status.SENDING, Status.SENT, Status.CANCELLED)  # a worker has it, it is out, or it is stopped


def may_retry(message: OutboxMessage) -> bool:
    """Only a failed or unsure message can be put back in the queue."""
    return message.status in RETRYABLE


def may_cancel(message: OutboxMessage) -> bool:
    """A message can be stopped until a worker has it (sending), is sent, or is stopped already."""
    return message.status not in UNSTOPPABLE


def retry(message: OutboxMessage, actor=None) -> OutboxMessage:
    """A manager's retry of a failed or unsure message: back in the queue, sent by the next worker.

    The change is conditional on the row's status in the database, so a page that is out of date (another
    manager retried it already) gets an error instead of queueing the message twice."""
    now = clock.now()
    with transaction.atomic():
        changed = OutboxMessage.objects.filter(pk=message.pk, status__in=RETRYABLE).update(
            status=Status.QUEUED, next_attempt_at=now, attempts=0, claimed_by="", claimed_at=None)
        if not changed:
            message.refresh_from_db()
            raise ValueError(f"outbox message {message.pk} is {message.status}; only failed or unsure ones can be "
                             "retried")
        state.record(message.case, CaseEvent.Kind.ACTION, actor, what="retry_message", outbox=message.pk,
                     purpose=message.purpose)
        transaction.on_commit(lambda: _dispatch(message.pk))
    message.refresh_from_db()
    return message


def cancel(message: OutboxMessage, actor=None) -> OutboxMessage:
    """Never send this message (e.g. the member was reached another way). Conditional in the database like
    `retry()`: a message a worker claimed a moment ago is not marked cancelled while it goes out."""
    with transaction.atomic():
        changed = OutboxMessage.objects.filter(pk=message.pk).exclude(status__in=UNSTOPPABLE).update(
            status=Status.CANCELLED)
        if not changed:
            message.refresh_from_db()
            raise ValueError(f"outbox message {message.pk} is {message.status}; it cannot be cancelled")
        state.record(message.case, CaseEvent.Kind.ACTION, actor, what="cancel_message", outbox=message.pk,
                     purpose=message.purpose)
    message.refresh_from_db()
    return message
