"""The case page shows the private conversation as a chat: the complaint first, the team's messages (right) and
the member's replies (left) in order, a failed message marked with its error and a retry; the timeline stays."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from careloop.cases import outbox
from careloop.cases.follow_up import read_replies
from careloop.cases.reach_out import reach_out, send_private_message
from careloop.community.models import Source
from careloop.connectors.base import PermanentFailure, PrivateReply

pytestmark = pytest.mark.django_db


def chat(html: str) -> str:
    return html[html.index('id="conversation"'):html.index('id="reach"')]


def test_the_conversation_is_a_chat_in_order(login, community, recording):
    client = login("manager")
    case = community["billing"]
    reach_out(case, client.user, "Hi Anna, sorry about the double charge. Can we talk?", "dm")
    outbox.send_due()
    recording.replies.append(PrivateReply(sender=case.member.external_id, body="Yes, it was 12 euros.",
                                          external_id="reply-1", at=datetime.now(UTC)))
    assert read_replies(Source.objects.get(pk=case.source_id)) == 1
    recording.failures.append(PermanentFailure("the member does not accept direct messages"))
    case.refresh_from_db()
    send_private_message(case, client.user, "Billing is refunding the 12 euros.")
    outbox.send_due()
    assert client.post(f"/cases/{case.pk}/step", {"do": "reply", "text": "She phoned to say thanks.",
                                                  "came_by": "phone"}).status_code == 302

    html = client.get(f"/cases/{case.pk}/").content.decode()
    part = chat(html)
    sides = re.findall(r'<li class="turn turn-(\w+)', part)
    assert sides == ["post", "team", "member", "team", "member"]
    order = [part.index(s) for s in ("I was charged twice", "Hi Anna, sorry", "Yes, it was 12 euros.",
                                     "Billing is refunding", "She phoned to say thanks.")]
    assert order == sorted(order)
    failed = part[part.index('class="turn turn-team failed"'):]
    failed = failed[:failed.index("</li>")]
    assert "does not accept direct messages" in failed and 'value="retry_message"' in failed
    assert "write-again" in failed
    assert "by phone, recorded by manager-user" in part
    assert "How it came" in html[html.index('id="timeline"'):]  # the timeline says so too
    assert html.index('id="conversation"') < html.index('id="reach"') < html.index('id="timeline"')  # composer under
    assert "private message" in part  # the channel, in words

    viewer = login("viewer").get(f"/cases/{case.pk}/").content.decode()
    assert "does not accept direct messages" in viewer and 'value="retry_message"' not in viewer  # may not send

    send_private_message(case, client.user, "One more thing, Anna.")  # queued: it can still be stopped
    part = chat(client.get(f"/cases/{case.pk}/").content.decode())
    queued = part[part.index('class="turn turn-team queued"'):]
    queued = queued[:queued.index("</li>")]
    assert "One more thing, Anna." in queued and 'value="cancel_message"' in queued
    assert 'value="retry_message"' not in queued and "write-again" not in queued


def test_a_new_case_says_the_chat_is_empty(login, community):
    part = chat(login("manager").get(f"/cases/{community['billing'].pk}/").content.decode())
    assert re.findall(r'<li class="turn turn-(\w+)', part) == ["post"]
    assert 'id="chat-empty"' in part


def test_the_chat_in_german(login, community):
    from careloop.web.models import Preference

    client = login("manager")
    Preference.objects.create(user=client.user, language="de")
    case = community["billing"]
    client.post(f"/cases/{case.pk}/step", {"do": "reply", "text": "Danke!", "came_by": "phone"})
    part = chat(client.get(f"/cases/{case.pk}/").content.decode())
    assert "Gespräch mit dem Mitglied" in part and "öffentlicher Beitrag" in part
    assert "telefonisch, erfasst von manager-user" in part
