"""`careloop eval threads POSTS LABELS`: a throwaway import, listened to as the worker would, compared with labels."""

from __future__ import annotations

import json

import pytest

from careloop.listen.building.thread_eval import throwaway_env
from tests.conftest import post

FIGURES = ("precision", "recall", "f1", "complainant_accuracy", "origin_accuracy", "ndcg50_severity",
           "handoff_precision", "handoff_recall", "handoff_f1", "outcome_accuracy")


def thread_posts() -> list[dict]:
    """Four short support threads: an urgent complaint moved private, a billing complaint, praise, a question."""
    team = {"id": "acme_help", "name": "Acme Help", "role": "team"}

    def p(n, thread, author, text, *, parent=None, minute=0):
        record = post(n, thread=thread, parent=parent, author=author, text=text, source="twitter-support",
                      at=f"2017-10-31T21:{minute:02d}:00+00:00")
        if author == "acme_help":
            record["author"] = team
        return record

    return [
        p("1", "1", "u1", "@acme someone took over my account and charged my card twice, this is fraud! Help now"),
        p("2", "1", "acme_help", "@u1 We're sorry! Please send us a DM with your e-mail so we can secure it.",
          parent="1", minute=2),
        p("3", "1", "u1", "@acme_help done, still waiting and the charges are still there", parent="2", minute=9),
        p("10", "10", "u2", "@acme I was billed twice for my plan this month and nobody answers my emails. awful"),
        p("11", "10", "u3", "@u2 same here, charged twice", parent="10", minute=5),
        p("20", "20", "u4", "@acme love the new update, great job team!"),
        p("21", "20", "acme_help", "@u4 Thank you, glad you like it!", parent="20", minute=1),
        p("30", "30", "u5", "@acme do you ship to Canada?"),
    ]


LABELS = [
    {"thread_id": "1", "actionable": True, "complainant": "u1", "origin": "1", "severity": 3, "team_move": "private",
     "outcome": "unsatisfied", "me_too": [], "ambiguous": False},
    {"thread_id": "10", "actionable": True, "complainant": "u2", "origin": "10", "severity": 2, "team_move": "none",
     "outcome": "unknown", "me_too": ["11"], "ambiguous": False},
    {"thread_id": "20", "actionable": False, "complainant": None, "origin": None, "severity": 0,
     "team_move": "answered", "outcome": "unknown", "me_too": [], "ambiguous": False},
    {"thread_id": "30", "actionable": False, "complainant": None, "origin": None, "severity": 0, "team_move": "none",
     "outcome": "unknown", "me_too": [], "ambiguous": True},
]


@pytest.fixture
def files(write_jsonl):
    return write_jsonl(thread_posts(), "posts.jsonl"), write_jsonl(LABELS, "labels.jsonl")


@pytest.fixture
def encoder_dir(monkeypatch):
    """The assembled accurate encoder for the throwaway folder, when careloop ships one (else nothing to reuse)."""
    from tests.listen.accurate_model import assembled_dir, shipped

    if shipped():
        monkeypatch.setenv("CARELOOP_ACCURATE_DIR", str(assembled_dir()))


@pytest.mark.slow
@pytest.mark.django_db
def test_eval_threads_end_to_end(cli, files, encoder_dir):
    from careloop.cases.models import Case
    from careloop.community.models import Post

    posts, labels = files
    result = cli("eval", "threads", str(posts), str(labels), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 3 and report["skipped_ambiguous"] == 1 and report["actionable"] == 2
    assert report["import"] == "imported 8, updated 0, unchanged 0, failed 0"
    assert report["seconds"] > 0
    assert 0 <= report["flagged"] <= 3 and report["cases"] >= report["flagged"]
    assert set(report["recall_by_severity"]) == {"1", "2", "3"} and report["recall_by_severity"]["1"] is None
    for key in FIGURES:
        assert report[key] is None or 0.0 <= report[key] <= 1.0, key
    assert report["recall"] == report["flagged_actionable"] / 2
    # the throwaway folder had its own database: nothing reached this one
    assert not Post.objects.exists() and not Case.objects.exists()

    text = cli("eval", "threads", str(posts), str(labels)).output
    assert "threads 3 labelled (1 ambiguous left out), 2 actionable" in text
    for words in ("precision", "recall, severity 3", "complainant right", "origin right", "NDCG@50",
                  "hand-off precision", "hand-off recall", "hand-off F1", "public outcome right", "listening took"):
        assert words in text, words


def test_a_bad_labels_file_is_named_before_anything_is_imported(cli, files, write_jsonl):
    posts, _ = files
    broken = write_jsonl([LABELS[0], {**LABELS[1], "severity": "high"}], "broken.jsonl")
    result = cli("eval", "threads", str(posts), str(broken))
    assert result.exit_code == 1
    assert "broken.jsonl:2: \"severity\" is 'high', not an integer 0-3" in result.output
    result = cli("eval", "threads", str(posts), str(write_jsonl(["not json"], "bad.jsonl")))
    assert result.exit_code == 1 and "bad.jsonl:1: not valid JSON" in result.output


def test_labels_are_required_for_threads_and_refused_for_the_other_tasks(cli, files, tmp_path):
    posts, labels = files
    missing = cli("eval", "threads", str(posts))
    assert missing.exit_code == 2 and "needs two files: POSTS (to import) and LABELS" in missing.output
    nowhere = cli("eval", "threads", str(posts), str(tmp_path / "nowhere.jsonl"))
    assert nowhere.exit_code == 2 and "nowhere.jsonl" in nowhere.output and "does not exist" in nowhere.output
    extra = cli("eval", "complaint", str(posts), str(labels))
    assert extra.exit_code == 2 and "only for `careloop eval threads`" in extra.output


def test_the_throwaway_folder_gets_none_of_this_process_database_or_queue(monkeypatch, tmp_path):
    for key, value in {"DATABASE_URL": "postgres://x@db/careloop", "REDIS_URL": "redis://q:6379/0",
                       "DJANGO_SETTINGS_MODULE": "tests.settings", "CARELOOP_TASKS_IMMEDIATE": "1",
                       "CARELOOP_SCORING_PROFILE": "fast"}.items():
        monkeypatch.setenv(key, value)
    env = throwaway_env(tmp_path, tmp_path / "encoder", "accurate")
    assert not {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "CARELOOP_TASKS_IMMEDIATE"} & set(env)
    assert env["CARELOOP_HOME"] == str(tmp_path) and env["CARELOOP_ACCURATE_DIR"] == str(tmp_path / "encoder")
    assert env["CARELOOP_SCORING_PROFILE"] == "accurate"
    assert throwaway_env(tmp_path, tmp_path)["CARELOOP_SCORING_PROFILE"] == "fast"
