"""Make, find and revoke personal API tokens (the CLI and the API's authentication call these).

A token looks like `cl_` + 43 URL-safe characters (256 random bits). Only its SHA-256 is stored; the token
is shown once, when it is made. Use counts: `last_used_at` is written at most once a minute per token, so
a busy client does not turn every read into a write.

The guards (docs/api.md, "Limits"):
- expiry: a token made now expires after CARELOOP_API_TOKEN_DAYS days (default 90) unless told otherwise;
  tokens made before expiry existed have none and keep working. An expired token is a 401 naming when.
- read-only: such a token may GET (and HEAD); anything else is a 403, whatever its user's role.
- rate: at most CARELOOP_API_RATE_PER_MINUTE requests (default 600; 0 = no limit) per token per clock minute,
  counted in the token's row (one UPDATE per request), so the count holds across the web server's threads and
  across several web processes on one database. The next request is a 429 with Retry-After.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import sqlite3
import time
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from careloop.api.models import ApiToken

PREFIX = "cl_"
PREFIX_CHARS = 8
TOUCH_EVERY = timedelta(minutes=1)
MAX_TOKEN_CHARS = 200  # anything longer is not one of ours: refused before hashing
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def default_token_days() -> float:
    """Days a new token lasts when the maker does not say (CARELOOP_API_TOKEN_DAYS; 0: tokens never expire)."""
    return float(settings.CARELOOP_API_TOKEN_DAYS)


def rate_per_minute() -> int:
    """Requests one token may make per clock minute (CARELOOP_API_RATE_PER_MINUTE; 0: no limit)."""
    return int(settings.CARELOOP_API_RATE_PER_MINUTE)


class TokenRefused(Exception):
    """The token cannot be used: `status` (401 or 403) and why, in words; `extra` goes into the JSON answer."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


class RateLimited(Exception):
    """Too many requests with this token in this minute: wait `retry_after` seconds."""

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(f"more than {limit} requests in a minute with this token")
        self.limit, self.retry_after = limit, retry_after


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


_DEFAULT = object()


def create_token(user, name: str = "", *, expires_in_days: float | None | object = _DEFAULT,
                 read_only: bool = False) -> tuple[ApiToken, str]:
    """A new token for `user`: the stored row and the token itself (shown once, never stored).

    `expires_in_days`: how long it lasts (default: CARELOOP_API_TOKEN_DAYS); None or 0: it never expires.
    `read_only`: it may only read (GET), whatever the user's role.
    """
    if not user.is_active:
        raise ValueError(f"{user.get_username()} is not an active user")
    days = default_token_days() if expires_in_days is _DEFAULT else expires_in_days
    if days is not None and (not isinstance(days, int | float) or days < 0 or days > 100 * 365):
        raise ValueError(f"the expiry must be between 0 (never) and {100 * 365} days, not {days!r}")
    now = timezone.now()
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name.strip()[:100], prefix=token[:PREFIX_CHARS],
                                  digest=digest(token), created_at=now,
                                  expires_at=now + timedelta(days=days) if days else None,
                                  read_only=bool(read_only))
    return row, token


def token_row(token: str, method: str = "GET") -> ApiToken:
    """The token's row (with its user) if it may make a `method` request now; else TokenRefused (401: unknown,
    revoked, inactive user, expired; 403: a write with a read-only token). Records its use."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.startswith(PREFIX):
        raise TokenRefused(401, "the token is not valid (unknown, revoked, or its user is inactive)")
    row = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
    if row is None or not row.user.is_active:
        raise TokenRefused(401, "the token is not valid (unknown, revoked, or its user is inactive)")
    now = timezone.now()
    if row.expires_at is not None and row.expires_at <= now:
        when = row.expires_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        raise TokenRefused(401, f"the token expired at {when} (token {row.pk}, {row.prefix}…); make a new one: "
                                f"careloop api token create {row.user.get_username()}", expired_at=when)
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    if row.read_only and method.upper() not in READ_METHODS:
        raise TokenRefused(403, f"the token is read-only: it may only read (GET), not {method.upper()}; "
                                "make a token without --read-only to change anything", read_only=True)
    return row


def user_for_token(token: str):
    """The active user this token belongs to if it has not expired, or None."""
    try:
        return token_row(token).user
    except TokenRefused:
        return None


def _clock() -> float:
    return time.time()


def count_request(row: ApiToken) -> None:
    """Count one request with this token in the current clock minute; RateLimited when it is over the limit.

    One atomic UPDATE of the token's row (_count_in): the database serialises them, so every thread and every
    process sharing the database counts into the same number. The window
    is the clock minute (a fixed window: a client may squeeze up to twice the limit into the seconds around a
    minute's turn). Refused requests count too.
    """
    limit = rate_per_minute()
    if limit <= 0:
        return
    now = _clock()
    minute = int(now // 60)
    count = _count_in(row.pk, minute)
    if count > limit:
        raise RateLimited(limit, max(1, math.ceil((minute + 1) * 60 - now)))


def revoke_token(token_id: int) -> ApiToken:
    """Delete a token by its id; raises ApiToken.DoesNotExist."""
    row = ApiToken.objects.select_related("user").get(pk=token_id)
    row.delete()
    return row


def _count_in(pk: int, minute: int) -> int:
    """Add one to the token's count for `minute` (starting again at 1 in a new minute) and return the count.

    PostgreSQL and SQLite (3.35 and later) do it in one statement (UPDATE … RETURNING, atomic by itself); any
    other database in a transaction of an UPDATE and a SELECT, which the row's lock serialises just as well.
    """
    if connection.vendor == "postgresql" or connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35):
        table = connection.ops.quote_name(ApiToken._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET rate_count = CASE WHEN rate_minute = %s THEN rate_count + 1 "
                           "ELSE 1 END, rate_minute = %s WHERE id = %s RETURNING rate_count", [minute, minute, pk])
            found = cursor.fetchone()
        return int(found[0]) if found else 0
    with transaction.atomic():
        ApiToken.objects.filter(pk=pk).update(
            rate_count=Case(When(rate_minute=minute, then=F("rate_count") + 1), default=Value(1)),
            rate_minute=minute)
        return ApiToken.objects.filter(pk=pk).values_list("rate_count", flat=True).first() or 0
