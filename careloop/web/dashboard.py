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
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncDate
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from careloop.cases import figures
from careloop.cases.figures import Week
from careloop.cases.figures import counted_resolved as _resolved
from careloop.cases.models import Case
from careloop.community.models import Post
from careloop.web.queue import hours as duration

CACHE_SECONDS = 300


def charts(days: int = 60, now: datetime | None = None, use_cache: bool = True) -> list[dict[str, Any]]:
    """The charts of the last `days` days up to `now` (default: the figures' clock, careloop.cases.figures.clock:
    the data's own when it is imported history). The last day, and the last week of the weekly charts, are not
    over yet: each such chart says which point is partial (`partial`, an index) and the page draws it apart."""
    key = f"careloop-dashboard-{days}-{get_language()}"
    use_cache = use_cache and now is None  # a chosen moment is neither read from nor kept in the cache
    if use_cache and (hit := cache.get(key)) is not None:
        return hit
    now = now or figures.clock()
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
        _mark_partial(chart, start, now)
    if use_cache:
        cache.set(key, result, CACHE_SECONDS)
    return result


DAILY = ("cases", "negative", "toxicity", "members")
WEEKLY = ("first-contact", "resolution", "satisfaction")


def _mark_partial(chart: dict[str, Any], start: datetime, now: datetime) -> None:
    """The point of a day or week not over at `now`: its index in `partial`, and a note saying so."""
    chart["partial"] = None
    if chart["id"] in DAILY and chart["labels"] and now != now.replace(hour=0, minute=0, second=0, microsecond=0):
        chart["partial"] = len(chart["labels"]) - 1
        chart["partial_note"] = _("%(day)s is not over yet: it is drawn lighter, its numbers are so far.") % {
            "day": _day(chart["labels"][-1])}
    elif chart["id"] in WEEKLY and chart["labels"] and start + timedelta(weeks=len(chart["labels"])) > now:
        chart["partial"] = len(chart["labels"]) - 1
        chart["partial_note"] = _("The week from %(day)s is not over yet: it is drawn lighter.") % {
            "day": _day(chart["labels"][-1])}


def _day(iso: str) -> str:
    """'2026-12-03' in the reader's language: 'Dec. 3, 2026', '3. Dezember 2026'."""
    return date_format(date.fromisoformat(iso), "DATE_FORMAT")


def daily_table(days: int = 60, now: datetime | None = None, use_cache: bool = True) -> tuple[list[str], list[list]]:
    """The daily figures behind the charts, one row a day (the CSV export): the header and the rows. Column
    names are fixed English words, for spreadsheets and scripts, whatever the reader's language."""
    by_id = {c["id"]: c for c in charts(days, now=now, use_cache=use_cache)}
    cases, members = by_id["cases"], by_id["members"]
    header = ["date", "partial_day", "open_cases", "cases_opened", "cases_resolved", "active_members"]
    columns = [d["data"] for d in cases["datasets"]] + [members["datasets"][0]["data"]]
    for chart_id, name in (("negative", "negative_posts_pct"), ("toxicity", "toxicity_mean")):
        for d in by_id[chart_id]["datasets"]:
            header.append(f"{name}:{d['label']}")
            columns.append(d["data"])
    rows = [[label, "yes" if i == cases["partial"] else "no", *("" if col[i] is None else col[i] for col in columns)]
            for i, label in enumerate(cases["labels"])]
    return header, rows


