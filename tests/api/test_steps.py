"""Each step on a case is one call into the case loop: reach out, assign, notes, action items, ticket link, mark done,
member reply, judge satisfaction, dismiss; the loop's refusals come back as 409 or 400 and leave the case as it was."""

from __future__ import annotations

import pytest

from careloop.cases import outbox
from careloop.cases.models import Case, CaseEvent, OutboxMessage
from tests.api.conftest import stored

pytestmark = pytest.mark.django_db


def test_the_whole_loop_through_the_api(api, community, recording):
    client = api("manager")
    case = community["billing"]
    url = f"/api/cases/{case.pk}"

    sent = client.post(f"{url}/reach-out", {"body": "Hi Anna, sorry about the double charge. Can we talk?",
                                            "channel": "dm", "public_note": "We've sent you a private message."})
    assert sent.status_code == 202, sent.content
    body = sent.json()
    assert body["case"]["state"] == "reaching_out" and body["case"]["channel"] == "dm"
    assert body["message"]["purpose"] == "outreach" and body["message"]["status"] == "queued"
    assert outbox.send_due() == 2  # what the worker does: the private message and the public note
    assert [m.body for m in recording.sent] == ["Hi Anna, sorry about the double charge. Can we talk?",
                                                "We've sent you a private message."]

    assert client.post(f"{url}/assign", {}).json()["case"]["assignee"] == "manager-user"
    assert client.post(f"{url}/notes", {"text": "refund requested from billing"}).status_code == 201
    replied = client.post(f"{url}/member-reply", {"text": "Thanks, it was the annual plan."}).json()
    assert replied["case"]["state"] == "acting" and replied["reading"] is None

    done = client.post(f"{url}/mark-done", {"note": "refunded", "follow_up_after_hours": 0.5}).json()
    assert done["case"]["state"] == "following_up" and done["event"]["to_state"] == "following_up"
    assert done["case"]["follow_up_due_at"] is not None

    happy = client.post(f"{url}/member-reply", {"text": "yes, it works now", "rating": 5}).json()
    assert happy["case"]["state"] == "resolved" and happy["case"]["satisfaction"] == 5
    assert happy["reading"] == {"satisfied": True, "how": "rating", "rating": 5, "detail": happy["reading"]["detail"]}
    assert OutboxMessage.objects.filter(case=case, purpose="closing").count() == 1

    timeline = client.get(url).json()["events"]
    moves = [(e["from_state"], e["to_state"]) for e in timeline if e["kind"] == "transition"]
    assert moves == [("new", "reaching_out"), ("reaching_out", "acting"), ("acting", "following_up"),
                     ("following_up", "resolved")]


def test_reaching_out_again_on_an_acting_case_sends_a_private_message(api, community, recording):
    client = api("manager")
    case = community["billing"]
    client.post(f"/api/cases/{case.pk}/reach-out", {"body": "Hi Anna"})
    client.post(f"/api/cases/{case.pk}/member-reply", {"text": "hello"})
    again = client.post(f"/api/cases/{case.pk}/reach-out", {"body": "Which card was charged?"})
    assert again.status_code == 202 and again.json()["case"]["state"] == "acting"
    assert again.json()["message"]["channel"] == "dm"
    outbox.send_due()
    assert [m.body for m in recording.sent][-1] == "Which card was charged?"
    refused = client.post(f"/api/cases/{case.pk}/reach-out", {"body": "x", "public_note": "hello all"})
    assert refused.status_code == 400 and "first outreach" in refused.json()["error"]


def test_assign_to_a_teammate_by_name_or_id_or_to_a_team(api, make_user, community):
    client = api("manager")
    ben = make_user("agent", "ben")
    case = community["login"]
    assert client.post(f"/api/cases/{case.pk}/assign", {"user": "ben"}).json()["case"]["assignee"] == "ben"
    assert client.post(f"/api/cases/{case.pk}/assign", {"user": client.user.pk}).json()["case"]["assignee"] == \
        "manager-user"
    team = client.post(f"/api/cases/{case.pk}/assign", {"team": "billing"}).json()
    assert team["case"]["team"] == "billing" and team["case"]["assignee"] is None
    assert team["event"]["kind"] == "assigned" and team["event"]["details"]["team"] == "billing"
    assert ben.pk != client.user.pk
    before = stored(case)
    for who in ("nobody", 424242):
        response = client.post(f"/api/cases/{case.pk}/assign", {"user": who})
        assert response.status_code == 400 and "no active user" in response.json()["error"]
    assert stored(case) == before


def test_dismiss_needs_a_known_reason(api, community):
    client = api("manager")
    case = community["login"]
    before = stored(case)
    bad = client.post(f"/api/cases/{case.pk}/dismiss", {"reason": "boring"})
    assert bad.status_code == 400 and "unknown reason 'boring'; dismiss with one of" in bad.json()["error"]
    assert client.post(f"/api/cases/{case.pk}/dismiss", {}).status_code == 400
    assert stored(case) == before
    ok = client.post(f"/api/cases/{case.pk}/dismiss", {"reason": "handled_elsewhere", "note": "phoned her"})
    assert ok.status_code == 200 and ok.json()["case"]["state"] == "dismissed"
    assert ok.json()["event"]["details"] == {"reason": "handled_elsewhere", "note": "phoned her"}


