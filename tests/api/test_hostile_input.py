"""Hostile bodies: malformed JSON, wrong types, unknown fields, NUL characters, huge bodies. Each is a clear
400 or 413 naming what is wrong, and nothing is stored."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import stored

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("raw", "says"), [
    (b'{"text": "unfinished', "not valid JSON"),
    (b"\xff\xfe not utf-8", "not valid JSON"),
    (b'{"text": "\\ud800"}', "not valid JSON"),  # a lone surrogate
    (b'{"text": NaN}', "not valid JSON"),
    (b"[" * 5000 + b"]" * 5000, "not valid JSON"),  # nested far too deep
    (b'["a", "list"]', "must be a JSON object"),
    (b'"a string"', "must be a JSON object"),
    (b"42", "must be a JSON object"),
    (b"null", "must be a JSON object"),
])
def test_malformed_bodies_are_400(api, community, raw, says):
    case = community["billing"]
    before = stored(case)
    response = api("manager").post(f"/api/cases/{case.pk}/notes", raw=raw)
    assert response.status_code == 400
    assert says in response.json()["error"]
    assert stored(case) == before


@pytest.mark.parametrize(("step", "body", "says"), [
    ("notes", {"text": 42}, "'text' must be a string, not a whole number"),
    ("notes", {"text": ["a"]}, "'text' must be a string, not an array"),
    ("notes", {"text": None}, "'text' must be a string, not null"),
    ("notes", {"text": {"$gt": ""}}, "'text' must be a string, not an object"),
    ("notes", {}, "'text' is missing"),
    ("notes", {"text": "ok", "admin": True}, "unknown field 'admin'"),
    ("notes", {"text": "x" * 10_001}, "at most 10000"),
    ("notes", {"text": "nul\x00byte"}, "NUL"),
    ("reach-out", {"body": "hi", "channel": "pigeon"}, "unknown channel 'pigeon'; choose one of dm, email, call"),
    ("reach-out", {"body": True}, "must be a string, not true/false"),
    ("assign", {"user": True}, "'user' must be"),
    ("assign", {"user": 1.5}, "'user' must be"),
    ("assign", {"user": -3}, "at least 1"),
    ("assign", {"user": 2**63}, "at most"),
    ("assign", {"user": 2**70}, "'user' must be a string or a whole number, not a number"),
    ("member-reply", {"text": "fine", "rating": 9}, "at most 5"),
    ("member-reply", {"text": "fine", "rating": "5"}, "'rating' must be a whole number, not a string"),
    ("member-reply", {"text": "fine", "rating": 4.5}, "'rating' must be a whole number, not a number"),
    ("mark-done", {"follow_up_after_hours": -1}, "at least 0"),
    ("mark-done", {"follow_up_after_hours": "soon"}, "must be a number"),
    ("dismiss", {"reason": "duplicate", "note": 3}, "'note' must be a string"),
])
def test_wrong_types_and_unknown_fields_are_400_naming_the_field(api, community, step, body, says):
    case = community["billing"]
    before = stored(case)
    response = api("manager").post(f"/api/cases/{case.pk}/{step}", body)
    assert response.status_code == 400, response.content
    assert says in response.json()["error"]
    assert stored(case) == before


def test_a_huge_body_is_413_before_it_is_read(api, community, settings):
    settings.CARELOOP_API_MAX_BODY = 10_000
    case = community["billing"]
    before = stored(case)
    client = api("manager")
    response = client.post(f"/api/cases/{case.pk}/notes", raw=b'{"text": "' + b"a" * 20_000 + b'"}')
    assert response.status_code == 413
    assert response.json()["limit"] == 10_000 and "limit" in response.json()["error"]
    assert stored(case) == before


def test_a_lying_content_length_is_refused(api, community):
    case = community["billing"]
    response = api("manager").client.generic("POST", f"/api/cases/{case.pk}/notes", b'{"text": "hi"}',
                                              content_type="application/json", CONTENT_LENGTH="10000000000")
    assert response.status_code == 413
    response = api("manager", "m2").client.generic("POST", f"/api/cases/{case.pk}/notes", b'{"text": "hi"}',
                                                   content_type="application/json", CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_hostile_text_is_stored_as_text_and_given_back_unchanged(api, community):
    case = community["billing"]
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)> \u202e "quotes" ünïcødé 🙂'
    client = api("manager")
    assert client.post(f"/api/cases/{case.pk}/notes", {"text": payload}).status_code == 201
    event = client.get(f"/api/cases/{case.pk}").json()["events"][-1]
    assert event["details"]["text"] == payload


def test_an_empty_body_counts_as_an_empty_object(api, community):
    case = community["billing"]
    client = api("manager")
    response = client.client.post(f"/api/cases/{case.pk}/assign", b"", content_type="application/json")
    assert response.status_code == 200 and response.json()["case"]["assignee"] == "manager-user"


def test_a_form_post_is_refused(api, session_api, community):
    case = community["billing"]
    client = Client(headers={"Authorization": f"Bearer {api('manager').client.token}"})
    before = stored(case)
    response = client.post(f"/api/cases/{case.pk}/notes", {"text": "a form"})  # multipart, as a browser form
    assert response.status_code == 415 and "application/json" in response.json()["error"]
    browser = session_api("manager", "maria")
    browser.client.get(f"/cases/{case.pk}/")
    csrf = browser.client.cookies["csrftoken"].value
    response = browser.client.post(f"/api/cases/{case.pk}/mark-done", {"csrfmiddlewaretoken": csrf, "note": "x"})
    assert response.status_code == 415
    assert stored(case) == before


def test_a_reply_recorded_through_the_api_says_who_recorded_it(api, community):
    """The words are the member's; the timeline entry is the teammate's who sent it in (as on the case page)."""
    from careloop.cases.models import CaseEvent

    case = community["billing"]
    client = api("manager", "maria")
    assert client.post(f"/api/cases/{case.pk}/member-reply", {"text": "It happened again."}).status_code == 200
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).latest("id")
    assert event.details["recorded_by"] == "maria" and event.actor.get_username() == "maria"
