"""Every post that arrives is scored once per text and per model version, in batches."""

from __future__ import annotations

import json

import pytest

from careloop.community.models import Post
from careloop.listen.scoring import ScoringUnavailable, model_version, score, score_posts
from tests.conftest import post

pytestmark = pytest.mark.django_db


def test_score_gives_every_head_and_the_model_version():
    [complaint, thanks] = score(["This is terrible. The update broke login and support never answers. Awful!",
                                 "Thank you so much, this community is wonderful!"])
    assert complaint.complaint > thanks.complaint
    assert thanks.sentiment == "positive" and complaint.sentiment == "negative"
    assert set(complaint.sentiment_probs) == {"negative", "neutral", "positive"}
    assert abs(sum(complaint.sentiment_probs.values()) - 1) < 0.01
    assert complaint.language == "en" and 0 <= complaint.toxicity <= 1
    assert complaint.model_version == model_version()


def test_the_accurate_profile_says_how_to_build_it_when_missing(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("CARELOOP_ACCURATE_DIR", raising=False)  # the suite's shared encoder (tests/settings.py)
    settings.CARELOOP_MODELS_DIR = str(tmp_path / "nothing-here")
    with pytest.raises(ScoringUnavailable, match="careloop train --profile accurate"):
        score(["hello"], profile="accurate")


def test_imported_posts_are_scored_and_unchanged_ones_not_again(cli, write_jsonl):
    lines = [post(1, text="Seit dem Update geht der Login nicht mehr, das nervt!"),
             post(2, parent="1", author="b", text="same here, since Tuesday")]
    cli("import", str(write_jsonl(lines)))
    scored = {p.external_id: p for p in Post.objects.all()}
    assert all(p.scored_at and p.model_version == model_version() for p in scored.values())
    assert scored["1"].language == "de" and scored["1"].scores["language"] == "de"
    first_times = {p.id: p.scored_at for p in scored.values()}

    cli("import", str(write_jsonl(lines)))  # unchanged: no new scores
    assert {p.id: p.scored_at for p in Post.objects.all()} == first_times

    edited = post(2, parent="1", author="b", text="works again, thanks!", edited_at="2026-05-04T10:00:00Z")
    cli("import", str(write_jsonl([edited], "edit.jsonl")))
    again = Post.objects.get(external_id="2")
    assert again.scored_at > first_times[again.id]
    assert again.scores["sentiment"] != "negative"


def test_a_post_edited_while_it_was_being_scored_keeps_no_stale_score(cli, write_jsonl, monkeypatch):
    import careloop.listen.scoring as scoring

    cli("import", str(write_jsonl([post(1, text="old text")])))
    Post.objects.update(scored_at=None, model_version="")
    real_score = scoring.score

    def edit_meanwhile(texts, profile=None):
        result = real_score(texts, profile)
        Post.objects.update(text="new text", updated_at="2030-01-01T00:00:00Z")
        return result

    monkeypatch.setattr(scoring, "score", edit_meanwhile)
    assert score_posts(list(Post.objects.values_list("id", flat=True))) == 1
    assert Post.objects.get().scored_at is None, "the score of the old text was not written over the new one"


def test_score_command_reads_and_writes_json_lines(cli, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "you are an idiot"}) + "\n" + "not json\n"
                    + json.dumps({"text": "Danke, hat geklappt!"}) + "\n" + json.dumps({"id": "b"}) + "\n")
    result = cli("score", str(path))
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("id") for r in rows] == ["a", None]
    assert rows[0]["toxicity"] > rows[1]["toxicity"] and rows[1]["language"] == "de"
    assert f"{path}:2: line: is not valid JSON" in result.stderr
    assert f"{path}:4: text: is missing" in result.stderr


def test_eval_command_prints_the_documented_json(cli, tmp_path):
    path = tmp_path / "sent.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"text": "I love it, thank you!", "label": "positive"},
        {"text": "This is terrible, it broke everything", "label": "negative"},
        {"text": "The meeting is at 3pm", "label": "neutral"},
    ]) + "\n")
    result = cli("eval", "sentiment", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"n", "accuracy", "macro_f1", "macro_precision", "macro_recall", "per_class",
                           "posts_per_s"}
    assert report["n"] == 3 and 0 <= report["accuracy"] <= 1
    assert set(report["per_class"]) == {"negative", "neutral", "positive"}
    assert set(report["per_class"]["negative"]) == {"precision", "recall", "f1", "support"}


def test_eval_command_refuses_a_file_of_another_shape(cli, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "x", "label": "angry"}) + "\n")
    result = cli("eval", "sentiment", str(path), "--json")
    assert result.exit_code == 1
    assert "bad.jsonl:1" in result.output and "angry" in result.output
