"""Troll signals on the demo community: the two planted trolls stand out, with reasons in words."""

from __future__ import annotations

from datetime import datetime

import pytest

from careloop.listen.trolls import repeated_threads, troll_signals

pytestmark = pytest.mark.django_db


def test_repeated_threads_counts_copies_across_threads_only():
    scam = "This company is a scam and support ignores everyone, cancel before they rob you too"
    texts = [scam, scam.upper() + "!!", "nice photo", "Nice idea but please make it optional.",
             "Nice idea, but please make it optional!"]
    assert repeated_threads(texts, [1, 2, 3, 4, 5]) == 2  # the short vote repeats, but is no grievance
    assert repeated_threads(texts[:2], [1, 1]) == 0  # repeating yourself in one thread is not spreading it


def test_the_demo_trolls_carry_troll_signals_and_regulars_do_not(demo):
    truth = demo
    signals = troll_signals(datetime.fromisoformat(truth["end"]))
    trolls = {f"lumen:{m}" for m in truth["trolls"]}
    for troll in trolls:
        assert signals[troll].score >= 0.5, signals[troll]
        assert any("word for word" in r for r in signals[troll].reasons)
    others = [s for person, s in signals.items() if person not in trolls]
    assert max(s.score for s in others) < 0.5, max(others, key=lambda s: s.score)
