"""English and German: the UI speaks the language the user chose, whatever the browser says."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

import careloop.web
from careloop.web.models import Preference

pytestmark = pytest.mark.django_db
LOCALE = Path(careloop.web.__file__).parent / "locale" / "de" / "LC_MESSAGES"


def test_a_user_who_chose_german_gets_german(login, community):
    client = login("manager")
    Preference.objects.create(user=client.user, language="de")
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert 'lang="de"' in html and "Was dich jetzt braucht" in html
    assert "Beschwerde über billing, 2 Mitglieder stimmen zu, seit 7 Std. unbeantwortet" in html
    case = client.get(f"/cases/{community['billing'].pk}/").content.decode()
    assert "2 Mitglieder sagen „ich auch“" in case and "Verlauf" in case and "Neu" in case


def test_without_a_choice_the_browser_decides(login, community):
    client = login("viewer")
    assert "Warteschlange" in client.get("/", headers={"accept-language": "de-DE,de;q=0.9"}).content.decode()
    assert "What needs you now" in client.get("/", headers={"accept-language": "en"}).content.decode()


def test_the_language_is_chosen_on_the_settings_page(login):
    client = login("viewer")
    assert client.post("/me/", {"language": "de"}).status_code == 302
    assert "Deine Einstellungen" in client.get("/me/").content.decode()
    assert Preference.objects.get(user=client.user).language == "de"


def _po_entries(text: str) -> list[dict[str, str]]:
    """msgctxt/msgid/msgid_plural/msgstr… of each entry of a .po file (enough of the format for this check)."""
    entries = []
    for block in text.split("\n\n")[1:]:
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                key, _, line = line.partition(" ")
                fields[key] = ""
            fields[key] += ast.literal_eval(line)
        entries.append(fields)
    return entries


def test_every_message_is_translated_and_the_compiled_file_is_current():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    with (LOCALE / "django.mo").open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    for entry in _po_entries(po):
        key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            assert entry["msgstr[0]"] and entry["msgstr[1]"], entry
            assert catalog[(key, 1)] == entry["msgstr[1]"], f"{key!r}: run msgfmt (django.mo is older)"
        else:
            assert entry["msgstr"], entry
            assert catalog[key] == entry["msgstr"], f"{key!r}: run msgfmt (django.mo is older)"
