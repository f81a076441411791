"""The one webhook view: the only view without CSRF protection, because a signature authenticates it instead.

Every connector kind that declares Receiving.WEBHOOK is served by `receive_webhook()` at the path its
`webhook_route` names (connectors/urls.py): the view finds the enabled source of that kind, refuses a body over
the limit, asks the connector to verify and read the request (careloop/connectors/base.py `WebhookReceiver`),
answers a delivery received before as a duplicate, hands the posts to the ingest entry point
(connectors/ingest.py) and lets the connector answer for what was stored.

A refused request is logged with its source, its sender's address and the reason, never with its body.
"""

from __future__ import annotations

import logging
from typing import cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from careloop.community.models import Source
from careloop.connectors.base import (
    PermanentFailure,
    Receiving,
    WebhookDelivery,
    WebhookReceiver,
    WebhookRefused,
    connector_for,
    receiving,
    webhook_routes,
)
from careloop.connectors.health import record_error, record_success
from careloop.connectors.ingest import StoreTimeout, ingest_posts
from careloop.connectors.models import ReceivedEvent

log = logging.getLogger("careloop.connectors.webhooks")


def _refuse(source: Source, request: HttpRequest, reason: str, status: int = 401) -> JsonResponse:
    log.warning("webhook for source %s refused a request from %s: %s", source.name,
                request.META.get("REMOTE_ADDR", "?"), reason)
    return JsonResponse({"error": reason}, status=status)


def _body(request: HttpRequest) -> bytes | None:
    """The request's body, or None when it is over DATA_UPLOAD_MAX_MEMORY_SIZE (CARELOOP_MAX_REQUEST_BYTES)."""
    try:
        return request.body
    except RequestDataTooBig:
        return None


@csrf_exempt
@require_POST
def receive_webhook(request: HttpRequest, source_name: str, kind: str) -> JsonResponse:
    """A webhook request for the source `source_name` of `kind` (the URL pattern names the kind)."""
    route = webhook_routes().get(kind)
    source = Source.objects.filter(name=source_name, kind=kind, enabled=True).first()
    if route is None or source is None or Receiving.WEBHOOK not in receiving(kind):
        label = route.label if route else kind
        return JsonResponse({"error": f"no enabled {label} source named {source_name!r}"}, status=404)
    body = _body(request)
    if body is None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _refuse(source, request, f"the body is over the limit of {limit} bytes (CARELOOP_MAX_REQUEST_BYTES); "
                                        "send the posts in smaller batches", 413)
    connector = cast(WebhookReceiver, connector_for(source))  # it declares Receiving.WEBHOOK (checked above)
    try:
        connector.verify_webhook(request, body)
        delivery = connector.read_webhook(request, body)
    except PermanentFailure as exc:
        record_error(source, str(exc))
        return _refuse(source, request, "signature cannot be checked: the source's secret cannot be read", 503)
    except WebhookRefused as exc:
        return _refused(source, request, exc)
    if delivery.answer is not None:  # nothing to receive (a ping)
        record_success(source)
        return JsonResponse(delivery.answer)
    if delivery.delivery_id and ReceivedEvent.objects.filter(source=source, event_id=delivery.delivery_id).exists():
        log.warning("webhook for source %s ignored a delivery received before from %s", source.name,
                    request.META.get("REMOTE_ADDR", "?"))
        return JsonResponse(delivery.duplicate or {"duplicate": delivery.delivery_id})
    try:
        answer, status = _receive(connector, delivery, source)
    except WebhookRefused as exc:
        return _refused(source, request, exc)
    except StoreTimeout as exc:  # nothing of it was stored: the sender sends it again
        log.warning("webhook for source %s: %s", source.name, exc)
        response = JsonResponse({"error": "busy: the posts were not stored; send them again"}, status=503)
        response["Retry-After"] = "1"
        return response
    _remember(source, delivery, answer)
    record_success(source)
    return JsonResponse(answer, status=status)


def _receive(connector: WebhookReceiver, delivery: WebhookDelivery, source: Source) -> tuple[dict, int]:
    """Do what the delivery brings: its posts through the ingest entry point, or its other work."""
    if delivery.apply is not None:
        summary = delivery.apply()
        return summary, 400 if summary.get("failed") else 200
    result = ingest_posts(source.name, delivery.posts, origin=delivery.origin)
    return connector.answer_webhook(delivery, result)


def _remember(source: Source, delivery: WebhookDelivery, answer: dict) -> None:
    """Record the delivery after its work: a request that failed on the way can be sent again, and its retry
    (or a replay) after this is answered as a duplicate. A concurrent twin recorded it first: fine, both did the
    same idempotent work. One INSERT … ON CONFLICT DO NOTHING: a busy webhook's every request writes this row."""
    if not delivery.delivery_id:
        return
    ReceivedEvent.objects.bulk_create([ReceivedEvent(source=source, event_id=delivery.delivery_id[:255],
                                                     event=delivery.event[:100], summary=answer)],
                                      ignore_conflicts=True)


def _refused(source: Source, request: HttpRequest, exc: WebhookRefused) -> JsonResponse:
    if exc.logged:
        return _refuse(source, request, exc.reason, exc.status)
    return JsonResponse({"error": exc.reason}, status=exc.status)
