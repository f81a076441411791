"""Background listening: one scoring task per imported batch, chained to the update of the threads it touched
(me too, opening cases, escalation risk); and a sweep for anything a task did not reach.

The posts are the record of what is left to do: no score (scored_at null) means scoring, a score but no
judgment (listened_at null) means listening. A task lost with a killed worker or a wiped queue leaves its posts
in that state, and the sweep — every five minutes, and once when a worker starts — does their step again.
Redoing is safe: scoring skips posts already scored by these models, and listening never opens a second case
for a post already on one (careloop/listen/opening.py), in a transaction that marks the posts listened to.

The sweeps share one Huey lock so that two workers never score the same left-overs at once; a worker starting
flushes the locks a killed one left behind (`careloop worker`), so a kill cannot stop the sweep for good.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from careloop.listen.scoring import CHUNK, model_version, score_posts
from careloop.tasks_engine import LISTEN, crontab, lock, on_worker_start, periodic_task, task

log = logging.getLogger(__name__)
SWEEP_LIMIT = 50_000


@task(retries=3, retry_delay=30, queue=LISTEN)
def score_posts_task(post_ids: list[int]) -> int:
    """Score the batch, then listen to its threads in the same run: a second task would wait its turn in the
    queue (and a polling worker's pause) between a post's score and its thread's update. A retry finds the scored
    posts scored (score_posts skips them) and listens to what is left."""
    written = score_posts(post_ids)
    update_threads_task.call_local(post_ids)
    return written


@task(retries=3, retry_delay=30, queue=LISTEN)
def update_threads_task(post_ids: list[int]) -> dict:
    """After scoring: only the threads these posts belong to are recomputed (incremental.update_threads)."""
    from careloop.listen.incremental import update_threads

    outcome = update_threads(post_ids)
    return {"opened": len(outcome.opened), "affected": outcome.affected, "repeats": outcome.repeats,
            "refreshed": outcome.refreshed}


def queue_scoring(new_ids: Sequence[int], changed_ids: Sequence[int]) -> None:
    """Importer's on_batch hook: the batch's new and changed posts become one scoring task (never one per post)."""
    ids = [*new_ids, *changed_ids]
    for start in range(0, len(ids), CHUNK):
        score_posts_task(ids[start:start + CHUNK])


@dataclass(frozen=True)
class Leftovers:
    """What a sweep found left over and did: posts scored, posts listened to again, cases that opened."""

    scored: int = 0
    listened: int = 0
    opened: int = 0


def listening_grace() -> timedelta:
    """How long a scored post may wait for its thread update before the periodic sweep does it itself: its task
    may simply still be in the queue (CARELOOP_LISTEN_GRACE, seconds)."""
    return timedelta(seconds=settings.CARELOOP_LISTEN_GRACE)


def finish_leftovers(*, grace: timedelta | None = None, scored_before: datetime | None = None,
                     limit: int = SWEEP_LIMIT) -> Leftovers:
    """Score the posts no task scored, then listen to the scored posts no thread update reached: scored before
    `scored_before`, or longer than `grace` ago (default listening_grace()); dated up to now (a post of the
    future waits for its time)."""
    from careloop.community.models import Post
    from careloop.listen.incremental import update_threads

    version = model_version()
    unscored = list(
        Post.objects.exclude(model_version=version, scored_at__isnull=False).order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    scored = 0
    if unscored:
        log.info("scoring %d posts left over", len(unscored))
        scored = score_posts(unscored)
    now = timezone.now()
    waited = scored_before or now - (listening_grace() if grace is None else grace)
    unlistened = list(
        Post.objects.filter(scored_at__isnull=False, scored_at__lte=waited, listened_at__isnull=True,
                            created_at__lte=now).order_by("id").values_list("id", flat=True)[:limit]
    )
    # The posts just scored here have no thread update queued for them: this sweep is theirs.
    todo = sorted(set(unlistened) | set(unscored))
    opened = 0
    if unlistened:
        log.info("listening to %d scored posts no thread update reached", len(unlistened))
    for chunk in whole_threads(todo):
        opened += len(update_threads(chunk).opened)
    return Leftovers(scored=scored, listened=len(unlistened), opened=opened)


def whole_threads(post_ids: Sequence[int], size: int = CHUNK) -> list[list[int]]:
    """The posts in chunks of about `size` that never split a thread: a thread's left-over posts are listened to
    together, as their own batch would have been."""
    from careloop.community.models import Post

    rows: list[tuple[int, int]] = []
    for start in range(0, len(post_ids), CHUNK):
        rows += Post.objects.filter(id__in=post_ids[start:start + CHUNK]).values_list("thread_id", "id")
    chunks: list[list[int]] = []
    current: list[int] = []
    last_thread = None
    for thread_id, post_id in sorted(rows):
        if thread_id != last_thread and len(current) >= size:
            chunks.append(current)
            current = []
        current.append(post_id)
        last_thread = thread_id
    return [*chunks, current] if current else chunks


@task(queue=LISTEN)
@lock("score-backlog")
def leftovers_task(scored_before: str | None = None) -> dict:
    found = finish_leftovers(scored_before=datetime.fromisoformat(scored_before) if scored_before else None)
    return {"scored": found.scored, "listened": found.listened, "opened": found.opened}


@periodic_task(crontab(minute="*/5"))
@lock("score-backlog")
def score_backlog() -> None:
    """Score and listen to posts that no batch task reached: a worker killed mid-task, a queue lost, or new
    models. The posts themselves say what is left to do, so nothing is lost with a task."""
    finish_leftovers()


_started = threading.Lock()
_once: list[bool] = []


@on_worker_start
def leftovers_at_start() -> None:
    """A starting worker queues one sweep, behind whatever tasks survived in the queue, for the posts scored
    before it started that no thread update reached (a killed worker's batch) — without waiting for the grace.
    Posts scored after it started have their thread update queued behind their scoring."""
    with _started:  # once per worker process, not once per worker thread
        if _once:
            return
        _once.append(True)
    from django.db import close_old_connections

    close_old_connections()
    try:
        leftovers_task(timezone.now().isoformat())
    except Exception:  # noqa: BLE001 - a worker starts even when the queue refuses this one task
        log.exception("could not queue the sweep of left-over posts at start")
