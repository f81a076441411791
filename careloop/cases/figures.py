"""The case loop's headline figures: open, waiting for the team, resolved, time to private contact, satisfaction.

Each figure is read for the last seven days up to a moment and for the seven days before, so a screen can say
how it moved. The moment is the community's clock (careloop.community.history.data_clock): the wall clock
while a source is live, the newest post when all of it is imported history. Every number is one aggregate
query (or two, for a median: how many, then the middle ones), never a loop over the cases; the web dashboard,
`careloop case figures` and anything else read them from here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, Max, OuterRef, Q
from django.utils import timezone

from careloop.cases.models import OPEN_STATES, Case, CaseEvent, CaseState, OutboxMessage
from careloop.cases.state import REACHED_ANOTHER_WAY
from careloop.community.history import HISTORY_AFTER, data_clock

WEEK = timedelta(days=7)
SATISFIED = 4  # a rating of 4 or 5 counts as satisfied (careloop.cases.satisfaction)


def counted_resolved():
    """Resolved cases that count as the loop working: not those where no message reached the member (each one
    failed) unless the manager recorded how they reached the member another way (careloop.cases.state)."""
    private = OutboxMessage.objects.filter(case=OuterRef("pk"), kind=OutboxMessage.Kind.PRIVATE).order_by()
    unreached = (Exists(private.filter(status__in=(OutboxMessage.Status.FAILED, OutboxMessage.Status.UNSURE)))
                 & ~Exists(private.filter(status=OutboxMessage.Status.SENT))
                 & ~Exists(CaseEvent.objects.filter(case=OuterRef("pk"), details__has_key=REACHED_ANOTHER_WAY)))
    return Case.objects.filter(state=CaseState.RESOLVED).exclude(unreached)


@dataclass(frozen=True)
class Week:
    """One figure for the last seven days and for the seven days before (None: nothing to measure)."""

    now: float | None
    before: float | None

    @property
    def change(self) -> float | None:
        return None if self.now is None or self.before is None else self.now - self.before


@dataclass(frozen=True)
class Headline:
    at: datetime  # the end of "this week"
    history: bool  # True: `at` is the data's newest post (imported history), not the wall clock
    open: Week
    waiting: int  # open cases whose member's latest post has no team answer; no history of it is kept
    longest_wait_hours: float | None
    resolved: Week
    contact_hours: Week  # median hours from opening to the first private message sent, of the week's contacts
    contacts: Week  # how many first contacts the median stands on
    satisfied_share: Week  # share of the week's ratings that are 4 or 5, 0..1
    mean_rating: Week
    ratings: Week

    def as_dict(self) -> dict:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


def clock(wall: datetime | None = None) -> datetime:
    """"Now" for the figures: the wall clock, unless the newest thing in the data — a post, or a change to a case
    — is older than HISTORY_AFTER (imported history, a demo seeded last month): then that newest moment. A live
    loop over imported posts (cases opened and worked today) keeps the wall clock."""
    wall = wall or timezone.now()
    posts = data_clock(wall)
    if posts == wall:
        return wall
    changed = Case.objects.filter(updated_at__lte=wall).aggregate(t=Max("updated_at"))["t"]
    newest = max(posts, changed) if changed else posts
    return wall if wall - newest <= HISTORY_AFTER else newest


def headline(now: datetime | None = None) -> Headline:
    """The dashboard's headline figures for the week up to `now` (default: `clock()`)."""
    wall = timezone.now() if now is None else now
    at = clock(wall) if now is None else now
    week_ago, two_weeks_ago = at - WEEK, at - 2 * WEEK
    waiting = Case.objects.filter(state__in=OPEN_STATES, waiting_since__isnull=False, waiting_since__lte=at)
    oldest = waiting.order_by("waiting_since").values_list("waiting_since", flat=True).first()
    contact = [_median_contact(two_weeks_ago, week_ago), _median_contact(week_ago, at)]
    rated = [_ratings(two_weeks_ago, week_ago), _ratings(week_ago, at)]
    return Headline(
        at=at, history=at != wall, open=Week(_open_at(at), _open_at(week_ago)),
        waiting=waiting.count(),
        longest_wait_hours=round((at - oldest).total_seconds() / 3600, 1) if oldest else None,
        resolved=Week(*(counted_resolved().filter(closed_at__gt=a, closed_at__lte=b).count()
                        for a, b in ((week_ago, at), (two_weeks_ago, week_ago)))),
        contact_hours=Week(contact[1][0], contact[0][0]), contacts=Week(contact[1][1], contact[0][1]),
        satisfied_share=Week(rated[1]["share"], rated[0]["share"]),
        mean_rating=Week(rated[1]["mean"], rated[0]["mean"]), ratings=Week(rated[1]["n"], rated[0]["n"]),
    )


def _open_at(moment: datetime) -> int:
    """Cases open at `moment`: opened by then and not closed by then (a reopened case counts from its reopening
    on: its earlier close is not kept on the case)."""
    return Case.objects.filter(Q(opened_at__lte=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gt=moment))).count()


def _median_contact(start: datetime, end: datetime) -> tuple[float | None, int]:
    """The median hours from opening to the first private contact of the cases first contacted in (start, end],
    and how many they are: a count, then the middle one or two rows in order (no row per case in Python)."""
    took = ExpressionWrapper(F("first_contact_at") - F("opened_at"), output_field=DurationField())
    cases = Case.objects.filter(first_contact_at__gt=start, first_contact_at__lte=end).annotate(took=took)
    n = cases.count()
    if not n:
        return None, 0
    middle = list(cases.order_by("took", "pk").values_list("took", flat=True)[(n - 1) // 2:n // 2 + 1])
    return round(sum(t.total_seconds() for t in middle) / len(middle) / 3600, 1), n


def _ratings(start: datetime, end: datetime) -> dict:
    row = counted_resolved().filter(closed_at__gt=start, closed_at__lte=end, satisfaction__isnull=False).aggregate(
        n=Count("id"), good=Count("id", filter=Q(satisfaction__gte=SATISFIED)), mean=Avg("satisfaction"))
    n = row["n"] or 0
    return {"n": n, "share": round(row["good"] / n, 3) if n else None,
            "mean": round(row["mean"], 2) if n else None}
