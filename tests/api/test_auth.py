"""Who is calling: a personal token (stored only as a hash), or the browser's session with its CSRF token."""

from __future__ import annotations

import hashlib

import orjson
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from careloop.api.models import ApiToken
from careloop.api.tokens import create_token, revoke_token, user_for_token
from careloop.cases.models import CaseEvent
from tests.api.conftest import stored

pytestmark = pytest.mark.django_db

ENDPOINTS = [("get", "/api/cases"), ("get", "/api/cases/{id}"), ("post", "/api/cases/{id}/reach-out"),
             ("post", "/api/cases/{id}/assign"), ("post", "/api/cases/{id}/notes"),
             ("post", "/api/cases/{id}/mark-done"), ("post", "/api/cases/{id}/member-reply"),
             ("post", "/api/cases/{id}/dismiss"), ("post", "/api/score")]


def _call(client: Client, method: str, path: str):
    if method == "get":
        return client.get(path)
    return client.post(path, b'{"text": "hi"}', content_type="application/json")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_without_credentials_every_endpoint_answers_401_in_json(community, method, path):
    case = community["billing"]
    before = stored(case)
    response = _call(Client(), method, path.format(id=case.pk))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "Authorization: Bearer" in response.json()["error"]
    assert stored(case) == before


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token cl_abc",
                                    "Bearer cl_not-a-real-token", "Bearer " + "x" * 5000])
def test_a_wrong_or_unknown_token_is_401_even_with_a_session(community, make_user, header):
    client = Client(headers={"Authorization": header})
    client.force_login(make_user("admin"))  # a valid session does not rescue a bad token
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert response.json()["error"]


def test_only_a_hash_of_the_token_is_stored(make_user):
    user = make_user("manager")
    row, token = create_token(user, "helpdesk sync")
    assert token.startswith("cl_") and len(token) >= 40
    row.refresh_from_db()
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token[:8] == row.prefix
    every_column = [str(v) for v in ApiToken.objects.values_list().get(pk=row.pk)]
    assert token not in every_column and not any(token in v for v in every_column)
    assert user_for_token(token) == user
    assert user_for_token(token + "x") is None and user_for_token(token[:-1]) is None


def test_tokens_are_unique_per_creation(make_user):
    user = make_user("agent")
    tokens = {create_token(user)[1] for _ in range(5)}
    assert len(tokens) == 5 and ApiToken.objects.filter(user=user).count() == 5


def test_a_revoked_token_or_an_inactive_user_is_refused(api, community):
    client = api("manager")
    assert client.get("/api/cases").status_code == 200
    revoke_token(ApiToken.objects.get(user=client.user).pk)
    assert client.get("/api/cases").status_code == 401

    other = api("manager", "maria")
    get_user_model().objects.filter(pk=other.user.pk).update(is_active=False)
    assert other.get("/api/cases").status_code == 401
    with pytest.raises(ValueError, match="not an active user"):
        create_token(get_user_model().objects.get(pk=other.user.pk))


def test_using_a_token_records_when_it_was_last_used(api, community):
    client = api("viewer")
    row = ApiToken.objects.get(user=client.user)
    assert row.last_used_at is None
    client.get("/api/cases")
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None
    client.get("/api/cases")  # within a minute: no second write
    row.refresh_from_db()
    assert row.last_used_at == first


def test_token_requests_need_no_csrf_token(api, community):
    client = api("manager")  # its Django test client enforces CSRF checks
    case = community["billing"]
    response = client.post(f"/api/cases/{case.pk}/notes", {"text": "called the billing team"})
    assert response.status_code == 201, response.content
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 1


def test_the_browser_session_works_and_a_post_needs_its_csrf_token(session_api, community):
    client = session_api("manager")
    case = community["billing"]
    assert client.get(f"/api/cases/{case.pk}").status_code == 200

    before = stored(case)
    refused = client.post(f"/api/cases/{case.pk}/notes", {"text": "forged by another site"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]
    assert stored(case) == before

    client.client.get(f"/cases/{case.pk}/")  # the web UI sets the CSRF cookie, as a browser would have it
    csrf = client.client.cookies["csrftoken"].value
    response = client.client.post(f"/api/cases/{case.pk}/notes", orjson.dumps({"text": "from the browser"}),
                                  content_type="application/json", headers={"X-CSRFToken": csrf})
    assert response.status_code == 201, response.content
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).get().details["text"] == "from the browser"


def test_health_needs_no_login_and_says_what_is_up(db):
    response = Client().get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["api_version"] == 1
    assert body["worker"] in ("ok", "stale", "never seen")


def test_unknown_paths_and_methods_answer_in_json(api, community):
    client = api("admin")
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and "no API endpoint" in missing.json()["error"]
    wrong = client.post("/api/cases", {})
    assert wrong.status_code == 405 and wrong["Allow"] == "GET"
    assert client.client.get(f"/api/cases/{community['billing'].pk}/notes").status_code == 405
