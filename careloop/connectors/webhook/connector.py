"""The generic webhook as a connector: posts come in signed (see signing.py), served at /hooks/<source>/ by the
one webhook view (connectors/views.py); nothing goes out."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from careloop.community import json_input
from careloop.community.ingest import ImportResult
from careloop.connectors.base import (
    CannotDo,
    ReceiveOnlyConnector,
    Receiving,
    WebhookDelivery,
    WebhookRefused,
    WebhookRoute,
)
from careloop.connectors.models import ReceivedEvent
from careloop.connectors.vault import secret
from careloop.connectors.webhook.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, BadSignature, verify

MAX_ERRORS_RETURNED = 100
SIGNED_REQUEST = "signed request"  # ReceivedEvent.event of a delivery named by its signature
PRUNE_EVERY = 60.0  # seconds between two clean-ups of forgotten signatures, per source and web process
_pruned: dict[int, float] = {}  # source id → time.monotonic() of its last clean-up in this process
_pruning = threading.Lock()


def forget_old_signatures(source_id: int, window: timedelta, *, every: float = PRUNE_EVERY) -> bool:
    """Delete the source's signature records older than `window`, at most once every `every` seconds in this
    process: a delete per request would be a write transaction per request (on SQLite, every request queueing for
    the one write lock twice). A record kept a minute longer changes nothing: its request fails the timestamp
    check anyway. Returns whether it deleted."""
    now = time.monotonic()
    with _pruning:
        last = _pruned.get(source_id)
        if last is not None and now - last < every:
            return False
        _pruned[source_id] = now
    ReceivedEvent.objects.filter(source_id=source_id, event=SIGNED_REQUEST,
                                 received_at__lt=timezone.now() - window).delete()
    return True


class WebhookConnector(ReceiveOnlyConnector):
    kind = "webhook"
    receives = frozenset({Receiving.WEBHOOK})
    webhook_route = WebhookRoute(prefix="", label="webhook")
    cannot_send = "is a generic webhook: careloop can only receive from it"

    def check(self) -> str:
        if not secret(self.source, "secret"):
            raise CannotDo(f"source {self.source.name!r} has no secret: set one with "
                           f"`careloop source set {self.source.name} --secret secret`")
        return f"receives signed posts at {self.webhook_route.path(self.source.name)}"

    # ------------------------------------------------------------------------------------------ webhook
    def verify_webhook(self, request: HttpRequest, body: bytes) -> None:
        """The signature over timestamp and body, fresh within CARELOOP_WEBHOOK_MAX_AGE (signing.py)."""
        try:
            verify(secret(self.source, "secret"), body, request.headers.get(TIMESTAMP_HEADER),
                   request.headers.get(SIGNATURE_HEADER), max_age=settings.CARELOOP_WEBHOOK_MAX_AGE)
        except BadSignature as exc:
            raise WebhookRefused(f"signature refused: {exc}") from None

    def read_webhook(self, request: HttpRequest, body: bytes) -> WebhookDelivery:
        """One post in the import format, or a list of them.

        The delivery is named by its signature: a replay of the same signed request within the window has a
        fresh timestamp, so only its signature tells it apart (the signature covers timestamp and body). A
        record older than twice the window is forgotten (forget_old_signatures(), once a minute): a request that old
        fails the timestamp check anyway.
        """
        try:
            posts = json_input.split_list(body)  # an element that is not JSON or nests too deep: its line's error
        except json_input.BadJson as exc:
            raise WebhookRefused(f"the {exc.field} {exc.message}; expected a post or a list of posts", 400,
                                 logged=False) from None
        window = timedelta(seconds=2 * settings.CARELOOP_WEBHOOK_MAX_AGE)
        forget_old_signatures(self.source.pk, window)
        signature = request.headers.get(SIGNATURE_HEADER, "").strip()[:240]
        return WebhookDelivery(
            posts=posts, delivery_id=f"sig:{signature}", event=SIGNED_REQUEST,
            duplicate={"duplicate": "this signed request was received before; nothing stored again"})

    def answer_webhook(self, delivery: WebhookDelivery, result: ImportResult) -> tuple[dict[str, Any], int]:
        """The counts; a 400 only when posts came and none could be stored. A reply that came before its parent
        is stored and linked when the parent comes: not a failure here."""
        waiting = [e for e in result.errors if e.field == "parent_id" and "never arrived" in e.message]
        failed = result.failed - len(waiting)
        answer: dict[str, Any] = {
            "imported": result.imported, "updated": result.updated, "unchanged": result.unchanged, "failed": failed,
            "errors": [str(e) for e in result.errors if e not in waiting][:MAX_ERRORS_RETURNED]}
        if waiting:
            answer["waiting_for_parent"] = len(waiting)
        return answer, 200 if failed < len(delivery.posts) or not delivery.posts else 400
