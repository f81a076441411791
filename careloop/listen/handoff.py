"""What the team and the member say in public about taking it private, and whether it got sorted.

* `is_handoff(text)`: a team post that moves the matter private — "please DM us", "sent you a DM", "e-mail / call
  us", "follow and DM", "schreib uns eine PN/DM", "per Direktnachricht" (English and German; the Spanish of the
  support accounts in the labelled threads too). Recognised, it is recorded on the case as outreach done by that
  team account on the platform (opening.py), so the case no longer reads as unanswered.
* `member_outcome(text, complaint, negative)`: the complainant's later public post read as a satisfaction
  signal — "thanks, sorted" → satisfied, "still broken" → unsatisfied, else unknown.

These are phrases, on purpose: a hand-off is a convention of support teams, said in a handful of ways, and the
hand-labelled threads measure them (careloop eval threads: handoff_f1, outcome_accuracy).
"""

from __future__ import annotations

import re

from careloop.community.scores import COMPLAINT

HANDOFF = re.compile(
    r"""(?ix)
    \b(dm|dms|d\.m\.|pm)\b(?!\s+(me|him|her|them)\b) |
    \bdirect(ly)?[\s-]+messag\w* | \bprivate(ly)?\s+(message|messag\w+|chat|dm)\b | \bmessage\s+(us|me)\b(?!\s+again) |
    \bsend\s+(us|me)\s+(a|an|your)\s+(message|note|e-?mail|details|info\w*)\b |
    \b(sent|send|sending|dropped|shot)\s+you\s+a\s+(dm|message|note|e-?mail|pm)\b |
    \b(e-?mail|mail|call|phone|ring|contact|reach)\s+(us|our\s+team|me)\b(?!\s+(that|again|anytime|if\b)) |
    \bgive\s+(us|you)\s+a\s+(call|ring)\b | \b(call|contact|phone|ring)\s+you\b | \bwill\s+be\s+in\s+(contact|touch)\b |
    \bfollow\s+up\s+with\s+you\b | \b(tell|write\s+to|connect\s+with|talk\s+to)\s+us\b[^.!?]*?https?:// |
    \b(here|through|via|using|at)\s*[:;]?\s*https?:// |
    \b(e-?mail\s+address|contact\s+(telephone\s+|phone\s+)?(number|no\.?|details)|phone\s+(number|\#)|date\s+of\s+birth|
    booking\s+ref\w*|full\s+name)\b |
    \bfollow\s+(us|and\s+dm|back)\b | \breach\s+out\s+to\s+(us|our)\b | \b(via|through|in)\s+(dm|messenger|chat)\b |
    \bcheck\s+your\s+(dms?|inbox|messages|e-?mail)\b | \bsecure(d)?\s+(link|form|chat)\b |
    \b(pn|dm|direktnachricht|privatnachricht|private\s+nachricht)\b.*\b(uns|dir|euch)\b |
    \b(uns|dir|euch)\b.*\b(pn|dm|direktnachricht|privatnachricht)\b | \bper\s+(direktnachricht|pn|dm|mail|e-?mail)\b |
    \bschreib\w*\s+(uns|mir)\b | \bruf\w*\s+(uns|mich)\b.*\ban\b |
    \bmeld\w*\s+(dich|euch|sie\s+sich)\s+(bei\s+uns|per)\b |
    \bmensaje(s)?\s+(directo|privado)s? | \bsiguenos\b | \bmp\b
    """
)
SATISFIED = re.compile(
    r"""(?ix)
    \b(thanks|thank\s+you|thx|ty|cheers|appreciate\w*|much\s+appreciated|brilliant|perfect|awesome|great\s+help|
    sorted|fixed|resolved|solved|works?\s+(now|again|fine)|working\s+(now|again)|all\s+good|got\s+it|that\s+helped|
    danke|vielen\s+dank|hat\s+geklappt|funktioniert\s+wieder|geht\s+wieder|gelöst|erledigt|super)\b
    """
)
UNSATISFIED = re.compile(
    r"""(?ix)
    \b(still|again|nothing|nobody|no\s+one|no\s+(reply|response|answer|help)|not\s+(fixed|sorted|resolved|working|
    helpful|good\s+enough)|doesn'?t\s+help|didn'?t\s+help|useless|ridiculous|joke|worst|unacceptable|waiting|
    already\s+(did|have|tried|sent)|i\s+did|done\s+that|immer\s+noch|noch\s+immer|schon\s+wieder|keine\s+antwort|
    nicht\s+(gelöst|geholfen)|bringt\s+nichts|frechheit)\b
    """
)
EXCITED_NEGATIVE = 0.5


def is_handoff(text: str) -> bool:
    """A team post asking to take it private (DM, e-mail, a call, a private form), or saying it sent a DM."""
    return bool(HANDOFF.search(text or ""))


def member_outcome(text: str, complaint: float = 0.0, negative: float = 0.0) -> str:
    """'satisfied', 'unsatisfied' or 'unknown', from a complainant's public post after the team's reply."""
    text = text or ""
    unhappy = bool(UNSATISFIED.search(text))
    happy = bool(SATISFIED.search(text))
    if happy and not unhappy and negative < EXCITED_NEGATIVE:
        return "satisfied"
    if unhappy or complaint >= COMPLAINT or negative >= EXCITED_NEGATIVE:
        return "unsatisfied"
    return "unknown"
