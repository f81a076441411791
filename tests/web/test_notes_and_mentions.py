"""Internal notes on the case page: a mention tells the teammate (the header's badge, the notifications page, an
e-mail), the note is a card apart from the messages with the mention marked; the notifications page in German."""

from __future__ import annotations

import pytest
from django.core import mail

from careloop.cases import act
from careloop.cases.models import Mention
from careloop.web.models import Preference

pytestmark = pytest.mark.django_db


def test_a_note_from_the_case_page_tells_the_teammate(login, community, django_capture_on_commit_callbacks):
    jonas, mara = login("manager", "jonas"), login("agent", "mara")
    case = community["billing"]
    with django_capture_on_commit_callbacks(execute=True):
        response = jonas.post(f"/cases/{case.pk}/step", {"do": "note", "text": "@mara <b>can</b> you call Anna?"})
    assert response.status_code == 302
    mention = Mention.objects.get()
    assert mention.recipient == mara.user and len(mail.outbox) == 1 and mail.outbox[0].to == ["agent@example.org"]

    page = jonas.get(f"/cases/{case.pk}/").content.decode()
    assert '<div class="note-card">' in page and "Internal note · only the team sees it" in page
    assert '<mark class="mention">@mara</mark> &lt;b&gt;can&lt;/b&gt; you call Anna?' in page  # escaped, marked
    assert 'id="note-team"' in page and '"mara"' in page  # the names the composer offers after "@"
    chat = page[page.index('<ol class="chat" id="chat">'):page.index('id="chat-empty"') if 'id="chat-empty"' in page
                else page.index("</section>", page.index('<ol class="chat" id="chat">'))]
    assert '<li class="turn turn-note">' in chat and '<mark class="mention">@mara</mark>' in chat  # among the chat
    assert 'id="chat-empty"' in page  # a note is no message to the member: "No private message yet" still
    assert 'id="unread-badge"' not in page  # jonas was not mentioned

    home = mara.get("/").content.decode()
    assert '<span class="badge" id="unread-badge" title="unread">1</span>' in home
    listing = mara.get("/notifications/").content.decode()
    assert f"jonas mentioned you on case {case.pk}" in listing
    assert '<mark class="mention">@mara</mark> &lt;b&gt;can&lt;/b&gt; you' in listing
    opened = mara.get(f"/notifications/{mention.pk}/")
    assert opened.status_code == 302 and opened.url == f"/cases/{case.pk}/#event-{mention.event_id}"
    mention.refresh_from_db()
    assert mention.read_at is not None
    assert 'id="unread-badge"' not in mara.get("/").content.decode()


def test_nobody_opens_anothers_notification(login, community):
    jonas, mara, priya = login("manager", "jonas"), login("agent", "mara"), login("agent", "priya")
    act.add_note(community["billing"], jonas.user, "@mara look")
    mention = Mention.objects.get()
    assert priya.get(f"/notifications/{mention.pk}/").status_code == 404
    assert "Nobody has mentioned you yet." in priya.get("/notifications/").content.decode()
    mention.refresh_from_db()
    assert mention.read_at is None and mara.user.pk == mention.recipient_id


def test_mark_all_as_read(login, community):
    jonas, mara = login("manager", "jonas"), login("agent", "mara")
    act.add_note(community["billing"], jonas.user, "@mara one")
    act.add_note(community["login"], jonas.user, "@mara two")
    assert mara.post("/notifications/read").status_code == 302
    assert not Mention.objects.filter(read_at__isnull=True).exists()


def test_the_notifications_page_and_a_note_read_in_german(login, community):
    from tests.web.test_german_pages import Text, english_phrases

    jonas, mara = login("manager", "jonas"), login("agent", "mara")
    Preference.objects.create(user=mara.user, language="de")
    act.add_note(community["billing"], jonas.user, "@mara bitte anrufen")
    phrases = english_phrases()
    left = []
    case = community["billing"]
    for path in ("/notifications/", f"/cases/{case.pk}/", f"/members/{case.member_id}/"):
        html = mara.get(path).content.decode()
        parser = Text()
        parser.feed(html)
        left += [(path, english, text) for text in parser.parts for english, pattern in phrases if pattern.match(text)]
    assert not left, left
    html = mara.get("/notifications/").content.decode()
    assert "Benachrichtigungen" in html and f"jonas hat dich in Fall {community['billing'].pk} erwähnt" in html


def test_opening_the_case_reads_its_notifications(login, community):
    jonas, mara = login("manager", "jonas"), login("agent", "mara")
    act.add_note(community["billing"], jonas.user, "@mara billing")
    act.add_note(community["login"], jonas.user, "@mara login")
    assert mara.get(f"/cases/{community['billing'].pk}/").status_code == 200
    assert list(Mention.objects.filter(read_at__isnull=True).values_list("case_id", flat=True)) == [
        community["login"].pk]  # the other case's stays unread
    assert '<span class="badge" id="unread-badge" title="unread">1</span>' in mara.get("/").content.decode()
    jonas.get(f"/cases/{community['login'].pk}/")  # someone else opening it reads nothing of mara's
    assert Mention.objects.filter(read_at__isnull=True).count() == 1
