"""Reddit: a brand's account (an OAuth "script" app) listens to subreddits, reaches out by private message, answers
in public with a comment, and reads the members' private messages back.

- Token: `POST {auth_base}/api/v1/access_token` with HTTP Basic `client_id:client_secret` and
  `grant_type=password&username=…&password=…` (Reddit's "script" app flow); the bearer token (an hour) is kept in
  memory only, asked again when it expires or a call answers 401.
- Listen (Receiving.POLL): for each subreddit in `subreddits`, `GET {api_base}/r/SUB/new` (posts, unless
  posts=false) and `GET {api_base}/r/SUB/comments` (comments, unless comments=false). Each stream keeps the
  fullname of the newest item seen as its cursor; the next poll asks `before=<that fullname>` (Reddit's "the
  items newer than this"), page by page. The cursors are one JSON object in SyncState.cursor, stored by
  `sync_source()` only after the import: an outage or a restart resumes where it stood.
- Private replies: `GET {api_base}/message/messages` on each poll; a message (or a reply inside a message
  thread) from a member careloop wrote to is kept once as their InboundReply, never as a public post.
- Reach out: `POST /api/compose` (to, subject, text). Reddit answers `{"json": {"errors": []}}` without the
  message's id, so the delivery is known by `compose:<hash of the outbox key>`.
- Public reply: `POST /api/comment` with `thing_id` the post's or comment's fullname (t3_… / t1_…).
- Rate limits: every answer's X-Ratelimit-Remaining / X-Ratelimit-Reset are kept per source; when none are left
  the next call is not made but answered TemporaryFailure(retry_after=reset); a 429 is TemporaryFailure with
  Retry-After (or the reset). 5xx and a refused connection are TemporaryFailure too.
- Never twice: Reddit keeps no idempotency key; the Delivery ledger stops a second send of an outbox key, and
  `exactly_once` stays False (after a worker died mid-send the outbox asks a person).

Members are known by their Reddit user name (without u/). Posts are known by their fullname.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
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
    TemporaryFailure,
)
from careloop.connectors.http import RETRY_STATUSES
from careloop.connectors.models import Delivery, InboundReply, SyncState
from careloop.connectors.vault import secret

AUTH_BASE = "https://www.reddit.com"
API_BASE = "https://oauth.reddit.com"
PAGE = 100  # Reddit's largest listing page
MAX_PAGES = 10
TEMPORARY_ERRORS = frozenset({"RATELIMIT"})


@dataclass
class _Limit:
    remaining: float
    reset_at: float  # time.monotonic() when the window starts again


_tokens: dict[int, tuple[str, float]] = {}  # source pk -> (bearer token, monotonic expiry)
_limits: dict[int, _Limit] = {}  # source pk -> what Reddit said is left of the rate window


def delivery_id(idempotency_key: str) -> str:
    return "compose:" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


class RedditConnector:
    kind = "reddit"
    capabilities = frozenset({RECEIVE, SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})
    receives = frozenset({Receiving.POLL})

    def __init__(self, source: Source) -> None:
        self.source = source
        s = source.settings or {}
        self.auth_base = str(s.get("auth_base") or AUTH_BASE).rstrip("/")
        self.api_base = str(s.get("api_base") or API_BASE).rstrip("/")
        self.client_id = str(s.get("client_id") or "")
        self.username = str(s.get("username") or "").removeprefix("u/").removeprefix("/u/")
        self.subreddits = [str(r).strip().removeprefix("/").removeprefix("r/") for r in _as_list(s.get("subreddits"))
                           if str(r).strip()]
        self.posts = _flag(s.get("posts", "true"))
        self.comments = _flag(s.get("comments", "true"))
        self.team = {str(a).removeprefix("u/") for a in _as_list(s.get("team"))}
        self.subject = str(s.get("subject") or "About your post")
        self.user_agent = str(s.get("user_agent") or f"careloop:{self.client_id or 'app'}:1.0 (by /u/{self.username})")
        self.timeout = float(s.get("timeout", 30))

    # ------------------------------------------------------------------------------------------ HTTP
    def _raw(self, method: str, url: str, *, headers: dict[str, str], form: dict[str, Any] | None = None
             ) -> tuple[int, dict[str, str], bytes]:
        where = f"{method} {urllib.parse.urlsplit(url).path}"
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        all_headers = {"User-Agent": self.user_agent, "Accept": "application/json", **headers}
        if data is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read() or b""
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise TemporaryFailure(f"{where}: cannot reach the platform ({getattr(exc, 'reason', exc)})") from None

    def _token(self) -> str:
        known = _tokens.get(self.source.pk)
        if known and known[1] > time.monotonic():
            return known[0]
        client_secret = secret(self.source, "client_secret")
        password = secret(self.source, "password")
        if not self.client_id or not client_secret:
            raise PermanentFailure(f"source {self.source.name!r} needs the client_id and client_secret settings "
                                   "of its Reddit script app")
        if not self.username or not password:
            raise PermanentFailure(f"source {self.source.name!r} needs the username and password settings")
        basic = base64.b64encode(f"{self.client_id}:{client_secret}".encode()).decode()
        status, headers, raw = self._raw("POST", f"{self.auth_base}/api/v1/access_token",
                                         headers={"Authorization": f"Basic {basic}"},
                                         form={"grant_type": "password", "username": self.username,
                                               "password": password})
        where = "POST /api/v1/access_token"
        if status != 200:
            raise self._failure(where, status, headers, raw)
        answer = _json(raw, where)
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:  # Reddit answers 200 {"error": "invalid_grant"} for a wrong password
            said = str(answer.get("error") if isinstance(answer, dict) else "") or "no access_token"
            raise PermanentFailure(f"{where}: Reddit refused the app's credentials ({said[:100]})")
        expires = float(answer.get("expires_in") or 3600)
        _tokens[self.source.pk] = (str(token), time.monotonic() + max(expires - 60, 30))
        return str(token)

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              form: dict[str, Any] | None = None) -> Any:
        where = f"{method} {path}"
        limit = _limits.get(self.source.pk)
        if limit and limit.remaining < 1 and limit.reset_at > time.monotonic():
            wait = round(limit.reset_at - time.monotonic(), 1)
            raise TemporaryFailure(f"{where}: Reddit's rate limit is used up for {wait} s more", retry_after=wait)
        url = self.api_base + path + "?" + urllib.parse.urlencode({**(params or {}), "raw_json": 1})
        for attempt in range(2):
            token = self._token()
            status, headers, raw = self._raw(method, url, headers={"Authorization": f"bearer {token}"}, form=form)
            self._note_limit(headers)
            if status == 401 and attempt == 0:  # the token expired early: ask for a new one, once
                _tokens.pop(self.source.pk, None)
                continue
            if status >= 400:
                raise self._failure(where, status, headers, raw)
            return _json(raw, where)
        raise PermanentFailure(f"{where}: HTTP 401 with a fresh token")

    def _note_limit(self, headers: dict[str, str]) -> None:
        try:
            remaining = float(headers["x-ratelimit-remaining"])
            reset = float(headers["x-ratelimit-reset"])
        except (KeyError, ValueError):
            return
        _limits[self.source.pk] = _Limit(remaining, time.monotonic() + reset)

    @staticmethod
    def _failure(where: str, status: int, headers: dict[str, str], raw: bytes) -> Exception:
        try:
            detail = json.loads(raw or b"{}")
        except ValueError:
            detail = {}
        said = str(detail.get("message") or detail.get("error") or "")[:100] if isinstance(detail, dict) else ""
        message = f"{where}: HTTP {status}" + (f" ({said})" if said else "")
        if status in RETRY_STATUSES:
            after = headers.get("retry-after") or (headers.get("x-ratelimit-reset") if status == 429 else None)
            try:
                retry_after = float(after) if after else None
            except ValueError:
                retry_after = None
            return TemporaryFailure(message, retry_after=retry_after)
        return PermanentFailure(message)

    def check(self) -> str:
        me = self._call("GET", "/api/v1/me")
        name = me.get("name") if isinstance(me, dict) else None
        if not name:
            raise TemporaryFailure("GET /api/v1/me: no account in the answer")
        return f"logged in as u/{name}; listening to {', '.join('r/' + r for r in self.subreddits) or 'nothing'}"

    # ------------------------------------------------------------------------------------------ listen
    def _forward(self, path: str, since: str) -> tuple[list[dict], str]:
        """The listing's items newer than `since` (a fullname), oldest first, and the newest fullname seen.

        With no cursor yet, the newest page only: a new source starts from now, not from the subreddit's past."""
        if not since:
            items = _children(self._call("GET", path, params={"limit": PAGE}))
            return list(reversed(items)), (items[0]["name"] if items else "")
        found: list[dict] = []
        cursor = since
        for _ in range(MAX_PAGES):
            items = _children(self._call("GET", path, params={"before": cursor, "limit": PAGE}))
            if not items:
                break
            found.extend(reversed(items))  # the page right after the cursor: newer pages follow
            cursor = items[0]["name"]
            if len(items) < PAGE:
                break
        return found, cursor

    def sync_once(self, timeout_ms: int = 0) -> tuple[list[dict[str, Any]], str]:
        state, _ = SyncState.objects.get_or_create(source=self.source)
        try:
            cursors: dict[str, str] = json.loads(state.cursor) if state.cursor else {}
        except ValueError:
            cursors = {}
        if not isinstance(cursors, dict):
            cursors = {}
        records: list[dict[str, Any]] = []
        for sub in self.subreddits:
            quoted = urllib.parse.quote(sub)
            for wanted, stream in ((self.posts, "new"), (self.comments, "comments")):
                if not wanted:
                    continue
                key = f"{stream}:{sub.lower()}"
                items, newest = self._forward(f"/r/{quoted}/{stream}", cursors.get(key, ""))
                if newest:
                    cursors[key] = newest
                records.extend(self._post(item) for item in items if self._readable(item))
        self._known_parents(records)
        self._read_messages()
        return records, json.dumps(cursors, sort_keys=True)

    def _known_parents(self, records: list[dict[str, Any]]) -> None:
        """A comment answers its parent only when careloop has the parent (in this poll or before); otherwise it
        stands in its post's thread on its own, the parent's fullname kept in its reddit fields."""
        here = {r["id"] for r in records}
        wanted = {r["parent_id"] for r in records if r["parent_id"] and r["parent_id"] not in here}
        known = set(Post.objects.filter(source=self.source, external_id__in=wanted)
                    .values_list("external_id", flat=True))
        for record in records:
            parent = record["parent_id"]
            if parent and parent not in here and parent not in known:
                record["reddit"]["parent_id"] = parent
                record["parent_id"] = None

    @staticmethod
    def _readable(item: dict) -> bool:
        return bool(item.get("name")) and item.get("author") not in (None, "[deleted]")

    def _post(self, item: dict) -> dict[str, Any]:
        name = str(item["name"])
        author = str(item.get("author"))
        person: dict[str, Any] = {"id": author, "name": author, "handle": f"u/{author}"}
        if author == self.username or author in self.team:
            person["role"] = "team"
        if name.startswith("t3_"):  # a post: its own thread
            text = "\n\n".join(t for t in (str(item.get("title") or ""), str(item.get("selftext") or "")) if t)
            thread, parent = name, None
        else:  # a comment: in its post's thread, answering its parent
            text = str(item.get("body") or "")
            thread, parent = str(item.get("link_id") or name), str(item.get("parent_id") or "") or None
        record: dict[str, Any] = {
            "id": name, "thread_id": thread, "parent_id": parent, "author": person,
            "created_at": _at(item.get("created_utc")).isoformat(), "text": text,
            "channel": f"r/{item.get('subreddit') or ''}",
            "reddit": {"subreddit": item.get("subreddit"), "score": item.get("score"),
                       "over_18": bool(item.get("over_18"))},
        }
        if isinstance(item.get("permalink"), str) and item["permalink"].startswith("/"):
            record["url"] = "https://www.reddit.com" + item["permalink"]
        if isinstance(item.get("title"), str) and name.startswith("t3_"):
            record["title"] = item["title"]
        return record

    def _read_messages(self) -> None:
        """Members' private messages to the account, kept as their replies when careloop wrote to them."""
        if not Delivery.objects.filter(source=self.source, kind="private").exists():
            return  # careloop wrote to nobody here: no message can be a reply
        for message in _children(self._call("GET", "/message/messages", params={"limit": PAGE})):
            thread = [message] + _children(message.get("replies"))
            for one in thread:
                self._keep_private(one)

    def _keep_private(self, message: dict) -> None:
        sender = str(message.get("author") or "")
        if not sender or sender == self.username or not str(message.get("name", "")).startswith("t4_"):
            return
        if str(message.get("dest") or "").lower() != self.username.lower():
            return  # not written to this account (a modmail, or one we sent)
        opened = (Delivery.objects.filter(source=self.source, kind="private", recipient__iexact=sender)
                  .order_by("-sent_at").first())
        if opened is None:
            return
        try:
            with transaction.atomic():
                InboundReply.objects.create(
                    source=self.source, external_id=str(message["name"]), sender=opened.recipient,
                    body=str(message.get("body") or ""), at=_at(message.get("created_utc")),
                    thread_ref=opened.thread_ref, in_reply_to=opened.external_id, case_ref=opened.case_ref)
        except IntegrityError:
            pass  # kept before: a poll re-reads the same messages

    # ------------------------------------------------------------------------------------------ reach out
    def send(self, message: OutgoingMessage) -> SendResult:
        done = ledger.find(self.source, message.idempotency_key)
        if done:
            return done
        if message.kind == "private":
            recipient = message.recipient.removeprefix("/u/").removeprefix("u/")
            if not recipient:
                raise PermanentFailure("a private message needs the member's Reddit user name")
            answer = self._call("POST", "/api/compose", form={
                "api_type": "json", "to": recipient, "subject": (message.subject or self.subject)[:100],
                "text": message.body})
            _errors(answer, "POST /api/compose")
            result = SendResult(external_id=delivery_id(message.idempotency_key), sent_at=timezone.now())
            return ledger.record(self.source, message, result, thread_ref=recipient)
        if message.kind == "public_reply":
            answered = message.in_reply_to or message.thread_ref
            if not answered.startswith(("t1_", "t3_")):
                raise PermanentFailure("a public reply needs the fullname (t3_… or t1_…) of what it answers")
            answer = self._call("POST", "/api/comment", form={"api_type": "json", "thing_id": answered,
                                                               "text": message.body})
            _errors(answer, "POST /api/comment")
            things = (((answer or {}).get("json") or {}).get("data") or {}).get("things") or []
            data = things[0].get("data") if things and isinstance(things[0], dict) else None
            if not isinstance(data, dict) or not data.get("name"):
                raise PermanentFailure("Reddit took the comment but returned no id")
            result = SendResult(external_id=str(data["name"]), sent_at=timezone.now(),
                                details={"permalink": data.get("permalink")})
            return ledger.record(self.source, message, result, thread_ref=str(data.get("link_id") or answered))
        raise CannotDo(f"unknown message kind {message.kind!r}")

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return ledger.find(self.source, idempotency_key)

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        return ledger.private_replies(self.source, since)


def _errors(answer: Any, where: str) -> None:
    """Reddit's api_type=json answers say what went wrong in json.errors: [[CODE, text, field], …]."""
    errors = ((answer or {}).get("json") or {}).get("errors") if isinstance(answer, dict) else None
    if not errors:
        return
    codes = [str(e[0]) for e in errors if isinstance(e, list) and e]
    said = "; ".join(" ".join(str(p) for p in e[:2]) for e in errors if isinstance(e, list))[:200]
    if TEMPORARY_ERRORS & set(codes):
        raise TemporaryFailure(f"{where}: Reddit said {said}")
    raise PermanentFailure(f"{where}: Reddit said {said}")


def _children(listing: Any) -> list[dict]:
    if not isinstance(listing, dict):
        return []
    children = (listing.get("data") or {}).get("children") or []
    return [c["data"] for c in children if isinstance(c, dict) and isinstance(c.get("data"), dict)]


def _json(raw: bytes, where: str) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise TemporaryFailure(f"{where}: Reddit answered something that is not JSON") from None


def _at(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError):
        return timezone.now()


def _flag(value: Any) -> bool:
    return str(value).lower() not in ("false", "0", "no", "off")


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []
