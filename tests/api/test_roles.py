"""Each role may do in the API exactly what it may do in the web UI (careloop.cases.roles.can)."""

from __future__ import annotations

import pytest

from careloop.cases.models import Case, CaseEvent
from tests.api.conftest import ROLES, stored

pytestmark = pytest.mark.django_db

# a body each step accepts on a new, unassigned case
STEPS = {
    "reach-out": {"body": "Hi Anna, sorry about the double charge. Could you tell me more?", "channel": "dm"},
    "assign": {},
    "notes": {"text": "called the billing team"},
    "member-reply": {"text": "It happened again this morning."},
    "dismiss": {"reason": "duplicate"},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_cases_and_scores(api, community, role):
    client = api(role)
    case = community["billing"]
    assert client.get("/api/cases").status_code == 200
    assert client.get(f"/api/cases/{case.pk}").status_code == 200
    assert client.post("/api/score", {"texts": ["hello"]}).status_code == 200


@pytest.mark.parametrize("step", [*STEPS, "mark-done"])
def test_a_viewer_changes_nothing(api, community, step):
    viewer = api("viewer")
    case = community["billing"]
    before = stored(case)
    response = viewer.post(f"/api/cases/{case.pk}/{step}", STEPS.get(step, {}))
    assert response.status_code == 403
    assert "your role may not" in response.json()["error"]
    assert stored(case) == before


@pytest.mark.parametrize("role", ["admin", "manager"])
@pytest.mark.parametrize("step", STEPS)
def test_admins_and_managers_do_every_step_on_any_case(api, community, role, step):
    client = api(role)
    case = community["billing"]
    before = CaseEvent.objects.filter(case=case).count()
    response = client.post(f"/api/cases/{case.pk}/{step}", STEPS[step])
    assert response.status_code in (200, 201, 202), response.content
    assert CaseEvent.objects.filter(case=case).count() > before


@pytest.mark.parametrize("step", [s for s in STEPS if s != "assign"])
def test_an_agent_may_not_work_an_unassigned_case_before_taking_it(api, community, step):
    agent = api("agent")
    case = community["billing"]
    before = stored(case)
    response = agent.post(f"/api/cases/{case.pk}/{step}", STEPS[step])
    assert response.status_code == 403 and "on this case" in response.json()["error"]
    assert stored(case) == before


def test_an_agent_takes_an_unassigned_case_then_works_it_and_loses_it_when_it_is_given_away(api, community):
    agent = api("agent")
    case = community["billing"]
    assert agent.post(f"/api/cases/{case.pk}/assign", {}).status_code == 200  # take it
    assert Case.objects.get(pk=case.pk).assignee_id == agent.user.pk
    for step in ("notes", "reach-out", "member-reply"):
        assert agent.post(f"/api/cases/{case.pk}/{step}", STEPS[step]).status_code in (201, 202, 200), step
    assert agent.post(f"/api/cases/{case.pk}/mark-done", {}).status_code == 200

    manager = api("manager", "maria")
    assert manager.post(f"/api/cases/{case.pk}/assign", {"user": "maria"}).status_code == 200
    before = stored(case)
    assert agent.post(f"/api/cases/{case.pk}/notes", STEPS["notes"]).status_code == 403
    assert agent.post(f"/api/cases/{case.pk}/assign", {}).status_code == 403  # cannot take it back
    assert agent.post(f"/api/cases/{case.pk}/dismiss", STEPS["dismiss"]).status_code == 403
    assert stored(case) == before


def test_an_agent_still_reads_every_case(api, community):
    agent = api("agent")
    assert agent.get(f"/api/cases/{community['login'].pk}").status_code == 200
    assert agent.get("/api/cases").json()["count"] == 2


def test_roles_are_the_users_now_not_when_the_token_was_made(api, community):
    from careloop.cases.roles import set_role

    client = api("manager")
    case = community["billing"]
    assert client.post(f"/api/cases/{case.pk}/notes", STEPS["notes"]).status_code == 201
    set_role(client.user, "viewer")
    assert client.post(f"/api/cases/{case.pk}/notes", STEPS["notes"]).status_code == 403
