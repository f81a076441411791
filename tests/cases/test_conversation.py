"""conversation(case): the public post first, then the private messages both ways in the order they were said,
each with who wrote it, how, and (the team's) whether it arrived — a failed one with its error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from careloop.cases import outbox
from careloop.cases.conversation import MEMBER, POST, TEAM, conversation
from careloop.cases.follow_up import read_replies, record_member_reply
from careloop.cases.reach_out import reach_out, send_private_message
from careloop.community.models import Source
from careloop.connectors.base import PermanentFailure, PrivateReply
from tests.web.conftest import community, recording  # noqa: F401 - the same small community

pytestmark = pytest.mark.django_db


def test_both_directions_in_order_with_a_failed_message(community, recording):  # noqa: F811
    maria = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    case = community["billing"]
    reach_out(case, maria, "Hi Anna, sorry about the double charge. Can we talk?", "dm",
              public_note="We have sent you a private message.")
    outbox.send_due()
    recording.replies.append(PrivateReply(sender=case.member.external_id, body="Yes please, it was 12 euros.",
                                          external_id="reply-1", at=datetime.now(UTC)))
    assert read_replies(Source.objects.get(pk=case.source_id)) == 1
    recording.failures.append(PermanentFailure("the member does not accept direct messages"))
    send_private_message(case, maria, "Thanks Anna, billing is refunding the 12 euros.")
    outbox.send_due()
    case.refresh_from_db()
    record_member_reply(case, "She called: the refund arrived.", rating=4, recorded_by=maria,
                        use_classifier=False, came_by="phone")

    turns = conversation(case)
    assert [t.side for t in turns] == [POST, TEAM, MEMBER, TEAM, MEMBER]
    post, first, reply, failed, by_phone = turns
    assert post.body.startswith("I was charged twice") and post.author == "Member anna" and post.post_id == case.post_id
    assert (first.author, first.channel, first.status, first.error) == ("maria", "dm", "sent", "")
    assert first.sent_at is not None and not first.failed
    assert "private message" not in [t.body for t in turns]  # the public note is in the thread, not in the chat
    assert (reply.body, reply.author, reply.channel, reply.recorded_by) == (
        "Yes please, it was 12 euros.", "Member anna", "dm", "")  # read from the platform: the member's own
    assert failed.status == "failed" and failed.failed and "does not accept direct messages" in failed.error
    assert failed.message_id == case.outbox.get(body__startswith="Thanks Anna").pk
    assert (by_phone.recorded_by, by_phone.channel, by_phone.rating) == ("maria", "phone", 4)  # by hand
    assert [t.at for t in turns[1:]] == sorted(t.at for t in turns[1:])

    as_json = [t.as_dict() for t in turns]
    assert as_json[3]["status"] == "failed" and as_json[3]["error"] and as_json[3]["message_id"] == failed.message_id
    assert as_json[4] == {"side": "member", "at": by_phone.at.isoformat(), "author": "Member anna",
                          "body": "She called: the refund arrived.", "channel": "phone", "recorded_by": "maria",
                          "rating": 4}


def test_a_case_without_messages_is_its_post(community):  # noqa: F811
    assert [(t.side, t.body) for t in conversation(community["login"])] == [(POST, "Login broken since 2.3")]


def test_how_a_recorded_reply_came_is_one_of_a_few(community):  # noqa: F811
    maria = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    with pytest.raises(ValueError, match="unknown way the reply came"):
        record_member_reply(community["billing"], "Thanks", recorded_by=maria, came_by="pigeon")
    record_member_reply(community["billing"], "Thanks", recorded_by=maria)
    assert conversation(community["billing"])[-1].channel == ""  # not said: "another way"
