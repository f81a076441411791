"""Make, find and revoke personal API tokens (the CLI and the API's authentication call these).

A token looks like `cl_` + 43 URL-safe characters (256 random bits). Only its SHA-256 is stored; the token
is shown once, when it is made. Use counts: `last_used_at` is written at most once a minute per token, so
a busy client does not turn every read into a write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from careloop.api.models import ApiToken

PREFIX = "cl_"
PREFIX_CHARS = 8
TOUCH_EVERY = timedelta(minutes=1)
MAX_TOKEN_CHARS = 200  # anything longer is not one of ours: refused before hashing


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`: the stored row and the token itself (shown once, never stored)."""
    if not user.is_active:
        raise ValueError(f"{user.get_username()} is not an active user")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name.strip()[:100], prefix=token[:PREFIX_CHARS],
                                  digest=digest(token), created_at=timezone.now())
    return row, token


def user_for_token(token: str):
    """The active user this token belongs to, or None."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.startswith(PREFIX):
        return None
    row = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def revoke_token(token_id: int) -> ApiToken:
    """Delete a token by its id; raises ApiToken.DoesNotExist."""
    row = ApiToken.objects.select_related("user").get(pk=token_id)
    row.delete()
    return row
