"""The dashboard's numbers: is the loop working, is the community getting healthier?

Each chart is a dict the template hands to Chart.js as JSON (labels, datasets). The sums over posts read
the whole window, so the result is cached for a few minutes: a dashboard need not be live to the second.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from careloop.cases.models import Case, CaseEvent, CaseState, OutboxMessage
from careloop.cases.state import REACHED_ANOTHER_WAY
from careloop.community.models import Post

CACHE_SECONDS = 300


def _resolved():
    """Resolved cases that count as the loop working: not those where no message reached the member (each one
    failed) unless the manager recorded how they reached the member another way (careloop.cases.state)."""
    private = OutboxMessage.objects.filter(case=OuterRef("pk"), kind=OutboxMessage.Kind.PRIVATE).order_by()
    unreached = (Exists(private.filter(status__in=(OutboxMessage.Status.FAILED, OutboxMessage.Status.UNSURE)))
                 & ~Exists(private.filter(status=OutboxMessage.Status.SENT))
                 & ~Exists(CaseEvent.objects.filter(case=OuterRef("pk"), details__has_key=REACHED_ANOTHER_WAY)))
    return Case.objects.filter(state=CaseState.RESOLVED).exclude(unreached)


def charts(days: int = 60, now: datetime | None = None, use_cache: bool = True) -> list[dict[str, Any]]:
    key = f"careloop-dashboard-{days}-{get_language()}"
    if use_cache and now is None and (hit := cache.get(key)) is not None:
        return hit
    now = now or timezone.now()
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    day_list = [(start + timedelta(days=i)).date() for i in range(days + 1)]
    result = [
        _open_and_resolved(start, day_list),
        _weekly_hours("first-contact", _("Time to first private contact (median hours, by week opened)"),
                      Case.objects.filter(opened_at__gte=start, first_contact_at__isnull=False)
                      .values_list("opened_at", "first_contact_at"), start, now),
        _weekly_hours("resolution", _("Time to resolution (median hours, by week resolved)"),
                      _resolved().filter(closed_at__gte=start)
                      .values_list("opened_at", "closed_at"), start, now, by_end=True),
        _loops(start),
        _satisfaction(start, now),
        *_posts_per_source(start, day_list),
        _active_members(start, day_list),
    ]
    for chart in result:
        chart["empty"] = not any(v for d in chart["datasets"] for v in d["data"])
    if use_cache:
        cache.set(key, result, CACHE_SECONDS)
    return result


def _labels(day_list: list[date]) -> list[str]:
    return [d.isoformat() for d in day_list]


def _open_and_resolved(start: datetime, day_list: list[date]) -> dict[str, Any]:
    opened = Counter(d for d in Case.objects.filter(opened_at__gte=start).annotate(d=TruncDate("opened_at"))
                     .values_list("d", flat=True))
    resolved = Counter(d for d in _resolved().filter(closed_at__gte=start)
                       .annotate(d=TruncDate("closed_at")).values_list("d", flat=True))
    closed = Counter(d for d in Case.objects.filter(closed_at__gte=start).annotate(d=TruncDate("closed_at"))
                     .values_list("d", flat=True))
    still_open = Case.objects.filter(Q(opened_at__lt=start) & (Q(closed_at__isnull=True) | Q(closed_at__gte=start)))
    level = still_open.count()
    open_series = []
    for d in day_list:
        level += opened[d] - closed[d]
        open_series.append(level)
    return {
        "id": "cases", "type": "line", "title": _("Open and resolved cases"), "labels": _labels(day_list),
        "datasets": [
            {"label": _("open"), "data": open_series},
            {"label": _("opened that day"), "data": [opened[d] for d in day_list]},
            {"label": _("resolved that day"), "data": [resolved[d] for d in day_list]},
        ],
    }


def _week(d: datetime, start: datetime) -> int:
    return max(0, (d - start).days // 7)


def _weekly_hours(chart_id: str, title: str, pairs, start: datetime, now: datetime,
                  by_end: bool = False) -> dict[str, Any]:
    weeks: dict[int, list[float]] = defaultdict(list)
    for begin, end in pairs:
        weeks[_week(end if by_end else begin, start)].append((end - begin).total_seconds() / 3600)
    n_weeks = (now - start).days // 7 + 1
    return {
        "id": chart_id, "type": "bar", "title": title, "count_label": _("cases"),
        "labels": [(start + timedelta(weeks=w)).date().isoformat() for w in range(n_weeks)],
        "datasets": [{"label": _("hours"), "data": [round(median(weeks[w]), 1) if weeks[w] else None
                                                     for w in range(n_weeks)],
                      "counts": [len(weeks[w]) for w in range(n_weeks)]}],
    }


def _loops(start: datetime) -> dict[str, Any]:
    counts = Counter(_resolved().filter(closed_at__gte=start).values_list("loop_count", flat=True))
    top = max(counts, default=0)
    return {
        "id": "loops", "type": "bar", "title": _("Follow-up loops per resolved case"),
        "labels": [str(n) for n in range(top + 1)],
        "datasets": [{"label": _("cases"), "data": [counts[n] for n in range(top + 1)]}],
    }


def _satisfaction(start: datetime, now: datetime) -> dict[str, Any]:
    weeks: dict[int, list[int]] = defaultdict(list)
    for closed, rating in _resolved().filter(closed_at__gte=start, satisfaction__isnull=False) \
            .values_list("closed_at", "satisfaction"):
        weeks[_week(closed, start)].append(rating)
    n_weeks = (now - start).days // 7 + 1
    return {
        "id": "satisfaction", "type": "line", "title": _("Satisfied members (rating 4 or 5), by week"),
        "count_label": _("ratings"),
        "labels": [(start + timedelta(weeks=w)).date().isoformat() for w in range(n_weeks)],
        "datasets": [{"label": "%", "data": [round(100 * sum(r >= 4 for r in weeks[w]) / len(weeks[w]))
                                             if weeks[w] else None for w in range(n_weeks)],
                      "counts": [len(weeks[w]) for w in range(n_weeks)]}],
    }


def _posts_per_source(start: datetime, day_list: list[date]) -> list[dict[str, Any]]:
    rows = (
        Post.objects.filter(created_at__gte=start, scored_at__isnull=False)
        .annotate(d=TruncDate("created_at")).values("source__name", "d")
        .annotate(n=Count("id"), tox=Avg("toxicity"), neg=Count("id", filter=Q(sentiment="negative")))
        .order_by()
    )
    tox: dict[str, dict[date, float]] = defaultdict(dict)
    neg: dict[str, dict[date, float]] = defaultdict(dict)
    for r in rows:
        tox[r["source__name"]][r["d"]] = round(r["tox"] or 0.0, 3)
        neg[r["source__name"]][r["d"]] = round(100 * r["neg"] / r["n"], 1) if r["n"] else 0.0
    return [
        {"id": "negative", "type": "line", "title": _("Negative posts per source (% of the day's posts)"),
         "labels": _labels(day_list),
         "datasets": [{"label": s, "data": [neg[s].get(d) for d in day_list]} for s in sorted(neg)]},
        {"id": "toxicity", "type": "line", "title": _("Toxicity per source (mean score of the day's posts)"),
         "labels": _labels(day_list),
         "datasets": [{"label": s, "data": [tox[s].get(d) for d in day_list]} for s in sorted(tox)]},
    ]


def _active_members(start: datetime, day_list: list[date]) -> dict[str, Any]:
    per_day = dict(
        Post.objects.filter(created_at__gte=start).annotate(d=TruncDate("created_at")).values("d")
        .annotate(n=Count("author", distinct=True)).order_by().values_list("d", "n")
    )
    return {
        "id": "members", "type": "line", "title": _("Active members per day"), "labels": _labels(day_list),
        "datasets": [{"label": _("members who posted"), "data": [per_day.get(d, 0) for d in day_list]}],
    }


SERVICE_LEVELS = (  # what each service level is for, the variable that sets it, the key a source overrides it with
    (gettext_lazy("First private contact after a case opens, at most"), "CARELOOP_SLA_FIRST_CONTACT",
     ("CARELOOP_SERVICE_LEVELS", "first_contact_hours"), "service_levels.first_contact_hours"),
    (gettext_lazy("Follow-up question after the action is done, at most"), "CARELOOP_SLA_FOLLOW_UP",
     ("CARELOOP_SERVICE_LEVELS", "follow_up_hours"), "service_levels.follow_up_hours"),
    (gettext_lazy("Follow-up scheduled after “Mark as done”"), "CARELOOP_FOLLOW_UP_AFTER",
     ("CARELOOP_FOLLOW_UP_AFTER", None), "follow_up_after_hours"),
    (gettext_lazy("Wait for the member's answer before a reminder, then before overdue"), "CARELOOP_REPLY_WAIT",
     ("CARELOOP_REPLY_WAIT", None), ""),
    (gettext_lazy("The same complaint again within this reopens the resolved case"), "CARELOOP_REOPEN_WINDOW",
     ("CARELOOP_REOPEN_WINDOW", None), ""),
)


def duration_in_words(hours: float) -> str:
    """48 -> '48 hours (2 days)', 1.5 -> '1.5 hours': a service level with its unit."""
    text = ngettext("%(n)s hour", "%(n)s hours", 1 if hours == 1 else 2) % {"n": f"{hours:g}"}
    if hours >= 24 and hours % 24 == 0:
        days = int(hours // 24)
        text += " (" + ngettext("%(n)d day", "%(n)d days", days) % {"n": days} + ")"
    return text


def service_levels() -> list[dict]:
    """The case loop's service levels as they are in force: what each is for, how long, where it is set."""
    rows = []
    for label, variable, (name, key), source_key in SERVICE_LEVELS:
        value = getattr(settings, name, None)
        if key is not None:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        rows.append({"label": label, "value": duration_in_words(float(value)), "variable": variable,
                     "source_key": source_key})
    return rows
