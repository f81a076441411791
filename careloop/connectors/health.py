"""A source's health as people see it: when it last worked, and the last error (with when)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from careloop.community.models import Source

MAX_ERROR_CHARS = 500
SUCCESS_RESOLUTION = timedelta(seconds=10)


def record_success(source: Source) -> None:
    """Note that the source works; at most one write per 10 s, so a busy webhook does not queue on it."""
    now = timezone.now()
    last = source.last_success_at
    errored_since = source.last_error_at and (not last or source.last_error_at > last)
    if last and now - last < SUCCESS_RESOLUTION and not errored_since:
        return
    type(source).objects.filter(pk=source.pk).update(last_success_at=now)
    source.last_success_at = now


def record_error(source: Source, message: str) -> None:
    """Keep the last error; `message` must be safe to show (ConnectorError messages are: no secrets, no bodies)."""
    now = timezone.now()
    message = message[:MAX_ERROR_CHARS]
    type(source).objects.filter(pk=source.pk).update(last_error_at=now, last_error=message)
    source.last_error_at, source.last_error = now, message


def describe(source: Source) -> str:
    """One line: ok since …, or failing since … with the error."""
    if source.last_error_at and (not source.last_success_at or source.last_error_at > source.last_success_at):
        return f"failing since {source.last_error_at:%Y-%m-%d %H:%M} UTC: {source.last_error}"
    if source.last_success_at:
        return f"ok (last success {source.last_success_at:%Y-%m-%d %H:%M} UTC)"
    return "not connected yet"