def headline(use_cache: bool = True, now: datetime | None = None) -> dict[str, Any]:
    """The headline figures (careloop.cases.figures.headline) in words: each with how it moved against the week
    before, an arrow and whether that is better or worse."""
    key = f"careloop-headline-{get_language()}"
    use_cache = use_cache and now is None
    if use_cache and (hit := cache.get(key)) is not None:
        return hit
    h = figures.headline(now)
    one = lambda x: number_format(x, 1)  # noqa: E731
    share = h.satisfied_share.now
    cards = [
        {"id": "open", "label": _("Open cases"), "value": str(h.open.now),
         **_moved(h.open, up_is_good=False, words=_count_words)},
        {"id": "waiting", "label": _("Waiting for the team"), "value": str(h.waiting),
         "note": (_("longest waiting %(t)s") % {"t": duration(timedelta(hours=h.longest_wait_hours))}
                  if h.longest_wait_hours is not None else _("nobody is waiting")),
         "change": _("the member's latest post has no answer from the team"), "trend": "", "verdict": ""},
        {"id": "resolved", "label": _("Resolved this week"), "value": str(h.resolved.now),
         **_moved(h.resolved, up_is_good=True, words=_count_words)},
        {"id": "contact", "label": _("Median time to private contact"),
         "value": _("%(n)s h") % {"n": one(h.contact_hours.now)} if h.contact_hours.now is not None else "–",
         "note": (ngettext("of %(n)d case contacted this week", "of %(n)d cases contacted this week",
                           h.contacts.now) % {"n": h.contacts.now})
                 if h.contacts.now else _("no first contact this week"),
         **_moved(h.contact_hours, up_is_good=False, words=_hours_words)},
        {"id": "satisfaction", "label": _("Satisfied members"),
         "value": f"{round(100 * share)} %" if share is not None else "–",
         "note": (ngettext("mean rating %(m)s of 5, %(n)d rating this week",
                           "mean rating %(m)s of 5, %(n)d ratings this week", h.ratings.now)
                  % {"m": one(h.mean_rating.now), "n": h.ratings.now}) if h.ratings.now else _("no ratings this week"),
         **_moved(Week(None if share is None else round(100 * share),
                       None if h.satisfied_share.before is None else round(100 * h.satisfied_share.before)),
                  up_is_good=True, words=_points_words)},
    ]
    result = {"cards": cards, "history": h.history, "at": h.at,
              "since": h.at - figures.WEEK}
    if use_cache:
        cache.set(key, result, CACHE_SECONDS)
    return result


def _moved(week: Week, *, up_is_good: bool, words) -> dict[str, str]:
    """How a figure moved against the week before: the words, an arrow ('up', 'down', 'same') and a verdict."""
    if week.change is None:
        return {"change": _("nothing to compare with the week before"), "trend": "", "verdict": ""}
    if abs(week.change) < 0.05:
        return {"change": _("the same as the week before"), "trend": "same", "verdict": ""}
    up = week.change > 0
    return {"change": words(abs(week.change), up), "trend": "up" if up else "down",
            "verdict": "better" if up == up_is_good else "worse"}


def _count_words(n: float, up: bool) -> str:
    n = int(n)
    return (_("%(n)d more than the week before") if up else _("%(n)d fewer than the week before")) % {"n": n}


def _hours_words(h: float, up: bool) -> str:
    if up:
        return _("%(n)s h slower than the week before") % {"n": number_format(h, 1)}
    return _("%(n)s h faster than the week before") % {"n": number_format(h, 1)}


def _points_words(n: float, up: bool) -> str:
    n = int(n)
    if up:
        return ngettext("%(n)d point more than the week before", "%(n)d points more than the week before", n) % {"n": n}
    return ngettext("%(n)d point fewer than the week before", "%(n)d points fewer than the week before", n) % {"n": n}


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
    from careloop.cases import service_levels as sla

    rows, in_force = [], sla.levels()
    for label, variable, (name, key), source_key in SERVICE_LEVELS:
        value = getattr(settings, name, None)
        if key is not None:
            value = in_force.get(key)  # the settings page's value, else CARELOOP_SERVICE_LEVELS
        if value is None:
            continue
        rows.append({"label": label, "value": duration_in_words(float(value)), "variable": variable,
                     "source_key": source_key, "on_page": key is not None and sla.origin(key) == "page",
                     "editable": key is not None})
    return rows
