"""The delivery ledger every sending connector shares (models.Delivery): record once, find by key."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from careloop.community.models import Source
from careloop.connectors.base import OutgoingMessage, SendResult
from careloop.connectors.models import Delivery


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
