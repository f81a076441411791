"""Me too: replies that say "this happens to me as well", in English and German.

Two signals, either enough: a me-too phrase ("+1", "same here", "bei mir auch", "geht mir genauso", …), or
a paraphrase of the complaint (close in character n-grams, so it works across inflections and typos). A
reply that says the opposite ("works fine here", "bei mir klappt alles") is never a me-too, whatever
words it shares with the complaint.

A me-too agrees with a *problem*. "Same here!" or "geht mir genauso" is how people agree with anything, so
when the reply goes on to say something of its own, that rest decides: it is a me-too when it names a problem
("still stuck", "seit dem Update"), or when it is about what the complaint is about (a word of the complaint)
without being cheerful. "Same here! Whatever my kids send from uni, which is mostly food." answers a chat
thread, not a problem: nothing in it is a problem, it shares nothing with the post it answers. Markers that
name the problem themselves ("same problem", "also affected", "kann ich bestätigen") need no rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse
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
# Agreement that names the problem itself: a me-too whatever follows.
NAMES_THE_PROBLEM = re.compile(
    r"""(?ix)
    \bsame\s+(problem|issue|bug|error|glitch)s?\b | \bsame\s+boat\b | \balso\s+(affected|stuck|broken)\b |
    \bcan\s+confirm\b | \bhappen(s|ed|ing)\s+to\s+me\b | \bthought\s+it\s+was\s+(just\s+)?me\b |
    \b(gleiche|selbe)s?\s+problem\b | \bkann\s+ich\s+bestätigen\b | \bbetrifft\s+mich\s+auch\b |
    \b(ebenfalls|auch)\s+betroffen\b | \bliegt\s+an\s+mir\b
    """
)
# A problem in words, in the whole reply: what makes "same here, …" agreement with a complaint.
PROBLEM_WORDS = re.compile(
    r"""(?ix)
    \b(problems?|issues?|bugs?|errors?|glitch\w*|crash\w*|fail\w*|broke|broken|stuck|freez\w*|frozen|spins?|
    slow|wrong|missing|lost|disappear\w*|outage|blank|logg?(s|ed|ing)?\s+(me\s+)?out|charged|billed|refund\w*|
    payments?|twice|duplicat\w*|dropped|again|since|started\s+(?!\w+ly\b)\w+|update\w*|fix\w*|annoy\w*|
    frustrat\w*|ugh|following|subscrib\w*|support|worse|useless|terrible|awful|nightmare|unusable|
    over\s+and\s+over|not\s+happy|no\s+access|any\s+news|just\s+me|black\s+screen|every\s+time|
    still\s+(broken|not|no|doesn'?t|happening|the\s+same|an?\s+issue|says|shows|stuck)|
    (won'?t|doesn'?t|didn'?t|isn'?t|aren'?t|can'?t|cannot|couldn'?t)\s+(?!wait\b)\w+|
    not\s+(working|loading|syncing|showing|opening|updating|connecting|arriving)|
    hope\s+(they|it\s+gets|this\s+gets)|(throws?|kicks?)\s+me\s+(back|out)|(is|went|goes|was)\s+down)\b |
    \b(probleme?|fehler\w*|kaputt|hängt|hängen|hing|stürzt|abgestürzt|absturz|spinnt|lädt\s+nicht|geht\s+nicht|
    funktioniert\s+nicht|klappt\s+nicht|nicht\s+mehr|fehl(t|en)|verschwunden|langsam|falsch|doppelt|zweimal|
    belastet|abgebucht|erstatt\w*|duplikat\w*|seit|schon\s+wieder|immer\s+noch|nerv\w*|ärgerlich|hoffentlich|
    behoben|neues|verfolge\w*|support|update\w*|ausgeloggt|abgemeldet|kein(en)?\s+zugriff|nur\s+auf)\b
    """
)
# Cheer: a rest that is glad about something answers a chat thread, not a problem.
CHEERFUL = re.compile(
    r"""(?ix)
    \b(love|loved|lovely|great|nice|gorgeous|beautiful|amazing|awesome|brilliant|favou?rite|proud|smile|enjoy\w*|
    fun|cute|jealous|recommend|yay|perfect|wonderful|delicious|cosy|cozy|haha\w*|can'?t\s+wait|post\s+a\s+pic|
    schön\w*|toll\w*|super|klasse|herrlich|traumhaft|liebe|liebt|lieblings\w*|genial|wunderbar|lecker|gemütlich|
    empfehlen|freu\w*|süß|niedlich|neidisch)\b |
    [\U0001F600-\U0001F60D\U0001F642\U0001F970\U0001F929\u2764\u2665\U0001F389\u2728\U0001F44D\U0001F495]
    """
)
# Words around an agreement that say nothing of their own ("Ha, same here for me and my partner.").
FILLER = re.compile(
    r"""(?ix)
    @[\w.-]+ | \b(here|too|also|as|well|for|me|us|we|and|my|mine|our|oh|ha|haha|lol|yeah|yes|so|exactly|the|
    thing|boat|wait|hier|auch|bei|mir|uns|ja|jep|jup|genau|das|und|mein|meine|meiner|na)\b
    """
)
# Words that say nothing about what a post is about, for "does the rest share a word with the complaint".
COMMON = frozenset("""
    about after again also been before being could does done each even every from have here into just know
    like made make many mine more most much must only other over really same should some still such than that
    their them then there these they thing this those very want well were what when where which while will
    with would your yours today yesterday tomorrow week night morning everyone anyone someone something
    aber alle alles andere auch beim dann dass denn diese dieser dieses doch eine einem einen einer etwas euch
    habe haben hatte heute gestern hier immer jetzt kann machen mehr meine meinem meinen meiner mich nach nicht
    noch oder schon sehr sein seine sich sind über unser unsere viel wenn werden wieder wird wurde
""".split())
REST_WORDS = 4  # an agreement followed by fewer words of its own is bare: "Same here, Pixel 8."
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
    matrix = sparse.vstack([_ngrams(complaint), *(_ngrams(r) for r in replies)], format="csr")
    return (matrix[1:] @ matrix[0].T).toarray().ravel()


@lru_cache(maxsize=2048)
def _ngrams(text: str) -> sparse.csr_matrix:
    """One text's row of _vectorizer (each row is hashed and normalised on its own, so a row is the same alone as
    in a batch): an open case's complaint is compared with every later post of its thread, hashed once."""
    return _vectorizer.transform([text])


def find_me_toos(complaint: str, replies: Sequence[str], threshold: float = PARAPHRASE_THRESHOLD) -> list[MeToo]:
    """Which of the replies (later posts in the complaint's thread) say "me too", and why."""
    scores = similarity(complaint, replies)
    found = []
    for i, text in enumerate(replies):
        if NOT_AFFECTED.search(text):
            continue
        if ME_TOO.search(text) and agrees_with_a_problem(complaint, text):
            found.append(MeToo(i, "says so", float(scores[i])))
        elif scores[i] >= threshold:
            found.append(MeToo(i, "describes the same problem", float(scores[i])))
    return found


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in COMMON}


def agrees_with_a_problem(complaint: str, reply: str) -> bool:
    """A reply with a me-too phrase: is it agreement with the complaint's problem, or does it go on to chat?

    Bare agreement ("Same here!", "+1, Pixel 8") and markers that name the problem count. When the reply says
    more, that rest must name a problem, or share a word with the complaint and not be cheerful.
    """
    if NAMES_THE_PROBLEM.search(reply) or PROBLEM_WORDS.search(reply):
        return True
    rest = FILLER.sub(" ", ME_TOO.sub(" ", reply))
    if len(re.findall(r"[^\W\d_]{2,}", rest)) < REST_WORDS:
        return True
    return not CHEERFUL.search(rest) and bool(_stems(rest) & _stems(complaint))
