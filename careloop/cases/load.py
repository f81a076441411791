"""Each teammate's load: how many open cases they hold, how many of them wait on the member, how many are overdue.

Read by the Assign picker ("mara · 7 open") and by the queue's and dashboard's Team panel. Two queries whatever
the team's size: the teammates, then one aggregate over the open cases grouped by assignee (never a count per
person).

- open: every open case assigned to them;
- waiting on the member: reaching out (the team wrote to them, no answer yet) or following up (the action is
  done, the team waits for their answer to the follow-up question);
- overdue: past a service level (flagged by the scheduler) or past the follow-up due time, as the queue ranks it
  (careloop.cases.ranking).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from careloop.cases.models import OPEN_STATES, Case, CaseState
from careloop.cases.roles import WORKS_CASES

WAITING_ON_MEMBER = (CaseState.REACHING_OUT, CaseState.FOLLOWING_UP)


@dataclass(frozen=True)
class Load:
    user_id: int
    name: str
    open: int = 0
    waiting_on_member: int = 0
    overdue: int = 0


def teammates():
    """Everyone who may work cases (admins, managers, agents; active), by name: whom a case can go to."""
    return get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name__in=[r.value for r in WORKS_CASES])
    ).distinct().order_by("username")


def counts(user_ids: Iterable[int] | None = None, now: datetime | None = None) -> dict[int, Load]:
    """Open, waiting-on-member and overdue cases per assignee (only those who hold one), in one query."""
    now = now or timezone.now()
    qs = Case.objects.filter(state__in=OPEN_STATES, assignee__isnull=False)
    if user_ids is not None:
        qs = qs.filter(assignee_id__in=list(user_ids))
    rows = qs.order_by().values("assignee_id").annotate(
        open=Count("id"),
        waiting=Count("id", filter=Q(state__in=WAITING_ON_MEMBER)),
        overdue=Count("id", filter=Q(overdue_at__isnull=False) | Q(follow_up_due_at__lt=now)),
    ).values_list("assignee_id", "open", "waiting", "overdue")
    return {uid: Load(uid, "", n, waiting, overdue) for uid, n, waiting, overdue in rows}


def team_load(people: Iterable | None = None, now: datetime | None = None) -> list[Load]:
    """Each teammate (or each of `people`) with their load, by name; someone with no open case shows zeros."""
    people = list(teammates() if people is None else people)
    found = counts(now=now) if people else {}
    return [Load(u.pk, u.get_username(), *_figures(found.get(u.pk))) for u in people]


def _figures(load: Load | None) -> tuple[int, int, int]:
    return (load.open, load.waiting_on_member, load.overdue) if load else (0, 0, 0)

