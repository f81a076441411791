"""Issue 15, item 6: each teammate's open-case load where work is handed out — "mara · 2 open" in Assign to, and
the Team panel (open, waiting on the member, overdue; each name a link to the queue filtered by them) on the queue
and the dashboard. The pages' queries do not grow with the team (careloop/cases/load.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careloop.cases.models import Case, CaseState
from careloop.web.models import Preference
from careloop.web.roles import set_role
from tests.conftest import carry

pytestmark = pytest.mark.django_db


def _teammate(name: str, role: str = "agent") -> User:
    user = User.objects.create_user(name, f"{name}@example.org", "a-long-password")
    set_role(user, role)
    return user


def _row(html: str, name: str) -> tuple[str, ...]:
    found = re.search(rf'<tr class="teammate" data-user="{name}">(.*?)</tr>', html, re.S)
    assert found, f"no Team row for {name}"
    return tuple(re.findall(r'<td class="num [^"]*">(\d+)</td>', found.group(1)))


@pytest.fixture
def loads(community):
    mara, priya = _teammate("mara"), _teammate("priya")
    billing, login_case = community["billing"], community["login"]
    carry(billing, CaseState.REACHING_OUT)  # waiting on the member
    Case.objects.filter(pk=billing.pk).update(assignee=mara)
    Case.objects.filter(pk=login_case.pk).update(assignee=mara, overdue_at=timezone.now() - timedelta(hours=2))
    return {"mara": mara, "priya": priya}


def test_the_queue_and_the_dashboard_show_each_teammates_load(login, loads):
    client = login("manager", "maria")
    queue = client.get("/").content.decode()
    assert _row(queue, "mara") == ("2", "1", "1") and _row(queue, "priya") == ("0", "0", "0")
    assert _row(queue, "maria") == ("0", "0", "0")  # the manager works cases too
    assert f'href="/?assignee={loads["mara"].pk}"' in queue and "mara · 2 open" in queue
    mine = client.get(f"/?assignee={loads['mara'].pk}").content.decode()
    assert mine.count('class="case-link"') == 2  # the link is the queue filtered by her
    dashboard = client.get("/dashboard/").content.decode()
    assert _row(dashboard, "mara") == ("2", "1", "1") and "waiting on the member" in dashboard


def test_assign_to_says_how_many_open_cases_each_holds(login, community, loads):
    client = login("manager", "maria")
    page = client.get(f"/cases/{community['billing'].pk}/").content.decode()
    assert f'<option value="{loads["mara"].pk}" selected>mara · 2 open</option>' in page
    assert f'<option value="{loads["priya"].pk}" >priya · 0 open</option>' in page
    assert f'<option value="{client.user.pk}" >maria (me) · 0 open</option>' in page


def test_in_german(login, community, loads):
    client = login("manager", "maria")
    Preference.objects.create(user=client.user, language="de")
    assert "mara · 2 offen" in client.get(f"/cases/{community['billing'].pk}/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert "wartet auf das Mitglied" in dashboard and "Teammitglied" in dashboard


def test_the_pages_queries_do_not_grow_with_the_team(login, community):
    client = login("manager", "maria")
    _teammate("mara")
    case = community["billing"]

    def queries(path: str) -> int:
        client.get(path)  # warm: sessions, caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    before = {path: queries(path) for path in ("/", "/dashboard/", f"/cases/{case.pk}/")}
    for i in range(10):
        person = _teammate(f"agent{i}")
        Case.objects.filter(pk=case.pk).update(assignee=person)
    after = {path: queries(path) for path in before}
    assert after == before
