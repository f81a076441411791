"""Who may give a case to whom, on the web: agents take an unassigned case for themselves, managers assign to
anyone who works cases, nobody assigns to a viewer; "Assign to" shows who has the case."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from careloop.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def assign(client, case, **data):
    return client.post(f"/cases/{case.pk}/step", {"do": "assign", **data})


def assignments(case) -> int:
    return CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ASSIGNED).count()


def test_an_agent_may_take_an_unassigned_case_but_not_give_it_to_someone_else(login, community):
    agent = login("agent")
    teammate = login("agent", "otto")
    case = community["billing"]
    assert assign(agent, case, user=teammate.user.pk).status_code == 403
    assert assign(agent, case, team="billing").status_code == 403  # nor to a team, without taking it
    assert Case.objects.get(pk=case.pk).assignee is None and assignments(case) == 0

    assert assign(agent, case).status_code == 302  # take it
    assert Case.objects.get(pk=case.pk).assignee == agent.user
    assert assign(agent, case, user=teammate.user.pk).status_code == 403  # theirs now, still not to hand on
    assert Case.objects.get(pk=case.pk).assignee == agent.user and assignments(case) == 1


def test_an_agent_sees_take_this_case_instead_of_the_teammate_list(login, community):
    agent = login("agent")
    page = agent.get(f"/cases/{community['billing'].pk}/").content.decode()
    assert 'id="take-case"' in page and 'id="assign-user"' not in page


def test_a_manager_assigns_to_anyone_who_works_cases_but_never_to_a_viewer(login, community):
    manager = login("manager")
    agent = login("agent")
    viewer = login("viewer", "vic")
    case = community["billing"]
    response = assign(manager, case, user=viewer.user.pk)
    assert response.status_code == 302
    shown = manager.get(response.url).content.decode()
    assert "vic cannot work cases (role: viewer)" in shown
    assert Case.objects.get(pk=case.pk).assignee is None and assignments(case) == 0

    assert assign(manager, case, user=agent.user.pk).status_code == 302
    assert Case.objects.get(pk=case.pk).assignee == agent.user
    page = manager.get(f"/cases/{case.pk}/").content.decode()
    assert f'<option value="{agent.user.pk}" selected>agent-user · 1 open</option>' in page  # "Assign to" shows them
    assert ">vic ·" not in page  # a viewer is not offered


def test_assign_to_shows_the_current_assignee_even_when_they_can_no_longer_be_picked(login, community):
    manager = login("manager")
    gone = User.objects.create_user("gone", "", "a-long-password")  # no role (a viewer) now
    case = community["billing"]
    Case.objects.filter(pk=case.pk).update(assignee=gone)
    page = manager.get(f"/cases/{case.pk}/").content.decode()
    assert f'<option value="{gone.pk}" selected>gone · 1 open</option>' in page


def test_the_assignee_filter_lists_who_works_cases(login, community):
    manager = login("manager")
    login("agent", "otto")
    login("viewer", "vic")
    page = manager.get("/").content.decode()
    assert ">otto</option>" in page and ">vic</option>" not in page
