"""Matrix: a bot account listens in the public rooms it is given and talks to members in direct rooms.

- Listen: `/sync` long-poll, filtered to the public rooms (decision 0007 says why not an application
  service). Direct rooms are never part of that filter, so a member's private words never become a public
  post.
- Reach out: a direct room per member, created once with `is_direct` and recorded in the bot's `m.direct`
  account data so the next message finds it again.
- Exactly once: each message is PUT with txnId = a hash of the outbox's idempotency key. Synapse answers a
  repeated PUT of the same txnId from the same access token with the first event's id instead of sending
  again (it keeps these transactions for about 30 minutes); the Delivery ledger covers longer gaps, and
  `find_sent` can also find the event by the `unsigned.transaction_id` Synapse shows its sender.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

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
)
from careloop.connectors.matrix.client import MatrixClient, txn_id
from careloop.connectors.models import Delivery, SyncState
from careloop.connectors.vault import secret

TEXT_TYPES = frozenset({"m.text", "m.notice", "m.emote"})
TIMELINE_LIMIT = 500
REPLY_PAGES = 20


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _relation(content: dict) -> dict:
    rel = content.get("m.relates_to")
    return rel if isinstance(rel, dict) else {}


def _reply_to(content: dict) -> str:
    rel = _relation(content)
    in_reply = rel.get("m.in_reply_to")
    if isinstance(in_reply, dict) and in_reply.get("event_id"):
        return str(in_reply["event_id"])
    if rel.get("rel_type") == "m.thread" and rel.get("event_id"):
        return str(rel["event_id"])
    return ""


class MatrixConnector:
    kind = "matrix"
    capabilities = frozenset({RECEIVE, SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})
    receives = frozenset({Receiving.POLL, Receiving.STREAM})  # /sync: every minute, or held open (--follow)
    exactly_once = True  # the outbox may trust find_sent after a crash: the txnId finds (and dedups) the event

    def __init__(self, source: Source) -> None:
        self.source = source
        settings = source.settings or {}
        homeserver = settings.get("homeserver")
        if not homeserver:
            raise PermanentFailure(f"source {source.name!r} has no homeserver setting (e.g. https://matrix.example.org)")
        token = secret(source, "access_token")
        if not token:
            raise PermanentFailure(f"source {source.name!r} has no access_token setting")
        self.client = MatrixClient(homeserver, token)
        self.rooms: list[str] = list(settings.get("rooms") or [])
        self.team: set[str] = set(settings.get("team") or [])
        self._user_id: str = settings.get("user_id", "")

    @property
    def user_id(self) -> str:
        if not self._user_id:
            self._user_id = self.client.whoami()
        return self._user_id

    # ------------------------------------------------------------------------------------------ check
    def check(self) -> str:
        who = self.client.whoami()
        if self._user_id and who != self._user_id:
            raise PermanentFailure(f"the access token belongs to {who}, not to {self._user_id}")
        return f"logged in as {who} on {self.client.base}; listening in {len(self.rooms)} room(s)"

    # ------------------------------------------------------------------------------------------ listen
    def join_rooms(self) -> list[str]:
        """Join every configured room (ids or aliases); return their ids."""
        return [self.client.join(room) for room in self.rooms]

    def sync_once(self, timeout_ms: int = 0) -> tuple[list[dict[str, Any]], str]:
        """One /sync of the public rooms: (posts in the import format, the cursor to keep).

        The cursor is stored by the caller only after the posts are imported, so a crash re-reads them
        (the import is idempotent) rather than losing them.
        """
        state, _ = SyncState.objects.get_or_create(source=self.source)
        room_ids = state.details.get("room_ids")
        if not room_ids or state.details.get("rooms") != self.rooms:
            room_ids = self.join_rooms()
            names = {room_id: self.client.room_name(room_id) for room_id in room_ids}
            state.details = {**state.details, "room_ids": room_ids, "rooms": self.rooms, "names": names}
            state.save(update_fields=["details"])
        names = dict(state.details.get("names") or {})
        room_filter = {
            "room": {"rooms": room_ids, "timeline": {"limit": TIMELINE_LIMIT},
                     "state": {"lazy_load_members": True}, "account_data": {"types": []},
                     "ephemeral": {"types": []}},
            "presence": {"types": []}, "account_data": {"types": []},
        }
        answer = self.client.sync(state.cursor or None, timeout_ms, room_filter)
        records: list[dict[str, Any]] = []
        for room_id, room in (answer.get("rooms", {}).get("join") or {}).items():
            if room_id in room_ids:
                records.extend(self._room_posts(room_id, room, names))
        if names != state.details.get("names"):
            state.details = {**state.details, "names": names}
            state.save(update_fields=["details"])
        return records, answer.get("next_batch", "")

    def _room_posts(self, room_id: str, room: dict, room_names: dict[str, str]) -> Iterator[dict[str, Any]]:
        events = (room.get("state", {}).get("events") or []) + (room.get("timeline", {}).get("events") or [])
        names: dict[str, str] = {}
        for e in events:
            if e.get("type") == "m.room.member" and e.get("state_key"):
                names[e["state_key"]] = (e.get("content") or {}).get("displayname") or ""
            elif e.get("type") == "m.room.name":
                room_names[room_id] = (e.get("content") or {}).get("name") or ""
        title = room_names.get(room_id, "")
        for e in room.get("timeline", {}).get("events") or []:
            content = e.get("content") or {}
            if e.get("type") != "m.room.message" or content.get("msgtype") not in TEXT_TYPES:
                continue
            record = self._post(room_id, e, content, names, title)
            if record:
                yield record

    def _post(self, room_id: str, e: dict, content: dict, names: dict[str, str], title: str) -> dict | None:
        sender = e["sender"]
        at = _at(e["origin_server_ts"])
        author = {"id": sender, "name": names.get(sender) or sender.split(":")[0].lstrip("@"),
                  "handle": sender.split(":")[0].lstrip("@")}
        if sender == self.user_id or sender in self.team:
            author["role"] = "team"
        rel = _relation(content)
        if rel.get("rel_type") == "m.replace" and rel.get("event_id"):
            original = (Post.objects.filter(source=self.source, external_id=rel["event_id"])
                        .select_related("thread").first())
            new = content.get("m.new_content") or {}
            if original is None or not isinstance(new.get("body"), str):
                return None
            return {"id": original.external_id, "thread_id": original.thread.external_id,
                    "parent_id": original.parent_external_id or None, "author": author,
                    "created_at": original.created_at.isoformat(), "edited_at": at.isoformat(),
                    "text": new["body"]}
        record = {
            "id": e["event_id"], "thread_id": room_id, "parent_id": _reply_to(content) or None, "author": author,
            "created_at": at.isoformat(), "text": content.get("body") or "",
            "url": f"https://matrix.to/#/{room_id}/{e['event_id']}", "channel": title or room_id,
        }
        if title:
            record["title"] = title
        return record

    # ------------------------------------------------------------------------------------------ reach out
    def direct_room(self, member: str, *, create: bool = True) -> str | None:
        """The bot's direct room with a member, found in m.direct, else created and recorded there."""
        direct = self.client.account_data(self.user_id, "m.direct")
        for room_id in direct.get(member, []):
            try:
                members = self.client.members(room_id)
            except PermanentFailure:
                continue  # a room the bot left or was removed from
            if members.get(self.user_id) == "join" and members.get(member) in ("join", "invite"):
                return room_id
        if not create:
            return None
        room_id = self.client.create_direct_room(member)
        direct = self.client.account_data(self.user_id, "m.direct")  # read again: keep what changed meanwhile
        direct[member] = [*direct.get(member, []), room_id]
        self.client.set_account_data(self.user_id, "m.direct", direct)
        return room_id

    def send(self, message: OutgoingMessage) -> SendResult:
        done = ledger.find(self.source, message.idempotency_key)
        if done:
            return done
        content: dict[str, Any] = {"msgtype": "m.text", "body": message.body}
        if message.kind == "private":
            if not message.recipient.startswith("@"):
                raise PermanentFailure(f"{message.recipient!r} is not a Matrix user id (@name:server)")
            room_id = self.direct_room(message.recipient)
        elif message.kind == "public_reply":
            if not message.thread_ref:
                raise PermanentFailure("a public reply needs the room (thread_ref)")
            room_id = message.thread_ref
            if message.in_reply_to:
                content["m.relates_to"] = {"m.in_reply_to": {"event_id": message.in_reply_to}}
        else:
            raise CannotDo(f"unknown message kind {message.kind!r}")
        assert room_id
        event_id = self.client.send(room_id, content, txn_id(message.idempotency_key))
        result = SendResult(external_id=event_id, sent_at=timezone.now(), details={"room_id": room_id})
        return ledger.record(self.source, message, result, thread_ref=room_id)

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        done = ledger.find(self.source, idempotency_key)
        if done:
            return done
        txn = txn_id(idempotency_key)
        for room_id in self._direct_rooms():
            for e in self._recent(room_id, pages=2):
                if e.get("sender") == self.user_id and (e.get("unsigned") or {}).get("transaction_id") == txn:
                    return SendResult(external_id=e["event_id"], sent_at=_at(e["origin_server_ts"]),
                                      details={"room_id": room_id, "found_on_platform": True})
        return None

    # ------------------------------------------------------------------------------------------ replies
    def _direct_rooms(self) -> Iterator[str]:
        for rooms in self.client.account_data(self.user_id, "m.direct").values():
            yield from rooms

    def _recent(self, room_id: str, *, pages: int, since: datetime | None = None) -> Iterator[dict]:
        token = None
        for _ in range(pages):
            try:
                page = self.client.messages(room_id, from_token=token)
            except PermanentFailure:
                return
            for e in page.get("chunk") or []:
                if since and _at(e.get("origin_server_ts", 0)) <= since:
                    return
                yield e
            token = page.get("end")
            if not token or not page.get("chunk"):
                return

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        """What members wrote in their direct rooms with the bot after `since`, oldest first."""
        replies: list[PrivateReply] = []
        direct = self.client.account_data(self.user_id, "m.direct")
        for member, rooms in direct.items():
            for room_id in rooms:
                for e in self._recent(room_id, pages=REPLY_PAGES, since=since):
                    content = e.get("content") or {}
                    if (e.get("type") != "m.room.message" or e.get("sender") != member
                            or content.get("msgtype") not in TEXT_TYPES):
                        continue
                    at = _at(e["origin_server_ts"])
                    answered = self._answered(room_id, _reply_to(content), at)
                    replies.append(PrivateReply(
                        sender=member, body=content.get("body") or "", external_id=e["event_id"], at=at,
                        in_reply_to=answered.external_id if answered else _reply_to(content),
                        case_ref=answered.case_ref if answered else "",
                    ))
        return sorted(replies, key=lambda r: r.at)

    def _answered(self, room_id: str, event_id: str, at: datetime) -> Delivery | None:
        """The message a reply answers: the one it quotes, else the last careloop sent in that room before it."""
        rows = Delivery.objects.filter(source=self.source, thread_ref=room_id)
        if event_id:
            row = rows.filter(external_id=event_id).first()
            if row:
                return row
        return rows.filter(sent_at__lte=at).order_by("-sent_at").first()
