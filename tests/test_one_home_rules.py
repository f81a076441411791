"""Rules written once (issue 14): how long in words, a post quoted short, the score thresholds, the channels.

Listening's reasons and timeline notes say how long with one function and quote a post with the case loop's
`shorten`; the thresholds at which a score reads as a complaint or as toxic live in careloop.community.scores;
the ways to reach a member are the case loop's (reach_out.CHANNELS), the case page only words them.
"""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from careloop.cases import reach_out
from careloop.cases.templates import shorten
from careloop.community.models import Post
from careloop.community.scores import COMPLAINT, TOXIC
from careloop.listen.escalation import elapsed_in_words
from careloop.web import story

PACKAGE = Path(__file__).resolve().parents[1] / "careloop"


@pytest.mark.parametrize(("delta", "words"), [
    (timedelta(seconds=20), "1 minute"), (timedelta(minutes=5), "5 minutes"), (timedelta(minutes=61), "1 hour"),
    (timedelta(hours=2), "2 hours"), (timedelta(hours=2, minutes=31), "3 hours"), (timedelta(hours=47), "47 hours"),
    (timedelta(hours=48), "2 days"), (timedelta(days=9, hours=13), "10 days"),
])
def test_how_long_in_words(delta: timedelta, words: str) -> None:
    assert elapsed_in_words(delta) == words


def test_a_post_is_quoted_short_at_a_word_boundary() -> None:
    text = "The sync   has been stuck\nfor three days and nobody answers"
    assert shorten(text, 200) == "The sync has been stuck for three days and nobody answers"
    assert shorten(text, 24) == "The sync has been…"
    assert len(shorten("word " * 100, 60)) <= 60


def defined_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def test_each_rule_has_one_home() -> None:
    homes: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for name in defined_names(path) & {"TOXIC", "COMPLAINT", "TOXIC_SHARE", "_quote", "_duration", "shorten",
                                           "elapsed_in_words"}:
            homes.setdefault(name, []).append(str(path.relative_to(PACKAGE)))
    assert homes == {"TOXIC": ["community/scores.py"], "COMPLAINT": ["community/scores.py"],
                     "TOXIC_SHARE": ["community/scores.py"], "shorten": ["cases/templates.py"],
                     "elapsed_in_words": ["listen/escalation.py"]}


def test_the_case_page_offers_the_case_loops_channels_in_its_order() -> None:
    assert [channel for channel, _ in story.CHANNELS] == list(reach_out.CHANNELS)
    assert all(str(words) for _, words in story.CHANNELS)


@pytest.mark.parametrize(("score", "tagged"), [(None, False), (0.0, False), (0.49, False), (0.5, True), (0.97, True)])
def test_a_posts_tags_read_the_thresholds(score: float | None, tagged: bool) -> None:
    assert Post(toxicity=score).is_toxic is tagged and (score is None or (score >= TOXIC) is tagged)
    assert Post(complaint=score).reads_as_complaint is tagged and (score is None or (score >= COMPLAINT) is tagged)
