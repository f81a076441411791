"""Slack Events API requests into careloop: how SlackConnector checks and reads them (the one webhook view,
connectors/views.py, serves them at /hooks/slack/<source>/).

Slack POSTs JSON (https://api.slack.com/apis/connections/events-api):
- `{"type": "url_verification", "challenge": …}` once, when the Request URL is saved: answered with the challenge;
- `{"type": "event_callback", "event_id": "Ev…", "event": {…}}` for every subscribed event. Slack retries a
  delivery it got no 2xx for within 3 seconds (X-Slack-Retry-Num, X-Slack-Retry-Reason) with the same
  event_id: the event id names the delivery, so a retry or a replay is answered as a duplicate.

Every request is signed (https://api.slack.com/authentication/verifying-requests-from-slack):
X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body);
a timestamp more than five minutes from now is refused, so a recorded request cannot be replayed later.

`message` events (message.channels, message.groups, message.im):
- in a channel (channel_type "channel", or "group" for a private channel the app is in): a post; its thread is
  the channel and the thread's first message (`thread_ts`, or its own `ts`), a thread reply's parent is the
  thread's first message. Post ids are "<channel>:<ts>" (a ts is unique only within its channel).
- subtype message_changed: the edited message again, with edited_at; message_deleted: the post marked deleted
  (its text kept); thread_broadcast and file_share are messages like any other; other subtypes (joins, topics,
  pins …) and every bot's message (bot_id, subtype bot_message — careloop's own among them) are not members' words.
- in a direct message with the app (channel_type "im", or "app_home" from the app's Messages tab): never a post;
  a member careloop wrote to is answering, kept as their private reply (InboundReply) for the case.
  Group DMs (mpim) are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction

from careloop.community.ingest import ImportResult
from careloop.community.models import Source
from careloop.connectors.base import WebhookDelivery, WebhookRefused
from careloop.connectors.models import Delivery, InboundReply

SIGNATURE_HEADER = "X-Slack-Signature"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
RETRY_HEADER = "X-Slack-Retry-Num"
MAX_AGE = 5 * 60  # seconds: Slack's own advice for refusing replays
PUBLIC_CHANNELS = frozenset({"channel", "group"})
DIRECT = frozenset({"im", "app_home"})  # a member writing to the app (its Messages tab is app_home)
AS_MESSAGES = frozenset({"", "thread_broadcast", "file_share", "me_message"})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def check_signature(secret: str, timestamp: str | None, signature: str | None, body: bytes,
                    *, now: float | None = None) -> str:
    """"" when the request is Slack's, else why it is refused (never naming the body or the secret)."""
    if not secret:
        return "signature refused: the source has no signing_secret"
    if not timestamp or not signature:
        return f"signature refused: missing {SIGNATURE_HEADER} or {TIMESTAMP_HEADER}"
    try:
        stamped = int(timestamp)
    except ValueError:
        return f"signature refused: {TIMESTAMP_HEADER} is not a number"
    if abs((now if now is not None else time.time()) - stamped) > MAX_AGE:
        return f"signature refused: {TIMESTAMP_HEADER} is more than 5 minutes away (a replayed request?)"
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.strip().encode()):
        return f"signature refused: wrong {SIGNATURE_HEADER}"
    return ""


def post_id(channel: str, ts: str) -> str:
    return f"{channel}:{ts}"


def split_ref(ref: str) -> tuple[str, str]:
    """ "<channel>:<ts>" → (channel, ts); a bare channel id → (channel, "")."""
    channel, _, ts = ref.partition(":")
    return channel, ts


def _when(ts: str) -> str:
    return datetime.fromtimestamp(float(ts), UTC).isoformat()


