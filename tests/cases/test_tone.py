"""The tone check flags judgmental wording (≥90% of 40 phrases from community-management guidance) and leaves
kind messages alone (<10% of 40), in English and German; each finding explains itself and offers a kinder way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from careloop.cases.tone import check_tone

DATA = Path(__file__).parent / "data"


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines()]


JUDGMENTAL = load("tone_judgmental.jsonl")
KIND = load("tone_kind.jsonl")


@pytest.mark.parametrize("language_given", [True, False])
def test_flag_rates(language_given):
    def flagged(rows):
        return [r["text"] for r in rows if check_tone(r["text"], r["language"] if language_given else None)]

    assert len(JUDGMENTAL) == len(KIND) == 40
    caught, false_alarms = flagged(JUDGMENTAL), flagged(KIND)
    print(f"\ntone check (language {'given' if language_given else 'unknown'}): judgmental flagged "
          f"{len(caught)}/40 = {len(caught) / 40:.0%}, kind flagged {len(false_alarms)}/40 = "
          f"{len(false_alarms) / 40:.0%}")
    assert len(caught) / 40 >= 0.9, [r["text"] for r in JUDGMENTAL if r["text"] not in caught]
    assert len(false_alarms) / 40 < 0.1, false_alarms


def test_a_finding_names_the_phrase_says_why_and_offers_another_way():
    text = "Hi Mia. As I already said, you should have read the FAQ. Calm down!!"
    findings = check_tone(text, "en")
    assert [f.rule for f in findings] == ["lecture", "blame", "tell_feelings", "shouting_punctuation"]
    for f in findings:
        assert text[f.span[0]:f.span[1]] == f.phrase
        assert f.why and f.alternative
    assert findings[0].phrase == "As I already said"
    assert "feeling" in findings[2].alternative
    assert findings[2].as_dict()["span"] == list(findings[2].span)


def test_german_findings_are_explained_in_german():
    (finding,) = check_tone("Beruhig dich, bitte.", "de")
    assert finding.phrase == "Beruhig dich" and "Gefühl" in finding.alternative


def test_capitals_are_shouting_but_acronyms_are_not():
    assert [f.phrase for f in check_tone("Please READ THIS before posting.")] == ["READ THIS"]
    assert [f.phrase for f in check_tone("This is NOT acceptable.")] == []  # one short word: emphasis, not shouting
    assert check_tone("The FAQ and the API docs cover the VPN setup; see the PDF.") == []


def test_absolutes_about_the_person_but_not_reassurance():
    assert [f.rule for f in check_tone("You always ignore the rules.")] == ["absolute"]
    assert check_tone("You never have to set this up again, and you can always ask me.") == []


@pytest.mark.parametrize("text,language", [
    ("Honestly this is a ridiculous thing to complain about.", "en"),
    ("Your post is pointless, just stop.", "en"),
    ("Stop spamming the forum with the same nonsense.", "en"),
    ("We don't have time for this kind of drama.", "en"),
    ("Das ist doch lächerlich, darüber beschwert sich sonst keiner.", "de"),
    ("Hör auf zu spammen, das ist Zeitverschwendung.", "de"),
])
def test_brushing_the_concern_off_is_flagged(text, language):
    assert "dismissive" in {f.rule for f in check_tone(text, language)}


def test_siding_with_the_member_is_not_dismissive():
    for text, language in [("Being charged twice is not a small thing, and I'm sorry it happened.", "en"),
                           ("Thanks for your time, Anna — the fix is live.", "en"),
                           ("Zweimal abgebucht zu werden ist ärgerlich, das tut mir leid.", "de")]:
        assert not check_tone(text, language), text
