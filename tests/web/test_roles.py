"""Each role sees and does what it may, in every view: admin, manager, agent, viewer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from careloop.cases.models import Case, CaseEvent
from careloop.web.roles import Action, Role, can, role_of, set_role

pytestmark = pytest.mark.django_db


def test_the_four_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"admin", "manager", "agent", "viewer"}


def test_role_of_a_user():
    root = User.objects.create_superuser("root", "", "a-long-password")
    plain = User.objects.create_user("plain", "", "a-long-password")
    agent = User.objects.create_user("agent", "", "a-long-password")
    set_role(agent, "agent")
    assert role_of(root) == Role.ADMIN
    assert role_of(plain) == Role.VIEWER  # a login alone changes nothing
    assert role_of(User.objects.get(pk=agent.pk)) == Role.AGENT
    set_role(agent, "manager")
    assert list(User.objects.get(pk=agent.pk).groups.values_list("name", flat=True)) == ["manager"]


def test_every_page_needs_a_login(client, community):
    case = community["billing"]
    for url in ("/", f"/cases/{case.pk}/", f"/members/{case.member_id}/", "/dashboard/", "/settings/", "/me/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login/"), url
    response = client.post(f"/cases/{case.pk}/step", {"do": "note", "text": "x"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "viewer"])
def test_every_role_reads_every_page(login, community, role):
    client = login(role)
    case = community["billing"]
    for url in ("/", f"/cases/{case.pk}/", f"/members/{case.member_id}/", f"/threads/{case.thread_id}/",
                "/threads/", "/dashboard/", "/settings/", "/me/"):
        assert client.get(url).status_code == 200, url


def note(client, case, text="called the billing team"):
    return client.post(f"/cases/{case.pk}/step", {"do": "note", "text": text})


def test_viewer_changes_nothing(login, community):
    viewer = login("viewer")
    case = community["billing"]
    page = viewer.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="do" value="note"' not in page and 'value="reach_out"' not in page
    for do in ("note", "assign", "reach_out", "done", "dismiss"):
        assert viewer.post(f"/cases/{case.pk}/step", {"do": do, "text": "hello"}).status_code == 403, do
    assert viewer.post(f"/cases/{case.pk}/tone", {"text": "calm down"}).status_code == 403
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()


def test_agent_works_only_their_own_cases_and_may_take_an_unassigned_one(login, community):
    agent = login("agent")
    case = community["billing"]
    assert note(agent, case).status_code == 403  # not theirs yet
    assert agent.post(f"/cases/{case.pk}/step", {"do": "assign"}).status_code == 302  # take it
    assert Case.objects.get(pk=case.pk).assignee == agent.user
    assert note(agent, case).status_code == 302
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 1
    other = login("manager", "maria")
    other.post(f"/cases/{case.pk}/step", {"do": "assign", "user": other.user.pk})
    assert note(agent, case).status_code == 403  # given to someone else: hands off
    assert agent.post(f"/cases/{case.pk}/step", {"do": "assign"}).status_code == 403


def test_manager_works_every_case_but_not_the_settings(login, community):
    manager = login("manager")
    assert note(manager, community["login"]).status_code == 302
    assert manager.post("/settings/", {"name": "billing"}).status_code == 403
    source = community["billing"].source
    assert manager.post(f"/settings/sources/{source.pk}/test").status_code == 403


def test_admin_changes_settings(login):
    admin = login("admin")
    response = admin.post("/settings/", {"name": "billing", "members": [admin.user.pk]})
    assert response.status_code == 302
    assert "billing" in admin.get("/settings/").content.decode()


def test_can_table():
    users = {}
    for role in Role:
        users[role] = User.objects.create_user(role.value, "", "a-long-password")
        set_role(users[role], role)

    class Unassigned:
        assignee_id = None

    assert [can(users[r], Action.SEND, Unassigned()) for r in Role] == [True, True, False, False]
    assert [can(users[r], Action.SETTINGS) for r in Role] == [True, False, False, False]
    assert all(can(users[r], Action.VIEW) for r in Role)


def test_createuser_gives_the_role(cli):
    assert cli("createuser", "ann", "--role", "agent", "--password", "a-long-password").exit_code == 0
    assert role_of(User.objects.get(username="ann")) == Role.AGENT
    result = cli("createuser", "max", "--password", "a-long-password")
    assert "Created manager user max." in result.output
    assert role_of(User.objects.get(username="max")) == Role.MANAGER
    cli("createuser", "root", "--admin", "--password", "a-long-password")
    root = User.objects.get(username="root")
    assert root.is_superuser and role_of(root) == Role.ADMIN
