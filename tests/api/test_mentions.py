"""The API's note mentions a teammate through the same step as the web page and the command line."""

from __future__ import annotations

import pytest

from careloop.cases.models import Mention

pytestmark = pytest.mark.django_db


def test_a_note_by_api_mentions_the_teammate(api, make_user, community, django_capture_on_commit_callbacks):
    mara = make_user("agent", "mara")
    client = api("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/cases/{community['billing'].pk}/notes",
                               {"text": "@Mara can you check the refund?"})
    assert response.status_code == 201, response.content
    assert response.json()["event"]["details"]["mentions"] == ["mara"]
    mention = Mention.objects.get()
    assert mention.recipient == mara and mention.author == client.user and mention.emailed_at is not None
