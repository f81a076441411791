"""The ledgers the connectors share: deliveries sent (models.Delivery: record once, find by key) and members'
private replies a platform pushed or a poll kept (models.InboundReply: read back in order)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from careloop.community.models import Source
from careloop.connectors.base import OutgoingMessage, PrivateReply, SendResult
from careloop.connectors.models import Delivery, InboundReply


def find(source: Source, idempotency_key: str) -> SendResult | None:
    row = Delivery.objects.filter(source=source, idempotency_key=idempotency_key).first()
    if row is None:
        return None
    return SendResult(external_id=row.external_id, sent_at=row.sent_at,
                      details={"thread_ref": row.thread_ref, "recipient": row.recipient, "recorded": True})


def record(source: Source, message: OutgoingMessage, result: SendResult, *, thread_ref: str = "") -> SendResult:
    """Keep what the platform accepted; a second record of the same key keeps the first."""
    sent_at = result.sent_at or timezone.now()
    try:
        with transaction.atomic():
            Delivery.objects.create(
                source=source, idempotency_key=message.idempotency_key, kind=message.kind,
                recipient=message.recipient, external_id=result.external_id, thread_ref=thread_ref,
                case_ref=message.case_ref, sent_at=sent_at,
            )
    except IntegrityError:
        pass
    return SendResult(external_id=result.external_id, sent_at=sent_at, details=result.details)


def private_replies(source: Source, since: datetime | None) -> list[PrivateReply]:
    """The members' private replies kept for `source` (newer than `since` when given), oldest first."""
    rows = InboundReply.objects.filter(source=source)
    if since:
        rows = rows.filter(at__gt=since)
    return [PrivateReply(sender=r.sender, body=r.body, external_id=r.external_id, at=r.at,
                         in_reply_to=r.in_reply_to, case_ref=r.case_ref) for r in rows.order_by("at", "id")]