def test_a_step_the_state_does_not_allow_is_409_and_changes_nothing(api, community):
    client = api("manager")
    dismissed = community["dismissed"]
    before = stored(dismissed)
    again = client.post(f"/api/cases/{dismissed.pk}/dismiss", {"reason": "duplicate"})
    assert again.status_code == 409 and again.json()["error"]
    assert client.post(f"/api/cases/{dismissed.pk}/mark-done", {}).status_code == 409
    assert stored(dismissed) == before


def test_the_loops_own_input_checks_come_back_as_400(api, community):
    client = api("manager")
    case = community["billing"]
    before = stored(case)
    for step, body in (("reach-out", {"body": "   "}), ("notes", {"text": "  "}), ("member-reply", {"text": " "})):
        response = client.post(f"/api/cases/{case.pk}/{step}", body)
        assert response.status_code == 400, step
        assert "empty" in response.json()["error"], step
    assert stored(case) == before


def test_reach_out_by_email_uses_the_members_address(api, community, recording, monkeypatch):
    from careloop.community.models import Source
    from careloop.connectors import base

    Source.objects.create(name="support-mail", kind=Source.Kind.EMAIL)  # e-mail goes out through it
    monkeypatch.setitem(base._factories, "email", recording)
    client = api("admin")
    case = community["login"]
    response = client.post(f"/api/cases/{case.pk}/reach-out", {"body": "Hello Eve", "channel": "email",
                                                                "subject": "Your login"})
    assert response.status_code == 202
    message = OutboxMessage.objects.get(case=case)
    assert message.recipient == "eve@example.org" and message.subject == "Your login"
    assert Case.objects.get(pk=case.pk).state == "reaching_out"
    assert outbox.send_due() == 1
    assert [(m.recipient, m.subject, m.body) for m in recording.sent] == [("eve@example.org", "Your login",
                                                                           "Hello Eve")]
    assert CaseEvent.objects.filter(case=case, kind="message_out").count() == 1


def test_a_failed_message_is_retried_or_stopped_through_the_api(api, community, recording):
    from careloop.connectors.base import PermanentFailure

    client = api("manager")
    case = community["billing"]
    url = f"/api/cases/{case.pk}"
    message_id = client.post(f"{url}/reach-out", {"body": "Hi Anna, can we talk?"}).json()["message"]["id"]
    recording.failures.append(PermanentFailure("the member does not accept direct messages"))
    assert outbox.send_due() == 1
    shown = client.get(url).json()["messages"][0]
    assert shown["status"] == "failed" and "does not accept direct messages" in shown["last_error"]

    assert api("viewer").post(f"{url}/messages/{message_id}/retry").status_code == 403
    assert client.post(f"{url}/messages/99999/retry").status_code == 404
    retried = client.post(f"{url}/messages/{message_id}/retry")
    assert retried.status_code == 200 and retried.json()["message"]["status"] == "queued"
    assert outbox.send_due() == 1 and [m.body for m in recording.sent] == ["Hi Anna, can we talk?"]
    again = client.post(f"{url}/messages/{message_id}/retry")
    assert again.status_code == 409 and "only failed or unsure" in again.json()["error"]
    assert client.post(f"{url}/messages/{message_id}/cancel").status_code == 409  # it is out: nothing to stop

    second = client.post(f"{url}/reach-out", {"body": "One more thing."}).json()["message"]["id"]
    stopped = client.post(f"{url}/messages/{second}/cancel")
    assert stopped.status_code == 200 and stopped.json()["message"]["status"] == "cancelled"
    assert outbox.send_due() == 0 and len(recording.sent) == 1
    kinds = [e["details"].get("what") for e in client.get(url).json()["events"] if e["kind"] == "action"]
    assert "retry_message" in kinds and "cancel_message" in kinds


def test_the_checklist_the_ticket_and_the_judgement_through_the_api(api, community):
    client = api("manager")
    case = community["billing"]
    url = f"/api/cases/{case.pk}"

    added = client.post(f"{url}/items", {"text": "Refund the second charge"})
    assert added.status_code == 201, added.content
    item = added.json()["item"]
    assert item["text"] == "Refund the second charge" and item["done"] is False
    done = client.post(f"{url}/items/{item['id']}/done")
    assert done.status_code == 200 and done.json()["item"]["done"] is True
    assert client.post(f"{url}/items/424242/done").status_code == 404
    assert client.get(url).json()["action_items"][0]["done"] is True

    linked = client.post(f"{url}/ticket", {"url": "https://tracker.example.org/issues/42", "title": "Refund"})
    assert linked.status_code == 200 and linked.json()["case"]["ticket_url"] == "https://tracker.example.org/issues/42"

    before = stored(case)
    for step, body, status, says in (
            ("items", {"text": " "}, 400, "the action item is empty"),
            ("ticket", {"url": "javascript:alert(1)"}, 400, "starts with http:// or https://"),
            ("judge", {}, 400, "'satisfied' is missing"),
            ("judge", {"satisfied": "yes"}, 400, "'satisfied' must be true/false"),
            ("judge", {"satisfied": True}, 409, "cannot move to resolved")):
        response = client.post(f"{url}/{step}", body)
        assert response.status_code == status, (step, response.content)
        assert says in response.json()["error"], step
    assert stored(case) == before
