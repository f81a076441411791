"""Templates per language with placeholders; reading whether the member is satisfied."""

from __future__ import annotations

import pytest

from careloop.cases import reach_out
from careloop.cases.satisfaction import read
from careloop.cases.templates import NAMES, SHIPPED, TemplateError, render, validate_settings


def test_english_and_german_ship_every_template():
    for language in ("en", "de"):
        assert set(SHIPPED[language]) == set(NAMES)
    assert validate_settings() == []


@pytest.mark.django_db
def test_the_outreach_in_the_members_language(case, member, manager):
    member.language = "de"
    member.save()
    case.language = ""
    text = reach_out.draft_outreach(case, manager=manager).text
    assert text.startswith("Hallo Mia, ich bin Anna") and "> Since the update I can't log in" in text
    call = reach_out.draft_outreach(case, template="call_offer", manager=manager, call_time="Dienstag, 15 Uhr")
    assert "Anruf am Dienstag, 15 Uhr" in call.text
    with pytest.raises(reach_out.ReachOutError, match="needs a proposed time"):
        reach_out.draft_outreach(case, template="call_offer")


def test_more_languages_and_wording_come_from_the_settings(settings):
    settings.CARELOOP_TEMPLATES = {"fr": {"closing": "Content que ce soit réglé, {member_name} !"}}
    assert render("closing", "fr", member_name="Léa").text == "Content que ce soit réglé, Léa !"
    assert render("outreach", "fr", member_name="Léa").language == "en"  # no French outreach: English


def test_an_unknown_placeholder_is_named(settings):
    settings.CARELOOP_TEMPLATES = {"en": {"closing": "Bye {member}!"}}
    with pytest.raises(TemplateError, match=r"template 'closing' \(en\) uses the unknown placeholder \{member\}"):
        render("closing", "en", member_name="Mia")
    assert validate_settings() == [
        "template 'closing' (en) uses the unknown placeholder {member}; known placeholders: {member_name}, "
        "{quote}, {manager_name}, {community}, {call_time}"]
    with pytest.raises(TemplateError, match="write a literal brace"):
        render("closing", "en", text="Bye {member_name")


def test_a_name_that_ends_the_sentence_is_not_followed_by_a_second_full_stop():
    assert render("public_note", "en", member_name="Daniel D.").text.startswith("Thanks for raising this, Daniel D. We")
    assert render("public_note", "en", member_name="Daniel").text.startswith("Thanks for raising this, Daniel. We")
    assert render("public_note", "en", text="Hi {member_name}. {member_name}, thanks.",
                  member_name="Jo!").text == "Hi Jo! Jo!, thanks."  # only a full stop right after the value goes


def test_long_posts_are_quoted_short():
    text = render("outreach", "en", quote="word " * 200).text
    assert "…" in text and len(text) < 600


@pytest.mark.parametrize(("body", "rating", "satisfied", "how"), [
    ("Yes, it works now, thanks!", None, True, "phrase"),
    ("Ja, passt jetzt, danke!", None, True, "phrase"),
    ("Funktioniert wieder, super.", None, True, "phrase"),
    ("No, it still crashes.", None, False, "phrase"),
    ("Yes, but it still doesn't work on my phone.", None, False, "phrase"),
    ("Nein, geht immer noch nicht.", None, False, "phrase"),
    ("Leider noch nicht gelöst.", None, False, "phrase"),
    ("", 5, True, "rating"),
    ("I'd give it 2/5 to be honest", None, False, "rating"),
    ("4 Sterne", None, True, "rating"),
    ("3 stars. Yes, it works.", None, True, "phrase"),
    ("hmm", None, None, "unclear"),
])
def test_reading_the_answer(body, rating, satisfied, how):
    reading = read(body, rating, use_classifier=False)
    assert (reading.satisfied, reading.how) == (satisfied, how)


def test_the_classifier_reads_what_the_phrases_miss():
    reading = read("This is terrible, the worst experience ever, I am furious and disgusted")
    assert (reading.satisfied, reading.how) == (False, "classifier")


def test_a_rating_outside_one_to_five_is_refused():
    with pytest.raises(ValueError, match="a rating is 1 to 5"):
        read("", 7)
