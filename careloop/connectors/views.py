"""Webhook endpoints: the only views without CSRF protection, because a signature authenticates them instead.

A refused request is logged with its source, its sender's address and the reason, never with its body.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from careloop.community import json_input
from careloop.community.models import Source
from careloop.connectors.base import PermanentFailure
from careloop.connectors.discourse import webhook as discourse
from careloop.connectors.health import record_error, record_success
from careloop.connectors.ingest import ingest_posts
from careloop.connectors.models import ReceivedEvent
from careloop.connectors.vault import secret
from careloop.connectors.webhook.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, BadSignature, verify

log = logging.getLogger("careloop.connectors.webhooks")
MAX_ERRORS_RETURNED = 100


def _refuse(source: Source, request: HttpRequest, reason: str, status: int = 401) -> JsonResponse:
    log.warning("webhook for source %s refused a request from %s: %s", source.name,
                request.META.get("REMOTE_ADDR", "?"), reason)
    return JsonResponse({"error": reason}, status=status)


def _body(request: HttpRequest) -> bytes | None:
    """The request's body, or None when it is over DATA_UPLOAD_MAX_MEMORY_SIZE (CARELOOP_MAX_REQUEST_BYTES)."""
    from django.core.exceptions import RequestDataTooBig

    try:
        return request.body
    except RequestDataTooBig:
        return None


def _too_big(source: Source, request: HttpRequest) -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _refuse(source, request, f"the body is over the limit of {limit} bytes (CARELOOP_MAX_REQUEST_BYTES); "
                                    "send the posts in smaller batches", 413)


def _source(name: str, kind: str) -> Source | None:
    return Source.objects.filter(name=name, kind=kind, enabled=True).first()


@csrf_exempt
@require_POST
def receive_posts(request: HttpRequest, source_name: str) -> JsonResponse:
    """The generic webhook: one post in the import format, or a list of them, signed (see signing.py)."""
    source = _source(source_name, Source.Kind.WEBHOOK)
    if source is None:
        return JsonResponse({"error": f"no enabled webhook source named {source_name!r}"}, status=404)
    body = _body(request)
    if body is None:
        return _too_big(source, request)
    try:
        verify(secret(source, "secret"), body, request.headers.get(TIMESTAMP_HEADER),
               request.headers.get(SIGNATURE_HEADER), max_age=settings.CARELOOP_WEBHOOK_MAX_AGE)
    except BadSignature as exc:
        return _refuse(source, request, f"signature refused: {exc}")
    except PermanentFailure as exc:
        record_error(source, str(exc))
        return _refuse(source, request, "signature cannot be checked: the source's secret cannot be read", 503)
    try:
        posts = json_input.split_list(body)  # an element that is not JSON or nests too deep is its line's error
    except json_input.BadJson as exc:
        return JsonResponse({"error": f"the {exc.field} {exc.message}; expected a post or a list of posts"},
                            status=400)
    delivery = _claim_delivery(source, request.headers.get(SIGNATURE_HEADER, ""))
    if delivery is None:
        log.warning("webhook for source %s ignored a replayed request from %s", source.name,
                    request.META.get("REMOTE_ADDR", "?"))
        return JsonResponse({"duplicate": "this signed request was received before; nothing stored again"})
    try:
        result = ingest_posts(source.name, posts, origin="webhook")
    except BaseException:
        delivery.delete()  # not handled: the sender's retry of the same request must get through
        raise
    record_success(source)
    # A reply that came before its parent is stored and linked when the parent comes: not a failure here.
    waiting = [e for e in result.errors if e.field == "parent_id" and "never arrived" in e.message]
    failed = result.failed - len(waiting)
    answer = {"imported": result.imported, "updated": result.updated, "unchanged": result.unchanged,
              "failed": failed, "errors": [str(e) for e in result.errors if e not in waiting][:MAX_ERRORS_RETURNED]}
    if waiting:
        answer["waiting_for_parent"] = len(waiting)
    return JsonResponse(answer, status=200 if failed < len(posts) or not posts else 400)


def _claim_delivery(source: Source, signature: str) -> ReceivedEvent | None:
    """Record this signed request as received, or None when it was received before (a replay within the
    CARELOOP_WEBHOOK_MAX_AGE window: its timestamp is fresh, so only its signature tells it apart).

    The signature covers the timestamp and the body, so it names the delivery; a record older than twice
    the window is forgotten (a request that old fails the timestamp check anyway)."""
    from datetime import timedelta

    from django.db import IntegrityError, transaction
    from django.utils import timezone

    window = timedelta(seconds=2 * settings.CARELOOP_WEBHOOK_MAX_AGE)
    ReceivedEvent.objects.filter(source=source, event="signed request",
                                 received_at__lt=timezone.now() - window).delete()
    try:
        with transaction.atomic():
            return ReceivedEvent.objects.create(source=source, event_id=f"sig:{signature.strip()[:240]}",
                                                event="signed request")
    except IntegrityError:
        return None


@csrf_exempt
@require_POST
def receive_discourse(request: HttpRequest, source_name: str) -> JsonResponse:
    """Discourse's webhook (Admin → API → Webhooks, content type application/json, the same secret)."""
    source = _source(source_name, Source.Kind.DISCOURSE)
    if source is None:
        return JsonResponse({"error": f"no enabled Discourse source named {source_name!r}"}, status=404)
    body = _body(request)
    if body is None:
        return _too_big(source, request)
    try:
        key = secret(source, "webhook_secret")
    except PermanentFailure as exc:
        record_error(source, str(exc))
        return _refuse(source, request, "signature cannot be checked: the source's secret cannot be read", 503)
    if not discourse.signature_ok(key, body, request.headers.get(discourse.SIGNATURE_HEADER)):
        return _refuse(source, request, "signature refused: missing or wrong X-Discourse-Event-Signature")
    event = request.headers.get("X-Discourse-Event", "")
    event_id = request.headers.get("X-Discourse-Event-Id", "")
    if request.headers.get("X-Discourse-Event-Type") == "ping" or event == "ping":
        record_success(source)
        return JsonResponse({"ok": "pong"})
    if event_id and ReceivedEvent.objects.filter(source=source, event_id=event_id).exists():
        return JsonResponse({"duplicate": event_id})
    try:
        payload = json_input.loads(body)
    except json_input.BadJson as exc:
        return JsonResponse({"error": f"the {exc.field} {exc.message}; set the webhook's content type to "
                                      "application/json"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "expected a JSON object"}, status=400)
    try:  # one event per request: a value no database stores is this request's 400, never a 500
        json_input.check(payload, "")
    except json_input.BadJson as exc:
        return _refuse(source, request, f"{exc.field or 'the event'}: {exc.message}", 400)
    try:
        summary = discourse.handle(source, event, payload, (source.settings or {}).get("api_username", "system"))
    except KeyError as exc:
        return _refuse(source, request, f"the {event or 'event'} payload lacks the field {exc}", 400)
    if event_id:  # after the work: a crash in between makes Discourse retry, and every step above is idempotent
        ReceivedEvent.objects.get_or_create(source=source, event_id=event_id,
                                            defaults={"event": event[:100], "summary": summary})
    record_success(source)
    return JsonResponse(summary, status=400 if summary.get("failed") else 200)
