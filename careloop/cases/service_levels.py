"""Service levels: how long a case may wait for each step, and how much of that time is left.

Which value is in force, most specific first:

1. a source's own settings JSON (``"service_levels": {"first_contact_hours": 4}``), for that source's cases;
2. the value set on the settings page (a ServiceLevel row; managers and admins, roles.Action.SERVICE_LEVELS);
3. CARELOOP_SERVICE_LEVELS (the environment: CARELOOP_SLA_FIRST_CONTACT, CARELOOP_SLA_FOLLOW_UP), the default
   while nothing is set on the page.

- `levels(source=None)`: the levels in force (for a source, or for the whole community).
- `timer(case, now, clock=None)`: the running service level of a case (`Timer`: which one, when it is due, how
  much is left or how late it is, ok / soon / late), or None when no service level runs for the case now.
  follow_up.lateness() (the sweep that flags overdue cases) asks the same function, so the queue's row and
  the overdue flag never disagree.

Imported history runs on its own clock (careloop.community.history): `clock` is the case's source clock. A
start stamped after that clock (the team acted in real time on old data) is measured on the wall clock `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from careloop.cases.models import Case, CaseEvent, CaseState, ServiceLevel

FIRST_CONTACT = "first_contact_hours"  # first private contact after the case opens
FOLLOW_UP = "follow_up_hours"  # the follow-up question after the action is done
NAMES = (FIRST_CONTACT, FOLLOW_UP)
MIN_HOURS, MAX_HOURS = 0.25, 24 * 90  # 15 minutes … 90 days: what the settings page accepts
SOON = 0.25  # a timer with less than a quarter of its service level left is "soon"
CACHE_KEY, CACHE_SECONDS = "careloop-service-levels", 30  # every process sees a change within 30 s


def defaults() -> dict[str, float]:
    """CARELOOP_SERVICE_LEVELS: what is in force while nothing is set on the settings page."""
    return {name: float(hours) for name, hours in dict(settings.CARELOOP_SERVICE_LEVELS).items()}


def stored() -> dict[str, float]:
    """The values set on the settings page (cached briefly: the queue asks for every row)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = dict(ServiceLevel.objects.values_list("name", "hours"))
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def levels(source: Any = None) -> dict[str, float]:
    """The service levels in force, in hours: the source's own, else the settings page's, else the default."""
    found = defaults()
    found.update(stored())
    if source is not None:
        found.update({k: float(v) for k, v in ((source.settings or {}).get("service_levels") or {}).items()})
    return found


def origin(name: str) -> str:
    """Where the community-wide value of a level comes from: "page" (set on the settings page) or "default"."""
    return "page" if name in stored() else "default"


def save(user: Any, hours: dict[str, float | None]) -> None:
    """Set the levels from the settings page; None puts a level back to its default (CARELOOP_SERVICE_LEVELS)."""
    for name, value in hours.items():
        if name not in NAMES:
            raise ValueError(f"no service level named {name!r}")
        if value is None:
            ServiceLevel.objects.filter(name=name).delete()
        else:
            ServiceLevel.objects.update_or_create(name=name, defaults={"hours": float(value), "updated_by": user})
    cache.delete(CACHE_KEY)


@dataclass(frozen=True)
class Timer:
    """One running service level of a case."""

    level: str  # FIRST_CONTACT or FOLLOW_UP
    hours: float  # the service level
    started_at: datetime
    due_at: datetime
    left: timedelta  # negative: that late

    @property
    def late(self) -> bool:
        return self.left < timedelta(0)

    @property
    def status(self) -> str:
        """"late", "soon" (less than a quarter of the time left) or "ok": the row's style."""
        if self.late:
            return "late"
        return "soon" if self.left < timedelta(hours=self.hours * SOON) else "ok"


def following_since(case: Case) -> datetime | None:
    """When the case last moved to following up (the queue annotates it as `following_since` for a page)."""
    if hasattr(case, "following_since"):
        return case.following_since
    return (case.events.filter(kind=CaseEvent.Kind.TRANSITION, to_state=CaseState.FOLLOWING_UP)
            .aggregate(at=Max("at"))["at"])


def timer(case: Case, now: datetime, clock: datetime | None = None,
          in_force: dict[str, float] | None = None) -> Timer | None:
    """The service level running for the case now, or None (acting, closed, or its step already done).

    - first contact: new or reaching out with no private contact yet, from the case's opening (imported history
      opened after its data ends: from the member's post, on the data's clock);
    - follow-up: following up with the question not sent yet, from the moment the action was done.
    """
    clock = clock or getattr(case, "clock", None) or now
    in_force = in_force if in_force is not None else levels(case.source)
    if case.state in (CaseState.NEW, CaseState.REACHING_OUT) and case.first_contact_at is None:
        name, start = FIRST_CONTACT, case.opened_at
        if start > clock:  # a case opened on imported history after its data ends: the member's post starts it
            start = min(getattr(case, "waiting_since", None) or clock, clock)
    elif case.state == CaseState.FOLLOWING_UP and case.follow_up_sent_at is None:
        since = following_since(case)
        if since is None:
            return None
        name, start = FOLLOW_UP, since
    else:
        return None
    hours = float(in_force[name])
    at = clock if start <= clock else now  # the team's own steps run on the wall clock
    due = start + timedelta(hours=hours)
    return Timer(level=name, hours=hours, started_at=start, due_at=due, left=due - at)
