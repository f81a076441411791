"""Troll signals on the demo community: the two planted trolls stand out, with reasons in words."""

from __future__ import annotations

from datetime import datetime

import pytest

from careloop.community.ingest import Importer
from careloop.community.models import Post
from careloop.demo.generate import generate
from careloop.demo.seed import SOURCES
from careloop.listen.scoring import score_posts
from careloop.listen.trolls import repeated_threads, troll_signals

pytestmark = pytest.mark.django_db


def test_repeated_threads_counts_copies_across_threads_only():
    scam = "This company is a scam and support ignores everyone, cancel before they rob you too"
    texts = [scam, scam.upper() + "!!", "nice photo", "Nice idea but please make it optional.",
             "Nice idea, but please make it optional!"]
    assert repeated_threads(texts, [1, 2, 3, 4, 5]) == 2  # the short vote repeats, but is no grievance
    assert repeated_threads(texts[:2], [1, 1]) == 0  # repeating yourself in one thread is not spreading it


def test_the_demo_trolls_carry_troll_signals_and_regulars_do_not():
    posts, truth = generate()
    importer = Importer(source_defaults=SOURCES)
    importer.feed(("demo", n, p) for n, p in enumerate(posts, 1))
    importer.finish()
    score_posts(list(Post.objects.values_list("id", flat=True)))
    signals = troll_signals(datetime.fromisoformat(truth["end"]))
    trolls = {f"lumen:{m}" for m in truth["trolls"]}
    for troll in trolls:
        assert signals[troll].score >= 0.5, signals[troll]
        assert any("word for word" in r for r in signals[troll].reasons)
    others = [s for person, s in signals.items() if person not in trolls]
    assert max(s.score for s in others) < 0.5, max(others, key=lambda s: s.score)
