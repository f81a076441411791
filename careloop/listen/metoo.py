"""Me too: replies that say "this happens to me as well", in English and German.

Two signals, either enough: a me-too phrase ("+1", "same here", "bei mir auch", "geht mir genauso", …), or
a paraphrase of the complaint (close in character n-grams, so it works across inflections and typos). A
reply that says the opposite ("works fine here", "bei mir klappt alles") is never a me-too, whatever
words it shares with the complaint.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

ME_TOO = re.compile(
    r"""(?ix)
    (^|[\s>:,.!(])(
        \+1 | \bdito\b | \bditto\b | \bme\s+too\b | \bsame\b | \blikewise\b | \bmine\s+too\b |
        \balso\s+(affected|here|happening|having|seeing|getting|for\s+me|stuck|broken) |
        \bfor\s+me\s+too\b | \bhere\s+too\b | \bcan\s+confirm\b | \bhappen(s|s|ed|ing)\s+to\s+me\b |
        \b(me|here|mine|to\s+me|for\s+me)\s+as\s+well\b | ^\s*this[.!]*(\s+exactly\s+this[.!]*)?\s*$ |
        \bexactly\s+this\b | \bthought\s+it\s+was\s+(just\s+)?me\b | \bgenau\s+das\s+gleiche\b |
        ^\s*(yep|yup|jep|jup|ja)\b[\s,.!]+ | ^\s*(mine|meiner|meine|mein)\b[^.!?]*\b(too|auch)\b |
        \b(i|we)\s+(have|had|get|got|see)\s+(the\s+)?(same|exact\s+same|identical)\b |
        \bbei\s+mir\s+(auch|genauso|ebenfalls|das\s+gleiche|dasselbe)\b | \bauch\s+bei\s+mir\b |
        \b(geht|ging)\s+mir\s+(genauso|auch\s+so|leider\s+auch\s+so|ebenso)\b | \bich\s+auch\b | \bebenso\b |
        \b(gleiches|dasselbe|dito)\s+hier\b | \bmir\s+auch\b |
        \bhier\s+(auch|genauso|ebenfalls)\b | \bgenau\s+wie\s+bei\s+(dir|ihnen|euch)\b |
        \bkann\s+ich\s+bestätigen\b | \bbetrifft\s+mich\s+auch\b | \b(gleiche|selbe)s?\s+problem\b |
        \bdasselbe\b | \bebenfalls\s+betroffen\b | \bmeine?r?\s+(ist|sind|hängt|hängen)\s+auch\b
    )
    """
)
NOT_AFFECTED = re.compile(
    r"""(?ix)
    \b(works?|working|worked)\s+(fine|ok|okay|great|normally)\b | \bfine\s+(here|for\s+me|on\s+my)\b |
    \bno\s+(problems?|issues?)\s+(here|for\s+me|on\s+my)\b | \b(looks|seems)\s+(normal|fine)\b |
    \bonly\s+(charged|billed)\s+once\b | \bnot\s+affected\b | \bquiet\s+(nights?|here)\b |
    \bkeine\s+probleme\b | \bnicht\s+betroffen\b | \b(läuft|klappt|funktioniert|geht)\s+(bei\s+mir\s+)?(alles\s+)?
    (problemlos|normal|gut|einwandfrei)\b | \bbei\s+mir\s+(läuft|klappt|funktioniert|geht)\s+(alles|es)\b |
    \bsieht\s+(alles\s+)?normal\s+aus\b | \b(sorted|fixed|solved|resolved)\s+it\b | \bworks\s+again\b |
    \bworked\s+for\s+me\b | \bprobier\w*\s+mal\b | \bnot\s+sure\s+(it|this)\s+helps\b |
    \bhappened\s+to\s+me\s+once\b | \bist\s+mir\s+(auch\s+)?(mal|einmal)\s+passiert\b |
    \b(hat|hats|hat's)\s+geklappt\b | \bgeht\s+wieder\b | \bfunktioniert\s+wieder\b
    """
)
PARAPHRASE_THRESHOLD = 0.35

_vectorizer = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**18, alternate_sign=False,
                                norm="l2", lowercase=True)


@dataclass(frozen=True)
class MeToo:
    index: int
    reason: str
    similarity: float


def similarity(complaint: str, replies: Sequence[str]) -> np.ndarray:
    """Cosine similarity of each reply to the complaint, on character 3-5-grams (0..1)."""
    if not replies:
        return np.zeros(0)
    matrix = _vectorizer.transform([complaint, *replies])
    return (matrix[1:] @ matrix[0].T).toarray().ravel()


def find_me_toos(complaint: str, replies: Sequence[str], threshold: float = PARAPHRASE_THRESHOLD) -> list[MeToo]:
    """Which of the replies (later posts in the complaint's thread) say "me too", and why."""
    scores = similarity(complaint, replies)
    found = []
    for i, text in enumerate(replies):
        if NOT_AFFECTED.search(text):
            continue
        if ME_TOO.search(text):
            found.append(MeToo(i, "says so", float(scores[i])))
        elif scores[i] >= threshold:
            found.append(MeToo(i, "describes the same problem", float(scores[i])))
    return found
