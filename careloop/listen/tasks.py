"""Background listening: one scoring task per imported batch, chained to the update of the threads it touched
(me too, opening cases, escalation risk); and a sweep for anything a task did not reach."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from careloop.listen.scoring import CHUNK, model_version, score_posts

log = logging.getLogger(__name__)
SWEEP_LIMIT = 50_000


@db_task(retries=3, retry_delay=30)
def score_posts_task(post_ids: list[int]) -> int:
    written = score_posts(post_ids)
    update_threads_task(post_ids)
    return written


@db_task(retries=3, retry_delay=30)
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


@db_periodic_task(crontab(minute="*/5"))
@lock_task("score-backlog")
def score_backlog() -> None:
    """Score posts that no batch task reached: a worker killed mid-task, a queue lost, or new models.

    The posts themselves say what is left to do (no score, or a score from other models), so nothing is
    lost with a task.
    """
    from careloop.community.models import Post

    version = model_version()
    ids = list(
        Post.objects.exclude(model_version=version, scored_at__isnull=False).order_by("id")
        .values_list("id", flat=True)[:SWEEP_LIMIT]
    )
    if ids:
        log.info("scoring %d posts left over", len(ids))
        score_posts(ids)
        for start in range(0, len(ids), CHUNK):
            update_threads_task(ids[start:start + CHUNK])
