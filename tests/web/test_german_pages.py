"""Every page in the German UI: no message of the English catalogue is left in English on it (the case page
with a worked-through timeline, the reasons listening wrote, the queue, threads, member, dashboard, settings)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import careloop.web
from careloop.cases import act, follow_up, people, state
from careloop.cases.models import Case, CaseState
from careloop.community.models import Member, Source
from careloop.web.models import Preference
from tests.web.test_i18n import _po_entries

pytestmark = pytest.mark.django_db
PO = Path(careloop.web.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
SAME_IN_GERMAN = {"Name", "Admin", "Manager", "Dashboard", "Team", "Thread", "Threads", "Ticket", "Moderation",
                  "Chat in #%(channel)s", "Chat in #%(channel)s, %(day)s", "Status", "E-Mail", "Service-Level"}


class Text(HTMLParser):
    """The words a reader sees: text between tags and the title, placeholder and aria-label attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("script", "style")
        self.parts += [v for k, v in attrs if k in ("title", "placeholder", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.parts.append(" ".join(data.split()))


def english_phrases() -> list[tuple[str, re.Pattern]]:
    """Each English message (its fixed words around any %(name)s) that German says differently."""
    out = []
    for entry in _po_entries(PO.read_text(encoding="utf-8")):
        if "msgid" not in entry:  # an obsolete entry (#~)
            continue
        for english, german in ((entry["msgid"], entry.get("msgstr") or entry.get("msgstr[0]", "")),
                                (entry.get("msgid_plural", ""), entry.get("msgstr[1]", ""))):
            if not english or english == german or english in SAME_IN_GERMAN:
                continue
            pieces = [re.escape(re.sub(r"\s+", " ", p)) for p in re.split(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}", english)]
            if sum(len(p.strip()) for p in pieces) < 4:  # "%(n)s h", "–": nothing to tell languages apart
                continue
            out.append((english, re.compile("^" + r".+?".join(pieces) + "$")))
    return out


def test_every_page_is_german(login, community, recording):
    client = login("manager")
    Preference.objects.create(user=client.user, language="de")
    case = community["billing"]
    Case.objects.filter(pk=case.pk).update(reasons=[
        "a problem the team should act on (91% by the thread judgment; cases open from 48%)",
        "severity 2 (a real problem): double charge", "it begins with this post",
        "Risk: 3 members are negative here", "Risk: no reply from the team for 7 h"])
    case.refresh_from_db()
    act.assign(case, client.user, to_user=client.user)
    act.add_action_item(case, client.user, "Rückerstattung prüfen")
    state.transition(case, CaseState.REACHING_OUT, client.user, channel="dm")
    follow_up.record_member_reply(case, "Danke!", use_classifier=False, recorded_by=client.user)
    act.mark_action_done(case, client.user)
    act.dismiss(community["login"], client.user, "duplicate")
    # one person, several accounts (cases/people.py): anna is linked to her Matrix account, an undone link and a
    # suggestion on the record, so the member page shows its accounts, suggestions and links in German
    anna = case.member
    matrix = Source.objects.create(name="matrix", kind="matrix")
    toot = Source.objects.create(name="toot", kind="mastodon")
    on_matrix = Member.objects.create(source=matrix, external_id="@anna:matrix.org", handle=anna.handle)
    on_toot = Member.objects.create(source=toot, external_id="7", handle=f"{anna.handle}@example.social")
    people.link(anna, on_matrix, client.user)
    people.link(anna, on_toot, client.user)
    people.unlink(on_toot, client.user, note="eine andere Anna")
    jonas = login("agent", "jonas")
    act.add_note(case, jonas.user, f"@{client.user.get_username()} bitte die Erstattung prüfen")  # a notification
    pages = {"queue": "/", "closed": "/?state=closed", "case": f"/cases/{case.pk}/",
             "closed case": f"/cases/{community['login'].pk}/", "threads": "/threads/",
             "thread": f"/threads/{case.thread_id}/", "member": f"/members/{case.member_id}/",
             "dashboard": "/dashboard/", "settings": "/settings/", "preferences": "/me/",
             "two-factor set-up": "/me/two-factor/", "notifications": "/notifications/"}
    phrases = english_phrases()
    assert len(phrases) > 300  # the catalogue was read
    left = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, name
        parser = Text()
        parser.feed(response.content.decode())
        assert 'lang="de"' in response.content.decode()
        for text in parser.parts:
            left += [(name, english, text) for english, pattern in phrases if pattern.match(text)]
    why = client.get(f"/cases/{case.pk}/").content.decode()
    assert "ein Problem, um das sich das Team kümmern sollte (91% laut dem Urteil über den Thread; Fälle öffnen ab " \
           "48%)" in why and "Schwere 2 (ein echtes Problem): double charge" in why
    assert "Risiko: 3 Mitglieder äußern sich hier negativ" in why and "es beginnt mit diesem Beitrag" in why
    person = client.get(f"/members/{case.member_id}/").content.decode()
    assert "Eine Person, 2 Konten" in person and "Vielleicht dieselbe Person" in person
    assert "derselbe Benutzername „h_anna“ in einer anderen Quelle" in person and "Verknüpfung lösen" in person
    assert "auch auf:" in why
    assert "Neu → Ansprechen: über private Nachricht" in why and "vor 0 Minuten" not in why  # grammatical German
    assert not left, "\n".join(f"{name}: {english!r} in {text!r}" for name, english, text in left)


def test_the_waiting_column_reads_as_german(login, community):
    client = login("viewer")
    Preference.objects.create(user=client.user, language="de")
    html = client.get("/").content.decode()
    assert "<th>Wartet</th>" in html and "Wartet seit" not in html
    assert re.search(r'<time datetime="[^"]+" title="[^"]*">\d+\s(Stunden|Tag|Tage)</time>', html)


def test_a_german_speakers_read_of_the_case_page(login, community):
    """What a German speaker's read found (2026-12-04): dates as "4. Dez", "fällig in 2 Tage" (needs the dative),
    formal "Sie"/"Ihre" beside the informal "du" everywhere else, "Ctrl" where German keyboards say "Strg"."""
    client = login("manager")
    Preference.objects.create(user=client.user, language="de")
    case = community["billing"]
    act.assign(case, client.user, to_user=client.user)
    state.transition(case, CaseState.REACHING_OUT, client.user, channel="dm")
    follow_up.record_member_reply(case, "Danke!", use_classifier=False, recorded_by=client.user)
    act.mark_action_done(case, client.user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    queue = client.get("/").content.decode()
    for html in (page, queue):
        assert not re.search(r">\d{1,2} (Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)\b", html)  # "4 Dez"
        assert not re.search(r"fällig in \d+ (Tage|Stunden|Minuten)\b", html)
        assert "<kbd>Strg</kbd>" in html and "<kbd>Ctrl</kbd>" not in html
        assert not re.search(r"\b(Sie|Ihre)\b", html.replace("Sie kam", ""))
    assert re.search(r">\d{1,2}\. (Dez|Nov|Jan), \d\d:\d\d<", page) and "Bewertung des Mitglieds" in page
    assert "Nachfrage fällig: noch 2 Tage" in queue