def _text(text: Any) -> str:
    """Slack's message text, with the three characters Slack escapes read back (mrkdwn is kept as written)."""
    if not isinstance(text, str):
        return ""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def read(source: Source, payload: dict[str, Any], team: frozenset[str]) -> WebhookDelivery:
    """What one event_callback brings: a post for the ingest entry point, or other work to apply."""
    event = payload.get("event")
    if not isinstance(event, dict):
        raise WebhookRefused("an event_callback without its event", 400)
    kind = str(event.get("type") or "")
    if kind != "message":
        return WebhookDelivery(apply=lambda: {"ignored": kind or "unknown event"})
    try:
        subtype = str(event.get("subtype") or "")
        channel_type = str(event.get("channel_type") or "")
        channel = str(event["channel"])
        if channel_type in DIRECT or (not channel_type and channel.startswith("D")):
            return WebhookDelivery(apply=_refusing(lambda: _private_reply(source, event)))
        if channel_type and channel_type not in PUBLIC_CHANNELS:
            return WebhookDelivery(apply=lambda: {"ignored": f"a {channel_type} message"})
        if subtype == "message_changed":
            message = event["message"]
            if not isinstance(message, dict) or _by_a_bot(message) or not message.get("user"):
                return WebhookDelivery(apply=lambda: {"ignored": "an edit of a bot's message"})
            edited = (message.get("edited") or {}).get("ts") or event.get("event_ts") or message["ts"]
            record = _post_record(source, channel, message, team, channel_type)
            record["edited_at"] = _when(str(edited))
            return WebhookDelivery(posts=[record], origin="slack message_changed")
        if subtype == "message_deleted":
            previous = event.get("previous_message")
            if not isinstance(previous, dict) or _by_a_bot(previous) or not previous.get("user"):
                return WebhookDelivery(apply=lambda: {"ignored": "a deleted message careloop never had"})
            record = _post_record(source, channel, previous, team, channel_type)
            record["deleted"] = True
            return WebhookDelivery(posts=[record], origin="slack message_deleted")
        if _by_a_bot(event) or subtype not in AS_MESSAGES or not event.get("user"):
            return WebhookDelivery(apply=lambda: {"ignored": f"a {subtype or 'bot'} message"})
        return WebhookDelivery(posts=[_post_record(source, channel, event, team, channel_type)],
                               origin="slack message")
    except (KeyError, TypeError, ValueError) as exc:
        raise WebhookRefused(f"the message event lacks a field or has a wrong one ({exc})", 400) from None


def answer(delivery: WebhookDelivery, result: ImportResult) -> tuple[dict[str, Any], int]:
    [record] = delivery.posts
    return {"post": record["id"], "imported": result.imported, "updated": result.updated,
            "unchanged": result.unchanged, "failed": result.failed,
            "errors": [f"{e.field}: {e.message}" for e in result.errors]}, 400 if result.failed else 200


def _by_a_bot(message: dict[str, Any]) -> bool:
    return bool(message.get("bot_id")) or message.get("subtype") == "bot_message"


def _refusing(work: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    def apply() -> dict[str, Any]:
        try:
            return work()
        except (KeyError, TypeError, ValueError) as exc:
            raise WebhookRefused(f"the message event lacks a field or has a wrong one ({exc})", 400) from None

    return apply


def _post_record(source: Source, channel: str, message: dict[str, Any], team: frozenset[str],
                 channel_type: str) -> dict[str, Any]:
    ts = str(message["ts"])
    user = str(message["user"])
    thread_ts = str(message.get("thread_ts") or ts)
    author: dict[str, Any] = {"id": user, "name": user, "handle": user}
    if user in team:
        author["role"] = "team"
    record: dict[str, Any] = {
        "source": source.name, "id": post_id(channel, ts), "thread_id": post_id(channel, thread_ts),
        "parent_id": post_id(channel, thread_ts) if thread_ts != ts else None,
        "author": author, "created_at": _when(ts), "text": _text(message.get("text")), "channel": channel,
        "slack": {"channel": channel, "ts": ts, "thread_ts": thread_ts, "channel_type": channel_type or "channel",
                  "team": message.get("team") or "", "subtype": message.get("subtype") or ""},
    }
    domain = str((source.settings or {}).get("workspace_url") or "").rstrip("/")
    if domain.startswith(("https://", "http://")):
        record["url"] = f"{domain}/archives/{channel}/p{ts.replace('.', '')}"
    return record


def _private_reply(source: Source, event: dict[str, Any]) -> dict[str, Any]:
    """A member's message in the app's DM: their private reply, when careloop wrote to them there."""
    if _by_a_bot(event) or event.get("subtype") not in (None, "", "file_share", "thread_broadcast"):
        return {"ignored": "not a member's message in the direct message"}
    channel, ts, sender = str(event["channel"]), str(event["ts"]), str(event.get("user") or "")
    if not sender:
        return {"ignored": "a direct message without its sender"}
    rows = Delivery.objects.filter(source=source, kind="private")
    opened = (rows.filter(thread_ref=channel, recipient=sender).order_by("-sent_at").first()
              or rows.filter(recipient=sender).order_by("-sent_at").first())
    if opened is None:
        return {"ignored": "a direct message careloop is not part of"}
    reply_id = post_id(channel, ts)
    try:
        with transaction.atomic():
            InboundReply.objects.create(
                source=source, external_id=reply_id, sender=sender, body=_text(event.get("text")),
                at=datetime.fromtimestamp(float(ts), UTC), thread_ref=channel, in_reply_to=opened.external_id,
                case_ref=opened.case_ref)
    except IntegrityError:
        return {"private_reply": reply_id, "duplicate": True}
    return {"private_reply": reply_id, "case": opened.case_ref}

