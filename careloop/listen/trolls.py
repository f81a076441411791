"""Troll signals: a score with its reasons, shown to the manager — never used to punish automatically.

A troll wants noise rather than a fix. What shows it: a large share of toxic posts, the same grievance
pasted into thread after thread, complaints that never accept a private conversation, and earlier cases
dismissed as trolling. Each signal is explained in words so a manager can judge it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from careloop.community.models import Post
from careloop.community.scores import COMPLAINT, TOXIC, TOXIC_SHARE
from careloop.listen.graph import person_keys

WINDOW = timedelta(days=60)
NEAR_DUPLICATE = 0.6
MIN_GRIEVANCE_CHARS = 60
MIN_POSTS = 5

_vectorizer = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**18, alternate_sign=False,
                                norm="l2")


@dataclass
class TrollSignals:
    person: str
    score: float
    posts: int
    toxic_share: float | None
    repeated_in_threads: int
    reasons: list[str] = field(default_factory=list)


def repeated_threads(texts: list[str], threads: list[int], threshold: float = NEAR_DUPLICATE) -> int:
    """In how many threads the person posted something near-identical to a post of theirs in another thread.

    Short posts ("+1", "adding my vote", "thanks!") repeat naturally and are not grievances: only posts of
    MIN_GRIEVANCE_CHARS or more count.
    """
    long_enough = [i for i, t in enumerate(texts) if len(t) >= MIN_GRIEVANCE_CHARS]
    texts, threads = [texts[i] for i in long_enough], [threads[i] for i in long_enough]
    if len(texts) < 2:
        return 0
    matrix = _vectorizer.transform(texts)
    sims = (matrix @ matrix.T).toarray()
    thread_ids = np.array(threads)
    other_thread = thread_ids[:, None] != thread_ids[None, :]
    repeated = (sims >= threshold) & other_thread
    return len({threads[i] for i in np.flatnonzero(repeated.any(axis=1))})


def troll_signals(until: datetime, window: timedelta = WINDOW, people: Iterable[str] | None = None,
                  ) -> dict[str, TrollSignals]:
    """Signals for every person who posted at least MIN_POSTS times in the window (or for `people`).

    The team is left out: its members answer the same questions in the same words, and are never trolls.
    """
    keys = person_keys()
    wanted = set(people) if people is not None else None
    posts: dict[str, list[tuple[str, int, float | None, bool]]] = defaultdict(list)
    for author, text, thread, toxicity, complaint, sentiment in Post.objects.filter(
        created_at__gt=until - window, created_at__lte=until, deleted=False, author__is_team=False
    ).values_list("author_id", "text", "thread_id", "toxicity", "complaint", "sentiment"):
        person = keys[author]
        if wanted is None or person in wanted:
            grievance = (complaint or 0) >= COMPLAINT or (toxicity or 0) >= TOXIC or sentiment == "negative"
            posts[person].append((text, thread, toxicity, grievance))
    out = {}
    for person, items in posts.items():
        if len(items) < MIN_POSTS:
            continue
        out[person] = _signals(person, items)
    return out


def _signals(person: str, items: list[tuple[str, int, float | None, bool]]) -> TrollSignals:
    """A helpful regular repeats answers too: only grievances (complaint, toxic or negative posts) count as
    repeated, so unscored posts count for nothing."""
    grievances = [(text, thread) for text, thread, _, grievance in items if grievance]
    scored = [tox for _, _, tox, _ in items if tox is not None]
    toxic_share = sum(tox >= TOXIC for tox in scored) / len(scored) if scored else None
    repeated = repeated_threads([t for t, _ in grievances], [th for _, th in grievances])
    reasons = []
    if toxic_share is not None and toxic_share >= TOXIC_SHARE:
        reasons.append(f"{toxic_share:.0%} of their {len(scored)} posts are toxic")
    if repeated >= 3:
        reasons.append(f"the same grievance, nearly word for word, in {repeated} threads")
    # Each signal alone reaches 0.6 at full strength (half the posts toxic; copies in 5+ threads); both, 0.84.
    toxic_part = min(1.0, (toxic_share or 0.0) / 0.5)
    repeat_part = min(1.0, repeated / 5) if repeated >= 3 else 0.0
    score = 1 - (1 - 0.6 * toxic_part) * (1 - 0.6 * repeat_part)
    return TrollSignals(person, round(score, 3), len(items), toxic_share, repeated, reasons)
