"""Discord: a bot listens to guild channels and their threads by polling the HTTP API, reaches out by DM and
answers in the channel.

- Listen (Receiving.POLL, every minute in the worker): `GET /channels/{id}/messages?after=<cursor>` for every
  channel (and thread: a thread is a channel) in `channels`, page by page, each forward from its own cursor (the
  newest message id seen: ids are snowflakes that sort by time). The cursors are one JSON object kept in
  SyncState.cursor, stored only after the posts are imported, so an outage resumes where it stood.
- A reply (message_reference) has the message it answers as parent; a thread's messages have the thread's
  starter message (the thread id) as thread. Reactions: for each emoji on a message, who reacted
  (`GET /channels/{c}/messages/{m}/reactions/{emoji}`) — the Importer turns both into the interaction graph.
- Reach out: `POST /users/@me/channels` (recipient_id) opens the bot's DM channel with the member, then
  `POST /channels/{dm}/messages`; the case's later messages go to the same DM (from the Delivery ledger).
- Public reply: a message in the post's channel with `message_reference` to the post.
- Private replies: the DM channels careloop wrote to are polled too; the member's messages there are kept as
  InboundReply (never posts).
- Never twice: the Delivery ledger; every message also carries `nonce` + `enforce_nonce` (Discord answers a repeat
  from the same bot within a few minutes with the first message). Discord keeps nonces only minutes, so
  `exactly_once` stays False.

Settings: `bot_token` (secret, encrypted at rest), `channels` (channel ids), `threads` (thread ids),
`guild_id` (for links), `team` (user ids of your staff), `api_base` (https://discord.com/api/v10; a test
points it elsewhere).
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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
    TemporaryFailure,
)
from careloop.connectors.http import request_json
from careloop.connectors.models import Delivery, InboundReply, SyncState
from careloop.connectors.vault import secret

API_BASE = "https://discord.com/api/v10"
PAGE = 100  # Discord's largest page
MAX_PAGES = 10  # per channel and poll; the rest comes with the next poll
AS_MESSAGES = frozenset({0, 19, 20})  # DEFAULT, REPLY, CHAT_INPUT_COMMAND (joins, pins, boosts are not words)


def _id(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def nonce(key: str) -> str:
    """Discord's nonce: at most 25 characters."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if str(v)]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


