"""Discourse: posts come in by webhook (read in webhook.py, served by the one webhook view at
/hooks/discourse/<source>/), messages go out through the REST API.

Out: POST /posts.json with the headers Api-Key and Api-Username. A private message is a new topic with
archetype=private_message and target_recipients=<username>; the case's later private messages go on in that
topic (found in the Delivery ledger by case and member), and a public reply is a post with topic_id.
Discourse keeps no idempotency key, so the Delivery ledger is what stops a second send of the same key.

Members are known by their Discourse username (what target_recipients takes); the numeric user id is kept
in the post's extra fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from careloop.community import json_input
from careloop.community.ingest import ImportResult
from careloop.community.models import Post, Source
from careloop.connectors import ledger
from careloop.connectors.base import (
    POST_PUBLIC,
    READ_PRIVATE,
    RECEIVE,
    SEND_PRIVATE,
    CannotDo,
    OutgoingMessage,
    PermanentFailure,
    PrivateReply,
    Receiving,
    SendResult,
    WebhookDelivery,
    WebhookRefused,
    WebhookRoute,
)
from careloop.connectors.discourse import webhook
from careloop.connectors.http import request_json
from careloop.connectors.models import Delivery
from careloop.connectors.vault import secret

DEFAULT_PM_TITLE = "A message from the community team"


class DiscourseConnector:
    kind = "discourse"
    capabilities = frozenset({RECEIVE, SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})
    receives = frozenset({Receiving.WEBHOOK})
    webhook_route = WebhookRoute(prefix="discourse/", label="Discourse")

    def __init__(self, source: Source) -> None:
        self.source = source
        s = source.settings or {}
        self.base_url = (s.get("base_url") or "").rstrip("/")
        self.api_username = s.get("api_username") or "system"
        self.timeout = float(s.get("timeout", 30))

    def _call(self, method: str, path: str, form: dict | None = None) -> dict:
        if not self.base_url:
            raise PermanentFailure(f"source {self.source.name!r} has no base_url setting (https://forum.example.org)")
        key = secret(self.source, "api_key")
        if not key:
            raise PermanentFailure(f"source {self.source.name!r} has no api_key setting")
        headers = {"Api-Key": key, "Api-Username": self.api_username}
        return request_json(method, self.base_url + path, headers=headers, form=form, timeout=self.timeout) or {}

    def check(self) -> str:
        user = self._call("GET", f"/u/{self.api_username}.json").get("user") or {}
        if not (user.get("admin") or user.get("moderator")):
            return f"connected to {self.base_url} as {self.api_username} (not staff: PMs to members may be refused)"
        return f"connected to {self.base_url} as {self.api_username}"

    def send(self, message: OutgoingMessage) -> SendResult:
        done = ledger.find(self.source, message.idempotency_key)
        if done:
            return done
        if message.kind == "private":
            if not message.recipient:
                raise PermanentFailure("a private message needs the member's username")
            # Never message.thread_ref: that is the public topic. A case's later messages go on in its PM topic.
            topic = self._private_topic(message)
            if topic:
                form = {"topic_id": topic, "raw": message.body}
            else:
                form = {"title": message.subject or DEFAULT_PM_TITLE, "raw": message.body,
                        "archetype": "private_message", "target_recipients": message.recipient}
        elif message.kind == "public_reply":
            if not message.thread_ref:
                raise PermanentFailure("a public reply needs the topic id (thread_ref)")
            form = {"topic_id": message.thread_ref, "raw": message.body}
            number = self._post_number(message.in_reply_to)
            if number:
                form["reply_to_post_number"] = str(number)
        else:
            raise CannotDo(f"unknown message kind {message.kind!r}")
        answer = self._call("POST", "/posts.json", form)
        if "id" not in answer:
            raise PermanentFailure("Discourse accepted the request but returned no post id")
        topic = str(answer.get("topic_id", message.thread_ref))
        result = SendResult(external_id=str(answer["id"]), sent_at=timezone.now(),
                            details={"topic_id": topic, "post_number": answer.get("post_number")})
        return ledger.record(self.source, message, result, thread_ref=topic)

    def _private_topic(self, message: OutgoingMessage) -> str:
        """The PM topic careloop opened with this member for this case, if there is one."""
        if not message.case_ref:
            return ""
        return (Delivery.objects.filter(source=self.source, kind="private", recipient=message.recipient,
                                        case_ref=message.case_ref)
                .order_by("-sent_at").values_list("thread_ref", flat=True).first()) or ""

    def _post_number(self, post_id: str) -> int | None:
        if not post_id:
            return None
        extra = Post.objects.filter(source=self.source, external_id=post_id).values_list("extra", flat=True).first()
        number = (extra or {}).get("post_number")
        return int(number) if isinstance(number, int | str) and str(number).isdigit() else None

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return ledger.find(self.source, idempotency_key)

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        """Members' posts in careloop's PM topics, as the webhook received them."""
        return ledger.private_replies(self.source, since)

    # ------------------------------------------------------------------------------------------ webhook
    def verify_webhook(self, request: HttpRequest, body: bytes) -> None:
        """X-Discourse-Event-Signature: "sha256=" + HMAC-SHA256(webhook_secret, raw body)."""
        key = secret(self.source, "webhook_secret")
        if not webhook.signature_ok(key, body, request.headers.get(webhook.SIGNATURE_HEADER)):
            raise WebhookRefused("signature refused: missing or wrong X-Discourse-Event-Signature")

    def read_webhook(self, request: HttpRequest, body: bytes) -> WebhookDelivery:
        """One event per request (Admin → API → Webhooks, content type application/json); a ping is answered."""
        event = request.headers.get("X-Discourse-Event", "")
        event_id = request.headers.get("X-Discourse-Event-Id", "")
        if request.headers.get("X-Discourse-Event-Type") == "ping" or event == "ping":
            return WebhookDelivery(answer={"ok": "pong"})
        try:
            payload = json_input.loads(body)
        except json_input.BadJson as exc:
            raise WebhookRefused(f"the {exc.field} {exc.message}; set the webhook's content type to "
                                 "application/json", 400, logged=False) from None
        if not isinstance(payload, dict):
            raise WebhookRefused("expected a JSON object", 400, logged=False)
        try:  # a value no database stores is this request's 400, never a 500
            json_input.check(payload, "")
        except json_input.BadJson as exc:
            raise WebhookRefused(f"{exc.field or 'the event'}: {exc.message}", 400) from None
        delivery = webhook.read(self.source, event, payload, self.api_username)
        # Recorded after the work: a crash in between makes Discourse retry, and every step is idempotent.
        delivery.delivery_id, delivery.event, delivery.duplicate = event_id, event[:100], {"duplicate": event_id}
        return delivery

    def answer_webhook(self, delivery: WebhookDelivery, result: ImportResult) -> tuple[dict[str, Any], int]:
        return webhook.answer(delivery, result)
