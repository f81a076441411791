"""Mastodon (and the fediverse servers that speak its REST API): a brand account listens, reaches out by direct
message and answers in public.

- Listen (Receiving.POLL, every minute in the worker): the account's mention notifications
  (`GET /api/v1/notifications?types[]=mention`), the hashtags in `hashtags` (`GET /api/v1/timelines/tag/:tag`)
  and the accounts in `accounts` (`GET /api/v1/accounts/:id/statuses`). Each is read forward from its own cursor
  with `min_id` (Mastodon's "the page right after this id"), page by page; the cursors are one JSON object kept in
  SyncState.cursor, which `sync_source()` stores only after the posts are imported, so a restart or an outage
  resumes where it stood and a crash re-reads (the import is idempotent) rather than loses.
- Only public and unlisted statuses become posts. A direct-visibility status that mentions the account is a
  private message: kept as the member's private reply (InboundReply) when careloop has written to that member,
  never as a public post. Followers-only statuses are neither (they are not public, and not written to us).
- Reach out: a status with visibility=direct that mentions the member (`@acct …`); a case's later messages answer
  the previous one (`in_reply_to_id`), so they stay one conversation on the member's side.
- Public reply: a status answering the post (`in_reply_to_id`), mentioning its author; public, or unlisted when
  the post was unlisted (as Mastodon's own apps answer).
- Never twice: every send carries `Idempotency-Key` (a hash of the outbox key). Mastodon answers a repeated
  POST with the same key from the same account with the first status instead of posting again (it remembers
  keys for an hour); the Delivery ledger covers longer gaps.

Members are known by their `acct` (`name` on the same server, `name@server` elsewhere): it is what a mention
takes. The numeric account id is kept in the post's extra fields.
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
from careloop.connectors.mastodon.text import status_text
from careloop.connectors.models import Delivery, InboundReply, SyncState
from careloop.connectors.vault import secret

PAGE = 40  # Mastodon's largest page
MAX_PAGES = 25  # per stream and poll: at most 1,000 statuses; the rest come with the next poll
PUBLIC = frozenset({"public", "unlisted"})
MENTIONS = "mentions"
NEEDED_SCOPES = ("read:statuses", "read:notifications", "read:accounts", "write:statuses")  # "read" covers read:*


def _id(value: Any) -> int:
    """Mastodon ids are strings of digits that sort as numbers."""
    try:
        return int(str(value))
    except ValueError:
        return 0


def idempotency_key(key: str) -> str:
    return "careloop-" + hashlib.sha256(key.encode()).hexdigest()[:40]


class MastodonConnector:
    kind = "mastodon"
    capabilities = frozenset({RECEIVE, SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})
    receives = frozenset({Receiving.POLL})
    exactly_once = True  # a resend carries the same Idempotency-Key: Mastodon answers with the first status

    def __init__(self, source: Source) -> None:
        self.source = source
        s = source.settings or {}
        self.base_url = str(s.get("base_url") or "").rstrip("/")
        self.hashtags = [str(t).lstrip("#") for t in _as_list(s.get("hashtags")) if str(t).lstrip("#")]
        self.accounts = [str(a).lstrip("@") for a in _as_list(s.get("accounts")) if str(a).lstrip("@")]
        self.team = {str(a).lstrip("@") for a in _as_list(s.get("team"))}
        self.mentions = str(s.get("mentions", "true")).lower() not in ("false", "0", "no", "off")
        self.timeout = float(s.get("timeout", 30))
        self._me: dict[str, Any] | None = None

    # ------------------------------------------------------------------------------------------ HTTP
    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              form: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Any:
        if not self.base_url:
            raise PermanentFailure(f"source {self.source.name!r} has no base_url setting (https://mastodon.example)")
        token = secret(self.source, "access_token")
        if not token:
            raise PermanentFailure(f"source {self.source.name!r} has no access_token setting")
        url = self.base_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        return request_json(method, url, headers={"Authorization": f"Bearer {token}", **(headers or {})},
                            form=form, timeout=self.timeout)

    def me(self) -> dict[str, Any]:
        """The account the token belongs to (verify_credentials), asked once per connector."""
        if self._me is None:
            found = self._call("GET", "/api/v1/accounts/verify_credentials")
            if not isinstance(found, dict) or not found.get("acct"):
                raise TemporaryFailure("GET /api/v1/accounts/verify_credentials: no account in the answer")
            self._me = found
        return self._me

    def check(self) -> str:
        try:
            acct = self.me()["acct"]
        except PermanentFailure as exc:  # a 403 from an instance that enforces scopes: say which are missing
            missing = self.missing_scopes()
            if missing:
                raise PermanentFailure(f"{exc}; the token lacks the scopes {' '.join(missing)}") from None
            raise
        listening = ["mentions"] if self.mentions else []
        listening += [f"#{tag}" for tag in self.hashtags] + [f"@{acct_}" for acct_ in self.accounts]
        said = f"logged in as @{acct} on {self.base_url}; listening to {', '.join(listening) or 'nothing'}"
        missing = self.missing_scopes()
        if missing:
            said += f"; the token lacks the scopes {' '.join(missing)} (docs/connectors.md, Mastodon)"
        return said

    def missing_scopes(self) -> list[str]:
        """The scopes careloop needs that the token's application was not given, when the instance says which
        it has (`GET /api/v1/apps/verify_credentials`, Mastodon 4.3+); [] when it does not say."""
        try:
            app = self._call("GET", "/api/v1/apps/verify_credentials")
        except PermanentFailure:
            return []  # a token made without an application (or an older server): nothing to compare
        scopes = app.get("scopes") if isinstance(app, dict) else None
        if not isinstance(scopes, list):
            return []
        given = {str(scope) for scope in scopes}
        return [scope for scope in NEEDED_SCOPES if scope not in given and scope.split(":")[0] not in given]

    # ------------------------------------------------------------------------------------------ listen
    def _forward(self, path: str, since: str, params: dict[str, Any] | None = None) -> tuple[list[dict], str]:
        """Everything after `since` on one timeline, oldest first, and the newest id seen.

        With no cursor yet, the newest page only: a new source starts from now, not from the account's whole
        history. An empty timeline gets the cursor "0", so what comes later is read from its start."""
        if not since:
            page = self._call("GET", path, params={**(params or {}), "limit": PAGE}) or []
            items = [i for i in page if isinstance(i, dict)]
            newest = max((_id(i.get("id")) for i in items), default=0)
            return sorted(items, key=lambda i: _id(i.get("id"))), str(newest)
        found: list[dict] = []
        cursor = since
        for _ in range(MAX_PAGES):
            page = self._call("GET", path, params={**(params or {}), "min_id": cursor, "limit": PAGE}) or []
            items = [i for i in page if isinstance(i, dict) and _id(i.get("id")) > _id(cursor)]
            if not items:
                break
            found.extend(items)
            cursor = str(max(_id(i.get("id")) for i in items))
            if len(page) < PAGE:
                break
        return sorted(found, key=lambda i: _id(i.get("id"))), cursor

    def _account_id(self, acct: str, state: SyncState) -> str:
        ids = dict(state.details.get("account_ids") or {})
        if acct not in ids:
            found = self._call("GET", "/api/v1/accounts/lookup", params={"acct": acct}) or {}
            if not isinstance(found, dict) or not found.get("id"):
                raise PermanentFailure(f"no Mastodon account {acct!r} (setting accounts)")
            ids[acct] = str(found["id"])
            state.details = {**state.details, "account_ids": ids}
            state.save(update_fields=["details"])
        return ids[acct]

    def sync_once(self, timeout_ms: int = 0) -> tuple[list[dict[str, Any]], str]:
        """New statuses since the stored cursors, as posts in the import format, and the cursors to keep.

        Direct messages to the account found among the mentions are kept as private replies here (once each,
        by status id), so they come back onto their case without another pass over the notifications."""
        state, _ = SyncState.objects.get_or_create(source=self.source)
        try:
            cursors: dict[str, str] = json.loads(state.cursor) if state.cursor else {}
        except ValueError:
            cursors = {}
        if not isinstance(cursors, dict):
            cursors = {}
        me = self.me()
        statuses: list[tuple[dict, str]] = []  # (status, channel)
        if self.mentions:
            notes, cursors[MENTIONS] = self._forward("/api/v1/notifications", cursors.get(MENTIONS, ""),
                                                     {"types[]": ["mention"]})
            for note in notes:
                status = note.get("status")
                if note.get("type") != "mention" or not isinstance(status, dict):
                    continue
                if status.get("visibility") == "direct":
                    self._keep_private(status, me)
                else:
                    statuses.append((status, "mentions"))
        for tag in self.hashtags:
            key = f"tag:{tag.lower()}"
            found, cursors[key] = self._forward(f"/api/v1/timelines/tag/{urllib.parse.quote(tag)}",
                                                cursors.get(key, ""))
            statuses.extend((s, f"#{tag}") for s in found)
        for acct in self.accounts:
            key = f"account:{acct.lower()}"
            path = f"/api/v1/accounts/{self._account_id(acct, state)}/statuses"
            found, cursors[key] = self._forward(path, cursors.get(key, ""), {"exclude_reblogs": "true"})
            statuses.extend((s, f"@{acct}") for s in found)
        records = self._records(statuses, me)
        return records, json.dumps({k: v for k, v in cursors.items() if v}, sort_keys=True)

    def _records(self, statuses: list[tuple[dict, str]], me: dict[str, Any]) -> list[dict[str, Any]]:
        seen: set[str] = set()
        threads: dict[str, str] = {}  # status id -> thread id, for replies to statuses in this same poll
        records: list[dict[str, Any]] = []
        for status, channel in sorted(statuses, key=lambda sc: _id(sc[0].get("id"))):
            sid = str(status.get("id") or "")
            if (not sid or sid in seen or status.get("reblog") or status.get("visibility") not in PUBLIC
                    or not isinstance(status.get("account"), dict)):
                continue
            seen.add(sid)
            record = self._post(status, channel, me, threads)
            threads[sid] = record["thread_id"]
            records.append(record)
        return records

    def _thread_of(self, parent: str, threads: dict[str, str]) -> str:
        """A reply's thread: its parent's thread when careloop has the parent, else the parent itself."""
        if parent in threads:
            return threads[parent]
        known = (Post.objects.filter(source=self.source, external_id=parent)
                 .values_list("thread__external_id", flat=True).first())
        return known or parent

    def _post(self, status: dict, channel: str, me: dict[str, Any], threads: dict[str, str]) -> dict[str, Any]:
        account = status["account"]
        acct = str(account.get("acct") or account.get("username") or account.get("id"))
        author: dict[str, Any] = {"id": acct, "name": account.get("display_name") or account.get("username") or acct,
                                  "handle": acct}
        if acct == me.get("acct") or acct in self.team:
            author["role"] = "team"
        parent = str(status.get("in_reply_to_id") or "")
        sid = str(status["id"])
        record: dict[str, Any] = {
            "id": sid, "thread_id": self._thread_of(parent, threads) if parent else sid,
            "parent_id": parent or None, "author": author, "created_at": status.get("created_at"),
            "text": status_text(status), "channel": channel,
            "mastodon": {"account_id": str(account.get("id") or ""), "visibility": status.get("visibility"),
                         "tags": [t.get("name") for t in status.get("tags") or [] if isinstance(t, dict)]},
        }
        url = status.get("url") or status.get("uri") or ""
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            record["url"] = url
        if isinstance(status.get("language"), str) and status["language"]:
            record["language"] = status["language"]
        if status.get("edited_at"):
            record["edited_at"] = status["edited_at"]
        return record

    def _keep_private(self, status: dict, me: dict[str, Any]) -> None:
        """A member's direct message to the account: their private reply, when careloop wrote to them."""
        account = status.get("account") or {}
        sender = str(account.get("acct") or "")
        if not sender or sender == me.get("acct"):
            return
        answered = str(status.get("in_reply_to_id") or "")
        rows = Delivery.objects.filter(source=self.source, kind="private")
        opened = (rows.filter(external_id=answered).first() if answered else None) or (
            rows.filter(recipient=sender).order_by("-sent_at").first())
        if opened is None:
            return  # a direct message careloop is not part of: not a reply to anything it sent
        at = parse_datetime(str(status.get("created_at") or "")) or timezone.now()
        try:
            with transaction.atomic():
                InboundReply.objects.create(
                    source=self.source, external_id=str(status["id"]), sender=sender, body=status_text(status),
                    at=at, thread_ref=opened.thread_ref, in_reply_to=opened.external_id, case_ref=opened.case_ref)
        except IntegrityError:
            pass  # read before: a poll after a crash re-reads what it already kept

    # ------------------------------------------------------------------------------------------ reach out
    def send(self, message: OutgoingMessage) -> SendResult:
        done = ledger.find(self.source, message.idempotency_key)
        if done:
            return done
        form: dict[str, Any]
        if message.kind == "private":
            recipient = message.recipient.lstrip("@")
            if not recipient:
                raise PermanentFailure("a direct message needs the member's account (acct)")
            form = {"status": _mentioning(recipient, message.body), "visibility": "direct"}
            previous = self._previous_private(recipient, message.case_ref)
            if previous:
                form["in_reply_to_id"] = previous
        elif message.kind == "public_reply":
            answered = message.in_reply_to or message.thread_ref
            if not answered:
                raise PermanentFailure("a public reply needs the status it answers (in_reply_to or thread_ref)")
            found = (Post.objects.filter(source=self.source, external_id=answered)
                     .values_list("author__external_id", "extra").first())
            author, extra = found if found else ("", {})
            # Answer as Mastodon's own apps do: an unlisted post gets an unlisted reply, a public one a public one.
            said = ((extra or {}).get("mastodon") or {}).get("visibility")
            form = {"status": _mentioning(author, message.body) if author else message.body,
                    "visibility": "unlisted" if said == "unlisted" else "public", "in_reply_to_id": answered}
        else:
            raise CannotDo(f"unknown message kind {message.kind!r}")
        answer = self._call("POST", "/api/v1/statuses", form=form,
                            headers={"Idempotency-Key": idempotency_key(message.idempotency_key)})
        if not isinstance(answer, dict) or not answer.get("id"):
            raise PermanentFailure("Mastodon accepted the status but returned no id")
        status_id = str(answer["id"])
        sent_at = parse_datetime(str(answer.get("created_at") or "")) or timezone.now()
        thread = status_id if message.kind == "private" else str(message.thread_ref or answered)
        result = SendResult(external_id=status_id, sent_at=sent_at,
                            details={"visibility": answer.get("visibility"), "url": answer.get("url")})
        return ledger.record(self.source, message, result, thread_ref=thread)

    def _previous_private(self, recipient: str, case_ref: str) -> str:
        """The last direct message careloop sent this member for this case: the next one answers it."""
        if not case_ref:
            return ""
        return (Delivery.objects.filter(source=self.source, kind="private", recipient__in=[recipient, f"@{recipient}"],
                                        case_ref=case_ref)
                .order_by("-sent_at").values_list("external_id", flat=True).first()) or ""

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return ledger.find(self.source, idempotency_key)

    # ------------------------------------------------------------------------------------------ replies
    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        """Members' direct messages answering careloop, as the poll kept them, oldest first."""
        return ledger.private_replies(self.source, since)


def _mentioning(acct: str, body: str) -> str:
    """The status text: a direct message reaches only the accounts it mentions, so it starts with the member."""
    mention = f"@{acct.lstrip('@')}"
    return body if mention.lower() in body.lower().split() else f"{mention} {body}"


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []
