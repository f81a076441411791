"""POST /api/cases/ID/reopen and POST /api/posts/ID/open-case: the same steps as the web UI (careloop.cases.steps),
the same role rule, refusals as 409/400/403/404 that store nothing."""

from __future__ import annotations

import pytest

from careloop.cases import act
from careloop.cases.models import Case, CaseEvent
from careloop.community.models import Post
from tests.api.conftest import stored

pytestmark = pytest.mark.django_db


def test_a_dismissed_case_is_reopened_with_why(api, community):
    client = api("manager")
    case = community["dismissed"]
    answer = client.post(f"/api/cases/{case.pk}/reopen", {"why": "ben's refund is a separate problem"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["case"]["state"] == "new"
    assert (body["event"]["from_state"], body["event"]["to_state"], body["event"]["actor"]) == (
        "dismissed", "new", "manager-user")
    assert body["event"]["details"]["note"] == "ben's refund is a separate problem"
    assert body["event"]["details"]["reopened"] is True and body["event"]["details"]["dismissed_as"] == "duplicate"


def test_a_resolved_case_goes_back_to_acting(api, community):
    client = api("manager")
    case = community["login"]
    for to in ("reaching_out", "acting", "following_up", "resolved"):
        from careloop.cases.state import transition

        transition(case, to, actor_label="tests")
    body = client.post(f"/api/cases/{case.pk}/reopen", {"why": "still broken"}).json()
    assert body["case"]["state"] == "acting" and body["case"]["loop_count"] == 1


def test_reopen_refusals_store_nothing(api, community):
    client = api("manager")
    open_case, dismissed = community["billing"], community["dismissed"]
    before = stored(open_case)
    refused = client.post(f"/api/cases/{open_case.pk}/reopen", {"why": "x"})
    assert refused.status_code == 409 and "only a dismissed or a resolved case" in refused.json()["error"]
    assert stored(open_case) == before
    before = stored(dismissed)
    assert client.post(f"/api/cases/{dismissed.pk}/reopen", {}).status_code == 400  # why is required
    assert client.post(f"/api/cases/{dismissed.pk}/reopen", {"why": "  "}).status_code == 400
    assert client.post(f"/api/cases/{dismissed.pk}/reopen", {"why": "x", "to": "acting"}).status_code == 400
    assert client.post("/api/cases/999999/reopen", {"why": "x"}).status_code == 404
    assert stored(dismissed) == before


def test_reopen_roles(api, community, make_user):
    dismissed = community["dismissed"]
    viewer = api("viewer")
    assert viewer.post(f"/api/cases/{dismissed.pk}/reopen", {"why": "x"}).status_code == 403
    other = make_user("manager", "boss")
    act.assign(dismissed, other, to_user=other)
    agent = api("agent")
    refused = agent.post(f"/api/cases/{dismissed.pk}/reopen", {"why": "x"})  # someone else's case
    assert refused.status_code == 403
    act.assign(dismissed, other, to_user=agent.user)
    assert agent.post(f"/api/cases/{dismissed.pk}/reopen", {"why": "mine"}).status_code == 200


def test_a_case_is_opened_by_hand_from_a_post(api, community):
    client = api("agent")
    post = Post.objects.get(external_id="p3")
    act.dismiss(community["billing"], None, "handled_elsewhere")  # cara's "me too" now uncovered
    answer = client.post(f"/api/posts/{post.pk}/open-case", {"why": "cara has her own problem", "topic": "card",
                                                             "severity": 3})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    case = Case.objects.get(pk=body["case"]["id"])
    assert (case.post_id, case.origin_id, case.member.handle, case.severity, case.topic) == (
        post.pk, post.pk, "cara", 3, "card")
    assert body["event"]["kind"] == "opened" and body["event"]["actor"] == "agent-user"
    assert body["event"]["details"]["by_hand"] is True


def test_open_case_refusals(api, community):
    client = api("manager")
    covered = Post.objects.get(external_id="p1")
    count = Case.objects.count()
    refused = client.post(f"/api/posts/{covered.pk}/open-case", {})
    assert refused.status_code == 409
    assert refused.json()["case"] == community["billing"].pk and "already covered" in refused.json()["error"]
    metoo = Post.objects.get(external_id="p2")  # ben's "me too" on the billing case
    assert client.post(f"/api/posts/{metoo.pk}/open-case", {}).status_code == 409
    assert client.post("/api/posts/999999/open-case", {}).status_code == 404
    assert client.post(f"/api/posts/{covered.pk}/open-case", {"severity": 0}).status_code == 400
    assert client.post(f"/api/posts/{covered.pk}/open-case", {"post": 1}).status_code == 400
    assert api("viewer").post(f"/api/posts/{covered.pk}/open-case", {}).status_code == 403
    assert client.get(f"/api/posts/{covered.pk}/open-case").status_code == 405
    assert Case.objects.count() == count
    assert not CaseEvent.objects.filter(kind="opened", actor__isnull=False).exists()
