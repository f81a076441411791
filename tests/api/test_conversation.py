"""GET /api/cases/ID has the conversation the case page draws: the post, then the messages both ways in order."""

from __future__ import annotations

import pytest

from careloop.cases import outbox
from careloop.connectors.base import PermanentFailure

pytestmark = pytest.mark.django_db


def test_the_case_detail_has_the_conversation(api, community, recording):
    client = api("manager")
    case = community["billing"]
    url = f"/api/cases/{case.pk}"
    message_id = client.post(f"{url}/reach-out", {"body": "Hi Anna, can we talk?"}).json()["message"]["id"]
    recording.failures.append(PermanentFailure("the member does not accept direct messages"))
    assert outbox.send_due() == 1
    assert client.post(f"{url}/member-reply", {"text": "She phoned: yes, let's talk.", "rating": 3,
                                                "came_by": "phone"}).status_code == 200

    turns = api("viewer").get(url).json()["conversation"]
    assert [t["side"] for t in turns] == ["post", "team", "member"]
    assert turns[0]["post_id"] == case.post_id
    team = turns[1]
    assert (team["message_id"], team["status"], team["channel"], team["author"], team["body"]) == (
        message_id, "failed", "dm", client.user.get_username(), "Hi Anna, can we talk?")
    assert "does not accept direct messages" in team["error"] and team["sent_at"] is None
    member = turns[2]
    assert (member["recorded_by"], member["rating"], member["channel"]) == (client.user.get_username(), 3, "phone")
    assert client.post(f"{url}/member-reply", {"text": "x", "came_by": "pigeon"}).status_code == 400
