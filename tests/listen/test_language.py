"""Language ID on the short posts a community is full of, and on posts with no language at all."""

from __future__ import annotations

import pytest

from careloop.listen.language import clean, detect_languages

SHORT_EN = ["same here", "lol", "me too", "thanks!", "still broken", "any update?", "love it", "works now",
            "same problem here", "not for me"]
SHORT_DE = ["bei mir auch", "danke!", "geht mir genauso", "ich auch", "stimmt", "geht wieder", "moin",
            "funktioniert nicht", "seit gestern", "Bei mir auch nicht", "na super", "voll nervig", "Danke Timo!"]
SHORT_EN += ["Bookmarked, thanks Ravi.", "Cheers Anna!"]


@pytest.mark.parametrize(("text", "expected"), [(t, "en") for t in SHORT_EN] + [(t, "de") for t in SHORT_DE])
def test_short_english_and_german_posts(text, expected):
    [(language, confidence)] = detect_languages([text])
    assert language == expected
    assert 0.0 < confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   \n\t", "👍👍🔥", "😡😡 !!!", "https://example.com/a?b=1",
                                  "@bob https://t.co/xyz", "+1", "12:30"])
def test_no_language_is_und_with_zero_confidence(text):
    assert detect_languages([text]) == [("und", 0.0)]


@pytest.mark.parametrize(("text", "expected"), [("je ne sais pas", "fr"), ("merci beaucoup", "fr"),
                                              ("grazie mille", "it"), ("me gusta mucho", "es")])
def test_the_en_de_rules_leave_confident_other_languages_alone(text, expected):
    assert detect_languages([text])[0][0] == expected


def test_longer_posts_with_links_mentions_and_emoji():
    texts = [
        "@support Seit dem Update geht der Login nicht mehr, das nervt! https://forum.example/t/1 😡",
        "The new release broke sync for me #fail https://t.co/abc 🙁",
        "C'est vraiment nul, rien ne marche depuis hier.",
    ]
    assert [lang for lang, _ in detect_languages(texts)] == ["de", "en", "fr"]


def test_order_and_length_are_kept():
    texts = ["hello there, how are you?", "", "Wie geht es dir heute?"] * 50
    result = detect_languages(texts)
    assert len(result) == len(texts)
    assert result[:3] == [result[0], ("und", 0.0), result[2]]
    assert result[0][0] == "en" and result[2][0] == "de"


def test_clean_removes_links_mentions_hashtag_signs_and_emoji():
    assert clean(["@anna schau mal https://x.example/y #bahn 🚆 kaputt\nnoch immer"]) == [
        "schau mal bahn kaputt noch immer"]
