"""The case page's timeline reads as sentences with dates for people, not as stored data; the member page's
back link returns where the reader came from; a chat thread without a title gets a readable name."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from careloop.cases import act, follow_up, state
from careloop.cases.follow_up import flag_overdue
from careloop.cases.models import CaseState
from careloop.community.models import Thread

pytestmark = pytest.mark.django_db


def test_events_are_sentences_with_dates(login, community):
    client = login("manager")
    case = community["billing"]
    act.assign(case, client.user, team="billing")
    act.add_action_item(case, client.user, "refund the second charge")
    state.transition(case, CaseState.REACHING_OUT, client.user, channel="dm")
    follow_up.record_member_reply(case, "Thanks, that was quick", use_classifier=False, recorded_by=client.user)
    act.mark_action_done(case, client.user, follow_up_after=timedelta(hours=20))
    flag_overdue(case, "no follow-up within 20 h of the action being done")
    flag_overdue(case, "no follow-up within 20 h of the action being done")  # flagged once: no second entry
    html = client.get(f"/cases/{case.pk}/").content.decode()
    timeline = html[html.index('id="timeline"'):]
    assert "Given to the team billing" in timeline
    assert "ben said “me too”" in timeline and "cara said “me too”" in timeline
    assert "anna&#x27;s reply, recorded by manager-user (it came another way)" in timeline
    assert "New → Reaching out: by private message" in timeline
    assert "Reaching out → Acting: the member replied" in timeline
    assert "Action item added" in timeline and "refund the second charge" in timeline
    assert "Follow-up scheduled" in timeline
    due = timezone.localtime(case.follow_up_due_at)
    assert f"{due.day} {due:%b %Y}, {due:%H:%M}" in timeline  # a date for people, not ISO
    shown = re.sub(r'(datetime|title)="[^"]*"', "", timeline.split("</section>")[0])  # what a reader sees
    for raw in ("to_user", "self_assigned", "due_at", "member 1", "post 1", "T0", "+00:00", "True"):
        assert raw not in shown, raw
    assert timeline.count("Overdue: no follow-up within 20 h") == 1


def test_the_checklist_button_says_what_it_does(login, community):
    client = login("manager")
    act.add_action_item(community["billing"], client.user, "refund")
    html = client.get(f"/cases/{community['billing'].pk}/").content.decode()
    assert "Tick off</button>" in html and ">done</button>" not in html


def test_the_member_page_goes_back_where_you_came_from(login, community):
    client = login("viewer")
    member = community["members"]["anna"]
    thread = community["posts"]["1"].thread_id
    came_from = f"http://testserver/threads/{thread}/?page=1"
    html = client.get(f"/members/{member.pk}/", headers={"referer": came_from}).content.decode()
    assert f'href="/threads/{thread}/?page=1" id="back">← Thread' in html
    html = client.get(f"/members/{member.pk}/", headers={"referer": "https://evil.example/x"}).content.decode()
    assert 'href="/" id="back">← Queue' in html
    assert 'href="/" id="back">← Queue' in client.get(f"/members/{member.pk}/").content.decode()


def test_a_chat_thread_without_a_title_gets_a_readable_name(login, community):
    thread = Thread.objects.get(pk=community["posts"]["5"].thread_id)
    Thread.objects.filter(pk=thread.pk).update(title="", channel="support", external_id="ct-239")
    html = login("viewer").get(f"/threads/{thread.pk}/").content.decode()
    title = html[html.index("<title>"):html.index("</title>")]
    assert "Chat in #support, " in title and "ct-239" not in title
