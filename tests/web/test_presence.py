"""Issue 15, item 6: someone else is on this case. An open case page beats (careloop/web/presence.py); others
opening it see who is viewing and who is writing; a beat older than CARELOOP_PRESENCE_SECONDS is gone; a role that
may not write is only ever seen viewing; a reply begun after the page was opened brings a warning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from careloop.web import presence as pr
from careloop.web.models import CasePresence, Preference
from careloop.web.roles import set_role

pytestmark = pytest.mark.django_db


def _person(name: str, role: str = "manager") -> User:
    user = User.objects.create_user(name, f"{name}@example.org", "a-long-password")
    set_role(user, role)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_others_see_who_views_and_who_writes(community):
    case = community["billing"]
    jonas, mara, priya = _person("jonas"), _person("mara"), _person("priya")
    pr.note_presence(case, jonas)
    pr.note_presence(case, mara, "writing")
    pr.note_presence(case, priya, "noting")
    seen = pr.others_on(case, jonas)
    assert [(p.name, p.state) for p in seen] == [("mara", "writing"), ("priya", "noting")]  # never oneself
    assert [pr.in_words(p) for p in seen] == ["mara is writing a reply…", "priya is writing a note…"]
    assert [pr.in_words(p) for p in pr.others_on(case, mara)] == ["priya is writing a note…",
                                                                  "jonas is viewing this case"]
    assert pr.others_on(community["login"], jonas) == []  # only on the case they are on


def test_a_beat_older_than_the_expiry_is_gone_and_removed(community, settings):
    settings.CARELOOP_PRESENCE_SECONDS = 30
    case, other = community["billing"], community["login"]
    jonas, mara = _person("jonas"), _person("mara")
    start = timezone.now()
    pr.note_presence(case, jonas, now=start)
    pr.note_presence(other, jonas, now=start)
    assert [p.name for p in pr.others_on(case, mara, now=start + timedelta(seconds=29))] == ["jonas"]
    assert pr.others_on(case, mara, now=start + timedelta(seconds=31)) == []  # expired: not shown
    assert CasePresence.objects.count() == 2  # reading does not write
    pr.note_presence(case, mara, now=start + timedelta(seconds=31))  # the next beat of anyone removes stale rows
    assert list(CasePresence.objects.values_list("user__username", "case_id")) == [("mara", case.pk)]
    settings.CARELOOP_PRESENCE_SECONDS = 5  # the setting decides
    pr.note_presence(case, jonas, now=start + timedelta(seconds=40))
    assert pr.others_on(case, mara, now=start + timedelta(seconds=44)) != []
    assert pr.others_on(case, mara, now=start + timedelta(seconds=46)) == []


def test_one_row_per_person_and_case_and_writing_keeps_when_it_began(community):
    case = community["billing"]
    jonas, mara = _person("jonas"), _person("mara")
    start = timezone.now()
    pr.note_presence(case, jonas, now=start)
    pr.note_presence(case, jonas, "writing", now=start + timedelta(seconds=5))
    pr.note_presence(case, jonas, "writing", now=start + timedelta(seconds=15))  # typing goes on
    row = CasePresence.objects.get()
    assert (row.state, row.writing_since, row.seen_at) == ("writing", start + timedelta(seconds=5),
                                                           start + timedelta(seconds=15))
    pr.note_presence(case, jonas, "viewing", now=start + timedelta(seconds=20))
    row.refresh_from_db()
    assert (row.state, row.writing_since) == ("viewing", None)
    pr.note_presence(case, jonas, "writing", now=start + timedelta(seconds=25))
    assert CasePresence.objects.get().writing_since == start + timedelta(seconds=25)  # a new start
    seen = pr.others_on(case, mara, now=start + timedelta(seconds=26))
    assert pr.warning(seen, opened_at=start + timedelta(seconds=21)).startswith("jonas started writing a reply after")
    assert pr.warning(seen, opened_at=start + timedelta(seconds=25)) == ""  # began before (or as) the page opened


def test_who_may_not_write_is_seen_viewing(community):
    case = community["billing"]  # assigned to nobody: an agent may not send on it, a viewer on no case
    viewer, agent, jonas = _person("vera", "viewer"), _person("alex", "agent"), _person("jonas")
    assert pr.note_presence(case, viewer, "writing") == "viewing"
    assert pr.note_presence(case, viewer, "noting") == "viewing"
    assert pr.note_presence(case, agent, "writing") == "viewing"
    assert [(p.name, p.state) for p in pr.others_on(case, jonas)] == [("alex", "viewing"), ("vera", "viewing")]
    case.assignee = agent
    case.save(update_fields=["assignee"])
    assert pr.note_presence(case, agent, "writing") == "writing"  # their own case


def test_the_case_page_shows_the_line_and_the_heartbeat_answers(community):
    case = community["billing"]
    jonas, mara = _person("jonas"), _person("mara")
    as_jonas, as_mara = _client(jonas), _client(mara)
    html = as_jonas.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="presence"' in html and f'data-url="/cases/{case.pk}/presence"' in html
    assert "is viewing this case" not in html  # nobody else is here yet
    html = as_mara.get(f"/cases/{case.pk}/").content.decode()  # opening the page is a beat
    assert "jonas is viewing this case" in html
    opened = timezone.now().isoformat()
    answer = as_jonas.post(f"/cases/{case.pk}/presence", {"state": "writing", "opened": opened}).json()
    assert answer["state"] == "writing"
    assert answer["others"] == [{"name": "mara", "state": "viewing", "text": "mara is viewing this case"}]
    answer = as_mara.post(f"/cases/{case.pk}/presence", {"state": "viewing", "opened": opened}).json()
    assert answer["others"][0]["text"] == "jonas is writing a reply…"
    assert answer["warning"].startswith("jonas started writing a reply after you opened this case")
    assert as_mara.post(f"/cases/{case.pk}/presence", {"state": "dancing"}).status_code == 400
    assert as_mara.post(f"/cases/{case.pk}/presence", {"opened": "yesterday"}).status_code == 400
    assert as_mara.get(f"/cases/{case.pk}/presence").status_code == 405
    assert as_mara.post("/cases/999999/presence", {"state": "viewing"}).status_code == 404
    assert Client().post(f"/cases/{case.pk}/presence", {"state": "viewing"}).status_code == 302  # log in first


def test_the_heartbeat_speaks_german(community):
    case = community["billing"]
    jonas, mara = _person("jonas"), _person("mara")
    Preference.objects.create(user=mara, language="de")
    pr.note_presence(case, jonas, "writing")
    answer = _client(mara).post(f"/cases/{case.pk}/presence", {"state": "viewing"}).json()
    assert answer["others"][0]["text"] == "jonas schreibt gerade eine Antwort …"
    html = _client(mara).get(f"/cases/{case.pk}/").content.decode()
    assert "jonas schreibt gerade eine Antwort …" in html
