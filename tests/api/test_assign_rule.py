"""Who may give a case to whom, in the API: agents take an unassigned case for themselves, managers assign to
anyone who works cases, nobody assigns to a viewer."""

from __future__ import annotations

import pytest

from careloop.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def assignments(case) -> int:
    return CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ASSIGNED).count()


def test_an_agent_may_only_take_an_unassigned_case_for_themselves(api, make_user, community):
    agent = api("agent")
    teammate = make_user("agent", "otto")
    case = community["billing"]
    for body in ({"user": "otto"}, {"user": teammate.pk}, {"team": "billing"}):
        response = agent.post(f"/api/cases/{case.pk}/assign", body)
        assert response.status_code == 403, body
        assert "only take a case for themselves" in response.json()["error"]
    assert Case.objects.get(pk=case.pk).assignee_id is None and assignments(case) == 0

    assert agent.post(f"/api/cases/{case.pk}/assign", {"user": agent.user.username}).status_code == 200
    assert Case.objects.get(pk=case.pk).assignee_id == agent.user.pk
    assert agent.post(f"/api/cases/{case.pk}/assign", {"user": "otto"}).status_code == 403
    assert Case.objects.get(pk=case.pk).assignee_id == agent.user.pk


def test_a_manager_assigns_to_an_agent_but_never_to_a_viewer(api, make_user, community):
    manager = api("manager")
    make_user("viewer", "vic")
    agent = make_user("agent", "otto")
    case = community["billing"]
    response = manager.post(f"/api/cases/{case.pk}/assign", {"user": "vic"})
    assert response.status_code == 400
    assert "vic cannot work cases (role: viewer)" in response.json()["error"]
    assert Case.objects.get(pk=case.pk).assignee_id is None and assignments(case) == 0

    assert manager.post(f"/api/cases/{case.pk}/assign", {"user": "otto"}).status_code == 200
    assert Case.objects.get(pk=case.pk).assignee_id == agent.pk
    assert manager.post(f"/api/cases/{case.pk}/assign", {"team": "billing"}).status_code == 200  # a team alone


def test_mark_done_is_refused_while_no_message_reached_the_member_unless_the_api_says_how(api, community,
                                                                                            recording):
    from careloop.cases import outbox
    from careloop.connectors.base import PermanentFailure

    manager = api("manager")
    case = community["billing"]
    recording.failures.append(PermanentFailure("the member blocked the bot"))
    assert manager.post(f"/api/cases/{case.pk}/reach-out", {"body": "Hi, can we talk?"}).status_code == 202
    outbox.send_due()
    refused = manager.post(f"/api/cases/{case.pk}/mark-done", {})
    assert refused.status_code == 409 and "no message reached the member" in refused.json()["error"]
    done = manager.post(f"/api/cases/{case.pk}/mark-done", {"reached_another_way": "by phone"})
    assert done.status_code == 200 and done.json()["case"]["state"] == "following_up"
    assert done.json()["event"]["details"]["reached_another_way"] == "by phone"
