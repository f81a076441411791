"""Issue 15, item 6: each teammate's open-case load (careloop/cases/load.py) — open, waiting on the member and
overdue cases per assignee, in a fixed number of queries whatever the team's size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careloop.cases import load
from careloop.cases.models import Case, CaseState
from careloop.cases.state import open_case
from careloop.community.models import Member, Source
from careloop.web.roles import set_role
from tests.conftest import carry

pytestmark = pytest.mark.django_db


def _team(*names: str, role: str = "agent") -> list[User]:
    people = []
    for name in names:
        user = User.objects.create_user(name, f"{name}@example.org", "a-long-password")
        set_role(user, role)
        people.append(user)
    return people


def _cases(n: int, assignee: User | None, state: str = CaseState.NEW, **fields) -> list[Case]:
    source, _ = Source.objects.get_or_create(name="forum")
    out = []
    for _i in range(n):
        number = Member.objects.count() + 1
        member = Member.objects.create(source=source, external_id=f"m{number}", display_name=f"Member {number}")
        case = open_case(source=source, member=member, post=None, topic="billing", risk=0.5, language="en")
        if state != CaseState.NEW:
            carry(case, state)
        Case.objects.filter(pk=case.pk).update(assignee=assignee, **fields)
        out.append(case)
    return out


def test_counts_per_teammate(db):
    jonas, mara, priya = _team("jonas", "mara", "priya")
    viewer = _team("vera", role="viewer")[0]
    now = timezone.now()
    _cases(3, jonas)
    _cases(2, jonas, CaseState.REACHING_OUT)  # waiting on the member's answer
    _cases(1, jonas, CaseState.FOLLOWING_UP, follow_up_due_at=now - timedelta(hours=1))  # waiting, and overdue
    _cases(1, jonas, CaseState.ACTING, overdue_at=now - timedelta(days=1), overdue_reason="first contact late")
    _cases(2, jonas, CaseState.RESOLVED)  # closed: not load
    _cases(1, mara, CaseState.FOLLOWING_UP, follow_up_due_at=now + timedelta(days=1))  # waiting, not yet due
    _cases(1, None)  # nobody's
    figures = {t.name: (t.open, t.waiting_on_member, t.overdue) for t in load.team_load(now=now)}
    assert figures == {"jonas": (7, 3, 2), "mara": (1, 1, 0), "priya": (0, 0, 0)}  # viewers hold no cases
    assert viewer.username not in figures and priya.username in figures


def test_two_queries_whatever_the_team(db):
    people = _team(*(f"agent{i}" for i in range(12)))
    for i, person in enumerate(people):
        _cases(i % 3, person)
    with CaptureQueriesContext(connection) as queries:
        team = load.team_load()
    assert len(queries) == 2  # the teammates, then one aggregate: no query per person
    assert sum(t.open for t in team) == sum(i % 3 for i in range(12))
    with CaptureQueriesContext(connection) as queries:
        held = load.counts()
    assert len(queries) == 1 and held[people[2].pk].open == 2 and people[0].pk not in held
