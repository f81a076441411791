"""Slack: a workspace's channels come in through the Events API (read in events.py, served by the one webhook
view at /hooks/slack/<source>/), messages go out through the Web API with the app's bot token.

- Reach out: `conversations.open` (users=<member id>) gives the direct message channel between the app and the
  member, then `chat.postMessage` there; the case's later messages go to the same channel (from the Delivery
  ledger, without opening it again).
- Public reply: `chat.postMessage` with `thread_ts` in the channel of the post's thread, so the answer is a
  reply in the thread, never a new message in the channel.
- Never twice: Slack keeps no idempotency key, so the Delivery ledger is what stops a second send of the same
  outbox key, and `exactly_once` stays False (after a worker died mid-send the outbox asks a person).
- Failures: HTTP 429 (with Retry-After) and 5xx are TemporaryFailure (connectors/http.py); Slack's own
  `{"ok": false, "error": …}` is temporary for ratelimited / internal_error / fatal_error /
  service_unavailable / request_timeout, permanent otherwise (channel_not_found, not_authed, invalid_auth …).

Settings: `signing_secret` and `bot_token` (secrets, encrypted at rest), `team` (the workspace's user ids of
your own team, read as role "team"), `workspace_url` (https://example.slack.com, for links to posts) and
`api_base` (https://slack.com/api; a test points it elsewhere). Members are known by their Slack user id.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from careloop.community import json_input
from careloop.community.ingest import ImportResult
from careloop.community.models import Source
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
    TemporaryFailure,
    WebhookDelivery,
    WebhookRefused,
    WebhookRoute,
)
from careloop.connectors.http import request_json
from careloop.connectors.models import Delivery
from careloop.connectors.slack import events
from careloop.connectors.vault import secret

API_BASE = "https://slack.com/api"
TEMPORARY_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                              "request_timeout"})


class SlackConnector:
    kind = "slack"
    capabilities = frozenset({RECEIVE, SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})
    receives = frozenset({Receiving.WEBHOOK})
    webhook_route = WebhookRoute(prefix="slack/", label="Slack")

    def __init__(self, source: Source) -> None:
        self.source = source
        s = source.settings or {}
        self.api_base = str(s.get("api_base") or API_BASE).rstrip("/")
        team = s.get("team") or []
        self.team = frozenset(str(t) for t in (team.split(",") if isinstance(team, str) else team) if str(t))
        self.timeout = float(s.get("timeout", 30))

    # ------------------------------------------------------------------------------------------ Web API
    def _call(self, method: str, api: str, form: dict[str, Any] | None = None) -> dict[str, Any]:
        token = secret(self.source, "bot_token")
        if not token:
            raise PermanentFailure(f"source {self.source.name!r} has no bot_token setting (xoxb-…)")
        headers = {"Authorization": f"Bearer {token}"}  # the token once, where Slack reads it
        url = f"{self.api_base}/{api}"
        if method == "GET" and form:
            url += "?" + urllib.parse.urlencode(form)
            form = None
        answer = request_json(method, url, headers=headers, form=form, timeout=self.timeout)
        if not isinstance(answer, dict):
            raise TemporaryFailure(f"{method} /{api}: Slack answered something that is not a JSON object")
        if answer.get("ok") is not True:
            error = str(answer.get("error") or "unknown error")[:100]
            if error in TEMPORARY_ERRORS:
                raise TemporaryFailure(f"{method} /{api}: Slack said {error}")
            raise PermanentFailure(f"{method} /{api}: Slack said {error}")
        return answer

    def check(self) -> str:
        me = self._call("GET", "auth.test")
        return f"connected to the Slack workspace {me.get('team') or me.get('team_id')} as {me.get('user')}"

    def send(self, message: OutgoingMessage) -> SendResult:
        done = ledger.find(self.source, message.idempotency_key)
        if done:
            return done
        if message.kind == "private":
            if not message.recipient:
                raise PermanentFailure("a direct message needs the member's Slack user id")
            # Never message.thread_ref: that is the public thread. The member's DM channel with the app.
            channel = self._dm_channel(message.recipient)
            form = {"channel": channel, "text": message.body}
        elif message.kind == "public_reply":
            channel, thread_ts = events.split_ref(message.thread_ref or message.in_reply_to)
            if not channel or not thread_ts:
                raise PermanentFailure("a public reply needs the thread (thread_ref \"<channel>:<ts>\")")
            form = {"channel": channel, "text": message.body, "thread_ts": thread_ts}
        else:
            raise CannotDo(f"unknown message kind {message.kind!r}")
        answer = self._call("POST", "chat.postMessage", form)
        ts = str(answer.get("ts") or "")
        if not ts:
            raise PermanentFailure("Slack accepted the message but returned no ts")
        # The message's id is the channel it was posted to and its ts (Slack answers with that same channel).
        result = SendResult(external_id=events.post_id(channel, ts), sent_at=timezone.now(),
                            details={"channel": channel, "ts": ts})
        thread = channel if message.kind == "private" else message.thread_ref
        return ledger.record(self.source, message, result, thread_ref=thread)

    def _dm_channel(self, user: str) -> str:
        """The direct message channel between the app and this member: known from an earlier send, or opened."""
        known = (Delivery.objects.filter(source=self.source, kind="private", recipient=user)
                 .exclude(thread_ref="").order_by("-sent_at").values_list("thread_ref", flat=True).first())
        if known:
            return known
        opened = self._call("POST", "conversations.open", {"users": user})
        channel = opened.get("channel")
        if not isinstance(channel, dict) or not channel.get("id"):
            raise PermanentFailure("conversations.open answered without a channel id")
        return str(channel["id"])

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return ledger.find(self.source, idempotency_key)

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        """Members' messages in the app's direct messages, as the Events API brought them."""
        return ledger.private_replies(self.source, since)

    # ------------------------------------------------------------------------------------------ Events API
    def verify_webhook(self, request: HttpRequest, body: bytes) -> None:
        why = events.check_signature(secret(self.source, "signing_secret"),
                                     request.headers.get(events.TIMESTAMP_HEADER),
                                     request.headers.get(events.SIGNATURE_HEADER), body)
        if why:
            raise WebhookRefused(why)

    def read_webhook(self, request: HttpRequest, body: bytes) -> WebhookDelivery:
        try:
            payload = json_input.loads(body)
        except json_input.BadJson as exc:
            raise WebhookRefused(f"the {exc.field} {exc.message}", 400, logged=False) from None
        if not isinstance(payload, dict):
            raise WebhookRefused("expected a JSON object", 400, logged=False)
        try:  # a value no database stores is this request's 400, never a 500
            json_input.check(payload, "")
        except json_input.BadJson as exc:
            raise WebhookRefused(f"{exc.field or 'the event'}: {exc.message}", 400) from None
        kind = payload.get("type")
        if kind == "url_verification":
            return WebhookDelivery(answer={"challenge": str(payload.get("challenge") or "")})
        if kind != "event_callback":
            return WebhookDelivery(answer={"ignored": str(kind or "unknown request")})
        event_id = str(payload.get("event_id") or "")
        if not event_id:
            raise WebhookRefused("an event_callback without its event_id", 400)
        delivery = events.read(self.source, payload, self.team)
        # Recorded after the work (the view): a retry (X-Slack-Retry-Num) or a replay of the same event_id is
        # answered as a duplicate and stored nothing again.
        event = payload.get("event") or {}
        delivery.delivery_id, delivery.duplicate = event_id, {"duplicate": event_id}
        delivery.event = f"{event.get('type', '')}{'.' + event['subtype'] if event.get('subtype') else ''}"[:100]
        return delivery

    def answer_webhook(self, delivery: WebhookDelivery, result: ImportResult) -> tuple[dict[str, Any], int]:
        return events.answer(delivery, result)
