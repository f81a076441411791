"""Reading cases: the list with its filters and pages, and one case with its members and timeline."""

from __future__ import annotations

import pytest

from careloop.cases import act
from careloop.cases.models import Case

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_shows_open_cases_most_urgent_first(api, community):
    body = api("viewer").get("/api/cases").json()
    assert body["count"] == 2 and body["page"] == 1 and body["pages"] == 1
    assert [r["id"] for r in body["results"]] == [community["billing"].pk, community["login"].pk]
    first = body["results"][0]
    assert first["state"] == "new" and first["topic"] == "billing" and first["risk"] == 0.8
    assert first["member"]["name"] == "Anna" and first["source"]["name"] == "forum"
    assert first["url"] == f"/api/cases/{first['id']}" and first["assignee"] is None


def test_filter_by_state(api, community):
    client = api("viewer")
    assert ids(client.get("/api/cases", state="dismissed")) == [community["dismissed"].pk]
    assert sorted(ids(client.get("/api/cases", state="all"))) == sorted(c.pk for k, c in community.items()
                                                                        if k != "sources")
    assert ids(client.get("/api/cases", state="new,dismissed")) == [community["billing"].pk, community["login"].pk,
                                                                    community["dismissed"].pk]
    assert ids(client.get("/api/cases", state="resolved")) == []


def test_filter_by_source(api, community):
    client = api("viewer")
    assert ids(client.get("/api/cases", source="chat")) == [community["login"].pk]
    assert ids(client.get("/api/cases", source="forum", state="all")) == [community["billing"].pk,
                                                                          community["dismissed"].pk]


def test_filter_by_assignee(api, community):
    client = api("manager", "maria")
    act.assign(community["login"], client.user)
    assert ids(client.get("/api/cases", assignee="me")) == [community["login"].pk]
    assert ids(client.get("/api/cases", assignee="maria")) == [community["login"].pk]
    assert ids(client.get("/api/cases", assignee=str(client.user.pk))) == [community["login"].pk]
    assert ids(client.get("/api/cases", assignee="none")) == [community["billing"].pk]


def test_pages(api, community):
    client = api("viewer")
    first = client.get("/api/cases", per_page=1, state="all").json()
    second = client.get("/api/cases", per_page=1, page=2, state="all").json()
    third = client.get("/api/cases", per_page=1, page=3, state="all").json()
    assert first["count"] == 3 and first["pages"] == 3
    seen = [p["results"][0]["id"] for p in (first, second, third)]
    assert sorted(seen) == sorted(Case.objects.values_list("id", flat=True))
    beyond = client.get("/api/cases", per_page=1, page=4, state="all")
    assert beyond.status_code == 404 and "no page 4" in beyond.json()["error"]


@pytest.mark.parametrize(("params", "says"), [
    ({"state": "sleeping"}, "unknown state"),
    ({"source": "nowhere"}, "no source"),
    ({"assignee": "nobody"}, "no active user"),
    ({"assignee": "99999999999999999999999"}, "no active user"),
    ({"page": "0"}, "page"),
    ({"page": "-1"}, "whole number"),
    ({"page": "two"}, "whole number"),
    ({"per_page": "1000"}, "between 1 and 200"),
    ({"per_page": "٣"}, "whole number"),  # a digit, but not an ASCII one
    ({"sort": "risk"}, "unknown parameter"),
])
def test_bad_list_parameters_are_a_clear_400(api, community, params, says):
    response = api("viewer").get("/api/cases", **params)
    assert response.status_code == 400
    assert says in response.json()["error"]


def test_one_case_with_its_affected_members_and_timeline(api, community):
    case = community["billing"]
    manager = api("manager")
    manager.post(f"/api/cases/{case.pk}/notes", {"text": "asked billing"})
    body = api("viewer").get(f"/api/cases/{case.pk}").json()
    assert body["id"] == case.pk and body["state"] == "new"
    assert [(m["name"], m["role"]) for m in body["affected_members"]] == [
        ("Anna", "complainer"), ("Ben", "affected"), ("Cara", "affected")]
    kinds = [e["kind"] for e in body["events"]]
    assert kinds[0] == "opened" and kinds[-1] == "note"
    note = body["events"][-1]
    assert note["actor"] == "manager-user" and note["details"]["text"] == "asked billing"
    assert body["action_items"] == [] and body["messages"] == []


@pytest.mark.parametrize("case_id", ["0", "424242", "99999999999999999999999999"])
def test_a_missing_case_is_404(api, community, case_id):
    response = api("viewer").get(f"/api/cases/{case_id}")
    assert response.status_code == 404 and "no case" in response.json()["error"]
    response = api("manager").post(f"/api/cases/{case_id}/notes", {"text": "x"})
    assert response.status_code == 404
