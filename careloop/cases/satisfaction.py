"""Reading a member's answer to "is it sorted?": satisfied, not satisfied, or can't tell.

In order of trust:
1. a rating from 1 to 5 (the link in the follow-up, or "4/5", "5 stars", "5 Sterne" in the text):
   4–5 satisfied, 1–2 not, 3 falls through to the words;
2. explicit phrases in English and German ("yes, it works", "still broken", "ja, passt", "geht immer noch
   nicht") — a "no" wins over a "yes" in the same answer, because "yes, but it still crashes" is not a yes;
3. the sentiment head of the fast scoring models, when it is confident.
Otherwise the answer is "can't tell" and the manager decides (follow_up.mark_satisfied).

The case loop takes judgments as input and imports no analysis (../shared/design/layers.json: never
cases -> listen): careloop.listen hands its sentiment reading in with `use_sentiment()` when the apps are
ready (careloop/listen/apps.py). Without one, step 3 is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

CONFIDENT = 0.6

SentimentReader = Callable[[str], dict[str, float]]  # a text -> its probabilities of negative, neutral, positive
_sentiment: SentimentReader | None = None


def use_sentiment(reader: SentimentReader | None) -> None:
    """The classifier step 3 asks (None: none, the words decide or the manager does)."""
    global _sentiment
    _sentiment = reader

_NO = [
    r"\bno\b(?!\s+(?:problem|worries|issue|more|longer))", r"\bnope\b", r"\bnot (?:really|yet|quite|fixed|solved|"
    r"sorted|working|resolved|at all)\b", r"\bstill (?:not|broken|doesn'?t|does not|can'?t|cannot|failing|crash\w*|"
    r"the same|happening|an issue|a problem)\b", r"\b(?:doesn'?t|does not|isn'?t|is not|didn'?t|did not|won'?t) "
    r"(?:work|help|fix|solve)\w*", r"\bbroken\b", r"\bsame (?:problem|issue|error)\b", r"\bworse\b",
    r"\b(?:it )?happened again\b", r"\bnot satisfied\b",
    r"\bnot (?:great|good|better|ok|okay|happy)\b", r"\bunhappy\b", r"\bdisappointed\b",
    r"\bnein\b", r"\bnee\b", r"\bnoch nicht\b", r"\bnicht (?:gelöst|behoben|wirklich|zufrieden)\b",
    r"\bimmer noch\b", r"\b(?:geht|funktioniert|klappt) (?:\w+ )?(?:noch )?nicht\b", r"\bkaputt\b",
    r"\bgleiche(?:s|n)? (?:problem|fehler)\b", r"\bschlimmer\b", r"\bunzufrieden\b", r"\bwieder (?:da|passiert)\b",
]
_YES = [
    r"\byes\b", r"\byep\b", r"\byeah\b", r"\bworks?\b(?: (?:now|again|fine|great|perfectly))?",
    r"\b(?:it'?s|all|is) (?:sorted|fixed|solved|resolved|good|fine)\b", r"\bsolved\b", r"\bfixed\b",
    r"\bthank(?:s| you)\b", r"\b(?:all )?good now\b", r"\bperfect\b", r"\bgreat\b", r"\bhappy\b",
    r"\bsatisfied\b", r"\bno (?:problem|worries|issue) (?:any ?more|anymore|now)\b", r"\bno longer\b",
    r"\bja\b", r"\bjep\b", r"\bpasst\b", r"\b(?:geht|funktioniert|klappt) (?:\w+ )?(?:wieder|jetzt)\b",
    r"\bgelöst\b", r"\bbehoben\b", r"\bdanke\b", r"\bsuper\b", r"\bperfekt\b", r"\bzufrieden\b",
    r"\balles (?:gut|bestens|klar)\b",
]
NO = re.compile("|".join(_NO), re.IGNORECASE)
YES = re.compile("|".join(_YES), re.IGNORECASE)
RATING = re.compile(r"(?<![\d.])([1-5])\s*(?:/\s*5|out of 5|von 5|stars?|sterne?n?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    satisfied: bool | None  # None: can't tell, the manager decides
    how: str  # "rating", "phrase", "classifier", "unclear"
    rating: int | None = None
    detail: str = ""


def rating_in(text: str) -> int | None:
    m = RATING.search(text or "")
    return int(m.group(1)) if m else None


def read(body: str, rating: int | None = None, *, use_classifier: bool = True) -> Reading:
    """What the member's answer says about whether they are satisfied."""
    body = body or ""
    if rating is None:
        rating = rating_in(body)
    if rating is not None:
        if not 1 <= int(rating) <= 5:
            raise ValueError(f"a rating is 1 to 5, not {rating}")
        rating = int(rating)
        if rating >= 4:
            return Reading(True, "rating", rating, f"rated {rating} of 5")
        if rating <= 2:
            return Reading(False, "rating", rating, f"rated {rating} of 5")
    no, yes = NO.search(body), YES.search(body)
    if no:
        return Reading(False, "phrase", rating, f"said {no.group()!r}")
    if yes:
        return Reading(True, "phrase", rating, f"said {yes.group()!r}")
    if use_classifier and body.strip() and _sentiment is not None:
        p = _sentiment(body)
        if p.get("positive", 0) >= CONFIDENT:
            return Reading(True, "classifier", rating, f"positive ({p['positive']:.2f})")
        if p.get("negative", 0) >= CONFIDENT:
            return Reading(False, "classifier", rating, f"negative ({p['negative']:.2f})")
    return Reading(None, "unclear", rating, "neither a clear yes nor a clear no")