class DiscordConnector:
    kind = "discord"
    capabilities = frozenset({RECEIVE, SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})
    receives = frozenset({Receiving.POLL})
    exactly_once = False  # Discord keeps a nonce for minutes only: after a dead worker a person decides

    def __init__(self, source: Source) -> None:
        self.source = source
        s = source.settings or {}
        self.api_base = str(s.get("api_base") or API_BASE).rstrip("/")
        self.channels = _as_list(s.get("channels"))
        self.threads = frozenset(_as_list(s.get("threads")))
        self.channels = [*self.channels, *(t for t in _as_list(s.get("threads")) if t not in self.channels)]
        self.team = frozenset(_as_list(s.get("team")))
        self._threads: dict[str, str] = {}  # message id -> thread id, for replies within one poll
        self.guild_id = str(s.get("guild_id") or "")
        self.timeout = float(s.get("timeout", 30))
        self._me: dict[str, Any] | None = None

    # ------------------------------------------------------------------------------------------ HTTP
    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        token = secret(self.source, "bot_token")
        if not token:
            raise PermanentFailure(f"source {self.source.name!r} has no bot_token setting")
        url = self.api_base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        return request_json(method, url, headers={"Authorization": f"Bot {token}"}, body=body,
                            timeout=self.timeout)

    def me(self) -> dict[str, Any]:
        if self._me is None:
            found = self._call("GET", "/users/@me")
            if not isinstance(found, dict) or not found.get("id"):
                raise TemporaryFailure("GET /users/@me: no user in the answer")
            self._me = found
        return self._me

    def check(self) -> str:
        me = self.me()
        return (f"logged in as the bot {me.get('username')} ({me['id']}); listening to "
                f"{len(self.channels)} channel(s)")

    # ------------------------------------------------------------------------------------------ listen
    def _forward(self, channel: str, since: str) -> tuple[list[dict[str, Any]], str]:
        """The messages after `since` in one channel, oldest first, and the newest id seen. With no cursor yet,
        the newest page only: a new source starts from now."""
        path = f"/channels/{channel}/messages"
        if not since:
            page = self._call("GET", path, params={"limit": PAGE}) or []
            items = [m for m in page if isinstance(m, dict)]
            return sorted(items, key=lambda m: _id(m.get("id"))), str(max((_id(m.get("id")) for m in items),
                                                                          default=0))
        found: list[dict[str, Any]] = []
        cursor = since
        for _ in range(MAX_PAGES):
            page = self._call("GET", path, params={"after": cursor, "limit": PAGE}) or []
            items = [m for m in page if isinstance(m, dict) and _id(m.get("id")) > _id(cursor)]
            if not items:
                break
            found.extend(items)
            cursor = str(max(_id(m.get("id")) for m in items))
            if len(page) < PAGE:
                break
        return sorted(found, key=lambda m: _id(m.get("id"))), cursor

    def sync_once(self, timeout_ms: int = 0) -> tuple[list[dict[str, Any]], str]:
        state, _ = SyncState.objects.get_or_create(source=self.source)
        try:
            cursors: dict[str, str] = json.loads(state.cursor) if state.cursor else {}
        except ValueError:
            cursors = {}
        if not isinstance(cursors, dict):
            cursors = {}
        me = self.me()
        records: list[dict[str, Any]] = []
        for channel in self.channels:
            found, cursors[channel] = self._forward(channel, cursors.get(channel, ""))
            for message in found:
                record = self._post(channel, message, me)
                if record:
                    records.append(record)
        for dm in self._dm_channels():
            key = f"dm:{dm}"
            found, cursors[key] = self._forward(dm, cursors.get(key, ""))
            for message in found:
                self._keep_private(dm, message, me)
        return records, json.dumps({k: v for k, v in cursors.items() if v}, sort_keys=True)

    def _dm_channels(self) -> list[str]:
        return sorted(set(Delivery.objects.filter(source=self.source, kind="private").exclude(thread_ref="")
                          .values_list("thread_ref", flat=True)))

    def _post(self, channel: str, message: dict[str, Any], me: dict[str, Any]) -> dict[str, Any] | None:
        author = message.get("author")
        if (not isinstance(author, dict) or author.get("bot") or message.get("webhook_id")
                or message.get("type") not in AS_MESSAGES):
            return None
        uid = str(author["id"])
        who: dict[str, Any] = {"id": uid, "name": author.get("global_name") or author.get("username") or uid,
                               "handle": author.get("username") or uid}
        if uid in self.team:
            who["role"] = "team"
        mid = str(message["id"])
        ref = message.get("message_reference") or {}
        parent = str(ref.get("message_id") or "") if isinstance(ref, dict) else ""
        # A thread is a channel whose id is its starter message's id: its messages belong to that thread. In a
        # channel, a reply belongs to the thread of the message it answers.
        if channel in self.threads:
            thread = channel
        elif parent:
            thread = self._thread_of(parent)
        else:
            thread = mid
        self._threads[mid] = thread
        record: dict[str, Any] = {
            "id": mid, "thread_id": thread, "parent_id": parent or None, "author": who,
            "created_at": message.get("timestamp"), "text": str(message.get("content") or ""), "channel": channel,
            "discord": {"channel_id": str(message.get("channel_id") or channel), "type": message.get("type")},
        }
        if message.get("edited_timestamp"):
            record["edited_at"] = message["edited_timestamp"]
        if self.guild_id:
            record["url"] = f"https://discord.com/channels/{self.guild_id}/{channel}/{mid}"
        reactions = self._reactions(channel, message, me)
        if reactions:
            record["reactions"] = reactions
        return record

    def _thread_of(self, parent: str) -> str:
        if parent in self._threads:
            return self._threads[parent]
        known = (Post.objects.filter(source=self.source, external_id=parent)
                 .values_list("thread__external_id", flat=True).first())
        return known or parent

    def _reactions(self, channel: str, message: dict[str, Any], me: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for reaction in message.get("reactions") or []:
            emoji = (reaction or {}).get("emoji") or {}
            name = str(emoji.get("name") or "")
            if not name:
                continue
            tag = f"{name}:{emoji['id']}" if emoji.get("id") else name
            users = self._call("GET", f"/channels/{channel}/messages/{message['id']}/reactions/"
                                      f"{urllib.parse.quote(tag)}", params={"limit": PAGE}) or []
            for user in users:
                if isinstance(user, dict) and user.get("id") and str(user["id"]) != str(me.get("id")):
                    out.append({"by": {"id": str(user["id"]), "name": user.get("global_name") or
                                       user.get("username") or str(user["id"])}, "type": name})
        return out

    def _keep_private(self, dm: str, message: dict[str, Any], me: dict[str, Any]) -> None:
        author = message.get("author") or {}
        sender = str(author.get("id") or "")
        if not sender or sender == str(me.get("id")) or author.get("bot"):
            return
        rows = Delivery.objects.filter(source=self.source, kind="private", thread_ref=dm)
        opened = rows.filter(recipient=sender).order_by("-sent_at").first()
        if opened is None:
            return
        at = parse_datetime(str(message.get("timestamp") or "")) or timezone.now()
        try:
            with transaction.atomic():
                InboundReply.objects.create(
                    source=self.source, external_id=str(message["id"]), sender=sender,
                    body=str(message.get("content") or ""), at=at, thread_ref=dm, in_reply_to=opened.external_id,
                    case_ref=opened.case_ref)
        except IntegrityError:
            pass  # read before: a poll after a crash re-reads what it already kept

    # ------------------------------------------------------------------------------------------ reach out
    def send(self, message: OutgoingMessage) -> SendResult:
        done = ledger.find(self.source, message.idempotency_key)
        if done:
            return done
        body: dict[str, Any] = {"content": message.body[:2000], "nonce": nonce(message.idempotency_key),
                                "enforce_nonce": True, "allowed_mentions": {"parse": []}}
        if message.kind == "private":
            if not message.recipient:
                raise PermanentFailure("a direct message needs the member's Discord user id")
            channel = self._dm_channel(message.recipient)
        elif message.kind == "public_reply":
            answered = message.in_reply_to or message.thread_ref
            channel = self._channel_of(answered)
            if not answered or not channel:
                raise PermanentFailure("a public reply needs the message it answers (in_reply_to)")
            body["message_reference"] = {"message_id": answered, "channel_id": channel,
                                         "fail_if_not_exists": False}
        else:
            raise CannotDo(f"unknown message kind {message.kind!r}")
        answer = self._call("POST", f"/channels/{channel}/messages", body=body)
        if not isinstance(answer, dict) or not answer.get("id"):
            raise PermanentFailure("Discord accepted the message but returned no id")
        sent_at = parse_datetime(str(answer.get("timestamp") or "")) or timezone.now()
        result = SendResult(external_id=str(answer["id"]), sent_at=sent_at, details={"channel": channel})
        return ledger.record(self.source, message, result,
                             thread_ref=channel if message.kind == "private" else message.thread_ref)

    def _channel_of(self, message_id: str) -> str:
        extra = Post.objects.filter(source=self.source, external_id=message_id).values_list("extra", flat=True).first()
        return str(((extra or {}).get("discord") or {}).get("channel_id") or "")

    def _dm_channel(self, user: str) -> str:
        known = (Delivery.objects.filter(source=self.source, kind="private", recipient=user)
                 .exclude(thread_ref="").order_by("-sent_at").values_list("thread_ref", flat=True).first())
        if known:
            return known
        opened = self._call("POST", "/users/@me/channels", body={"recipient_id": user})
        if not isinstance(opened, dict) or not opened.get("id"):
            raise PermanentFailure("POST /users/@me/channels answered without a channel id")
        return str(opened["id"])

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return ledger.find(self.source, idempotency_key)

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        return ledger.private_replies(self.source, since)
