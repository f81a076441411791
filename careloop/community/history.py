"""Imported history runs on its own clock.

A source whose newest post is older than HISTORY_AFTER is history (an import of last year's threads, a platform
that went quiet): "now" for it is its newest post, so waiting times, service levels and "left unanswered" read as
they did when the data ends, not as years measured against today. A live source's clock is the wall clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Max

from careloop.community.models import Post

HISTORY_AFTER = timedelta(days=7)


def source_clock(source_id: int, now: datetime) -> datetime:
    """`now` for a live source; the time of its newest post when the source is history."""
    return source_clocks([source_id], now)[source_id]


def source_clocks(source_ids, now: datetime) -> dict[int, datetime]:
    """source_clock() of several sources in one query."""
    newest = dict(Post.objects.filter(source_id__in=list(source_ids), created_at__lte=now).values("source_id")
                  .annotate(t=Max("created_at")).values_list("source_id", "t"))
    return {sid: (t if t is not None and now - t > HISTORY_AFTER else now) for sid, t in
            ((sid, newest.get(sid)) for sid in source_ids)}


def data_clock(now: datetime) -> datetime:
    """`now` for the whole community: the wall clock while any source is live, the newest post when every source
    is history (so a dashboard of imported history shows its last week, not an empty one). One index read."""
    newest = (Post.objects.filter(created_at__lte=now).order_by("-created_at").values_list("created_at", flat=True)
              .first())
    return newest if newest is not None and now - newest > HISTORY_AFTER else now
