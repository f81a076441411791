"""Polling the connector kinds that declare Receiving.POLL (Matrix /sync), with backoff and health on the Source.

Which kinds are polled is each connector's declaration (`receives`, careloop/connectors/base.py), never a list
kept here. Webhook kinds (Discourse, the generic webhook) need no task: they post to /hooks/.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.utils import timezone

from careloop.community.ingest import ImportResult
from careloop.community.models import Source
from careloop.connectors.base import ConnectorError, Polled, Receiving, connector_for, kinds_receiving, receiving
from careloop.connectors.health import record_error, record_success
from careloop.connectors.http import with_backoff
from careloop.connectors.ingest import ingest_posts
from careloop.connectors.models import SyncState
from careloop.tasks_engine import crontab, lock, periodic_task

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
SYNCED = frozenset({Receiving.POLL, Receiving.STREAM})  # the ways of receiving that offer sync_once()


def backoff_after(failures: int) -> timedelta:
    """1, 2, 4, … minutes after each failure in a row, at most an hour."""
    return min(timedelta(minutes=2 ** max(failures - 1, 0)), MAX_BACKOFF)


def sync_source(source: Source, *, timeout_ms: int = 0, attempts: int = 3) -> ImportResult:
    """One poll of one source of a kind that declares POLL or STREAM (timeout_ms > 0: a long-poll): new posts
    through the ingest entry point (scoring queued), cursor kept, health recorded.

    A platform that is down is retried in hand a few times, then the source backs off (SyncState.retry_at)
    and says so on its health. The cursor moves only after the import, so nothing is lost.
    """
    state, _ = SyncState.objects.get_or_create(source=source)
    now = timezone.now()
    try:
        if not receiving(source.kind) & SYNCED:
            raise ConnectorError(f"source {source.name!r} ({source.kind}) is not polled: "
                                 f"{describe_receiving(source.kind)}")
        connector = cast(Polled, connector_for(source))  # it declares POLL or STREAM: it offers sync_once()
        records, cursor = with_backoff(lambda: connector.sync_once(timeout_ms), attempts=attempts)
        result = ingest_posts(source.name, records, origin=f"{source.kind} sync")
    except ConnectorError as exc:
        failures = state.failures + 1
        SyncState.objects.filter(pk=state.pk).update(failures=failures, retry_at=now + backoff_after(failures),
                                                     last_run_at=now)
        record_error(source, str(exc))
        log.warning("source %s: sync failed (%d in a row): %s", source.name, failures, exc)
        raise
    SyncState.objects.filter(pk=state.pk).update(cursor=cursor or state.cursor, failures=0, retry_at=None,
                                                 last_run_at=now)
    record_success(source)
    if result.failed:
        log.warning("source %s: %d post(s) could not be imported: %s", source.name, result.failed,
                    "; ".join(str(e) for e in result.errors[:5]))
    return result


def sync_due_sources(now: datetime | None = None) -> dict[str, str]:
    """Poll every enabled source of a kind that declares Receiving.POLL and is not backing off; what happened to
    each, by name."""
    now = now or timezone.now()
    outcome: dict[str, str] = {}
    for source in Source.objects.filter(enabled=True, kind__in=kinds_receiving(Receiving.POLL)).order_by("name"):
        retry_at = SyncState.objects.filter(source=source).values_list("retry_at", flat=True).first()
        if retry_at and retry_at > now:
            outcome[source.name] = f"backing off until {retry_at:%H:%M:%S}"
            continue
        try:
            result = sync_source(source, timeout_ms=settings.CARELOOP_SYNC_TIMEOUT_MS)
            outcome[source.name] = result.summary()
        except ConnectorError as exc:
            outcome[source.name] = f"failed: {exc}"
    return outcome


def describe_receiving(kind: str) -> str:
    """How posts of this kind come in, in words (for a refusal)."""
    ways = {Receiving.POLL: "polled", Receiving.STREAM: "streamed", Receiving.WEBHOOK: "sent to careloop by webhook",
            Receiving.IMPORT: "imported with `careloop import`"}
    said = [ways[way] for way in Receiving if way in receiving(kind)]
    return f"its posts are {' or '.join(said)}" if said else "no posts come in from it"


@periodic_task(crontab(minute="*"))
@lock("connectors-sync")
def sync_sources_task() -> None:
    sync_due_sources()
