"""Imported history runs on its own clock.

A source whose newest post is older than HISTORY_AFTER is history (an import of last year's threads, a platform
that went quiet): "now" for it is its newest post, so waiting times, service levels and "left unanswered" read as
they did when the data ends, not as years measured against today. A live source's clock is the wall clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F

from careloop.community.models import Post

HISTORY_AFTER = timedelta(days=7)


def source_clock(source_id: int, now: datetime) -> datetime:
    """`now` for a live source; the time of its newest post when the source is history."""
    return source_clocks([source_id], now)[source_id]


def source_clocks(source_ids, now: datetime) -> dict[int, datetime]:
    """source_clock() of several sources: one query per source (they are few), each walking the posts' time index
    from `now` back to the source's newest post.

    Not MAX(created_at) grouped by source: no index has (source, time), so the database read every post of the
    sources for it (1.3 s per queue page with 1,000,000 posts, bench/ui.py). `source_id + 0` keeps the planner off
    the (source, external id) index, which would read them all as well; the walk stops at the first post of the
    source, at once for a live source, after the newer posts of the others for a quiet one."""
    newest = {}
    for sid in source_ids:
        newest[sid] = (Post.objects.alias(src=F("source_id") + 0).filter(src=sid, created_at__lte=now)
                       .order_by("-created_at").values_list("created_at", flat=True).first())
    return {sid: (t if t is not None and now - t > HISTORY_AFTER else now) for sid, t in newest.items()}


def data_clock(now: datetime) -> datetime:
    """`now` for the whole community: the wall clock while any source is live, the newest post when every source
    is history (so a dashboard of imported history shows its last week, not an empty one). One index read."""
    newest = (Post.objects.filter(created_at__lte=now).order_by("-created_at").values_list("created_at", flat=True)
              .first())
    return newest if newest is not None and now - newest > HISTORY_AFTER else now
