"""Derailment forecast: conversation files read strictly, features that mean what they say, the shipped model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from careloop.listen.building.derailment import (
    conversation_hash,
    evaluate_file,
    load_conversations,
    train_derailment,
    wikipedia_training,
)
from careloop.listen.building.evaluation import EvalFileError
from careloop.listen.derailment import (
    MARKERS,
    Turn,
    accurate_embedder,
    conversation_features,
    feature_names,
    forecast,
    forecast_many,
    load_model,
)
from tests.listen.accurate_model import needs_model

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "derailment"
POLITE = [Turn("Hi, I think the date in the second paragraph might be wrong, could you check? Thanks!", "a"),
          Turn("Good point, thank you. I fixed it, sorry for the mix-up.", "b")]
HOSTILE = [Turn("You clearly don't understand the source. Your edits are nonsense.", "a"),
           Turn("That's not true and you know it. Why do you keep reverting everything?", "b"),
           Turn("Because you are wrong, again. Stop lying about what the source says!", "a")]


def conversation(label: str, turns: list[Turn], n: int = 0) -> dict:
    return {"id": f"c{n}", "label": label, "utterances": [{"speaker": t.speaker, "text": t.text} for t in turns]}


def write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_second_person_attacks_and_politeness_markers():
    assert MARKERS["second_person_attack"].search("you clearly don't understand the source")
    assert MARKERS["second_person_attack"].search("ihr seid doch alle gleich")
    assert not MARKERS["second_person_attack"].search("could you check the source?")
    assert MARKERS["gratitude"].search("thanks a lot") and MARKERS["apology"].search("sorry for the mix-up")


def test_features_are_one_row_per_conversation_in_a_fixed_order():
    x = conversation_features([POLITE, HOSTILE, [Turn("")]])
    names = feature_names()
    assert x.shape == (3, len(names)) and names[0] == "turns_log"
    attack = names.index("second_person_attack_max")
    gratitude = names.index("gratitude_mean")
    assert x[1, attack] > x[0, attack] and x[0, gratitude] > x[1, gratitude]
    assert np.isfinite(x).all()


def test_the_shipped_model_forecasts_with_reasons():
    model = load_model()
    assert model.spec["features"] == feature_names() and model.spec["report"]["cv_cmv"]["n"] == 1367
    hostile, polite = forecast(HOSTILE, model), forecast(POLITE, model)
    assert 0 <= polite.probability < hostile.probability <= 1
    assert hostile.reasons and all(isinstance(r, str) for r in hostile.reasons)
    probs = forecast_many([POLITE, HOSTILE], model)
    assert probs.shape == (2,) and probs[1] > probs[0]


def test_without_the_accurate_profile_the_forecast_falls_back_to_the_readable_features():
    model = load_model()
    assert model.with_embedding() is not None  # the shipped file holds both models
    readable = forecast_many([POLITE, HOSTILE], model, embed=None)
    assert readable[1] > readable[0]
    fallback = forecast(HOSTILE, model, embed=None)
    assert fallback.probability == pytest.approx(readable[1], abs=1e-3) and fallback.reasons


def letters(texts):
    """A small deterministic sentence vector (letter frequencies, L2-normalised) to train the embedding part on."""
    rows = np.array([[t.count(ch) for ch in "abcdefghijklmnopqrstuvwxyz?!"] for t in texts], dtype=float) + 1e-3
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_fast_profile_installation_never_loads_the_encoder_for_the_forecast(settings):
    settings.CARELOOP_SCORING_PROFILE = "fast"
    assert accurate_embedder() is None
    assert forecast(HOSTILE).probability == forecast(HOSTILE, embed=None).probability


@needs_model
def test_with_the_accurate_profile_the_forecast_reads_the_latest_turns_embedding(accurate_dir):
    from careloop.listen.accurate import load_accurate_scorer

    scorer = load_accurate_scorer(accurate_dir)

    def embed(texts):
        return scorer.embed(list(texts))["e5"]

    model = load_model()
    embedded = model.with_embedding()
    hostile = forecast(HOSTILE, model, embed=embed)
    assert embedded is not None and hostile.probability == pytest.approx(
        float(forecast_many([HOSTILE], embedded, embed=embed)[0]), abs=1e-3)
    assert hostile.probability != forecast(HOSTILE, model, embed=None).probability
    assert hostile.reasons and forecast(POLITE, model, embed=embed).probability < hostile.probability


@pytest.mark.parametrize(("line", "says"), [
    ('{"text": "hello", "label": "derail"}', '"utterances" is missing'),
    ('{"utterances": [{"speaker": "a"}], "label": "civil"}', 'utterance 0 has no "text"'),
    ('{"utterances": [{"speaker": "a", "text": "hi"}], "label": "toxic"}', "label 'toxic' is not one of derail"),
    ('{"utterances": [], "label": "civil"}', "empty"),
    ("[1, 2]", "a JSON list, not an object"),
    ("{oops", "not valid JSON"),
])
def test_a_wrongly_shaped_file_is_a_clear_error(tmp_path, line, says):
    path = write(tmp_path / "conv.jsonl", [conversation("civil", POLITE), line])
    with pytest.raises(EvalFileError, match="conv.jsonl:2") as error:
        load_conversations(path)
    assert says in str(error.value)


def test_an_empty_file_is_an_error(tmp_path):
    with pytest.raises(EvalFileError, match="empty"):
        load_conversations(write(tmp_path / "empty.jsonl", [""]))


@pytest.mark.django_db
def test_eval_derailment_prints_the_documented_json(cli, tmp_path):
    path = write(tmp_path / "conv.jsonl", [conversation("civil", POLITE, 1), conversation("derail", HOSTILE, 2),
                                           conversation("civil", POLITE[:1], 3)])
    result = cli("eval", "derailment", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"n", "accuracy", "f1", "fpr", "macro_f1", "macro_precision", "macro_recall", "per_class",
            "posts_per_s"} <= set(report)
    assert report["n"] == 3 and 0 <= report["accuracy"] <= 1 and 0 <= report["fpr"] <= 1
    assert report["in_training"] == 0  # none of these conversations is in the shipped model's training data
    assert report["f1"] == report["per_class"]["derail"]["f1"]
    bad = write(tmp_path / "texts.jsonl", [{"text": "a post", "label": "toxic"}])
    result = cli("eval", "derailment", str(bad), "--json")
    assert result.exit_code == 1 and "texts.jsonl:1" in result.output and "utterances" in result.output


def test_training_writes_a_model_that_loads_and_reports_its_protocol(tmp_path):
    data = tmp_path / "data" / "derailment"
    data.mkdir(parents=True)
    rng = np.random.default_rng(1)
    rows = []
    for n in range(60):
        label = "derail" if n % 2 else "civil"
        turns = HOSTILE if label == "derail" else POLITE
        rows.append(conversation(label, turns[: 1 + rng.integers(len(turns))], n))
    write(data / "en-cga-cmv.train.jsonl", rows)
    write(data / "en-cga-wiki-sample.train.jsonl", rows[:20])
    report = train_derailment(tmp_path / "data", tmp_path / "out", echo=lambda _: None, version="test",
                              embed=letters)
    assert report["cv_cmv"]["n"] == 60 and report["cmv_only_on_wiki"]["n"] == 20
    assert report["cv_cmv"]["accuracy"] > 0.8 and report["embedding"]["cv_cmv"]["accuracy"] > 0.8
    assert report["embedding"]["cmv_only_on_wiki"]["n"] == 20
    cv = report["embedding"]["cv_wiki_with_cmv"]
    assert cv["n"] == 20 and len(cv["runs"]) == 3
    assert cv["accuracy_range"][0] <= cv["accuracy"] <= cv["accuracy_range"][1]
    model = load_model(tmp_path / "out")
    assert model.version == "test" and "10-fold CV" in model.spec["report"]["protocol"]
    assert model.spec["trained_on"] == ["en-cga-cmv.train.jsonl", "en-cga-wiki-sample.train.jsonl"]
    embedded = model.with_embedding()
    assert embedded is not None and embedded.version == "test+e5" and len(embedded.coef) == len(feature_names()) + 28
    probs = forecast_many([POLITE, HOSTILE], model, embed=letters)
    assert probs[1] > probs[0]
    readable_only = train_derailment(tmp_path / "data", tmp_path / "plain", echo=lambda _: None, embed=None)
    assert "embedding" not in readable_only and load_model(tmp_path / "plain").with_embedding() is None

    # a fuller Wikipedia split dropped in beside the sample is read too, without counting the sample twice
    fuller = rows[10:20] + [conversation("civil", [Turn(f"a conversation only the full split has, #{n}")], n)
                            for n in (100, 101)]
    write(data / "en-cga-wiki.train.jsonl", fuller)
    wiki, files = wikipedia_training(tmp_path / "data")
    assert files == ["en-cga-wiki-sample.train.jsonl", "en-cga-wiki.train.jsonl"]
    assert [c.id for c in wiki] == [f"c{n}" for n in range(20)] + ["c100", "c101"]


def test_evaluation_says_how_many_conversations_the_model_was_trained_on(tmp_path):
    data = tmp_path / "data" / "derailment"
    data.mkdir(parents=True)
    rows = [conversation("derail" if n % 2 else "civil", HOSTILE if n % 2 else POLITE[: 1 + n % 4], n)
            for n in range(40)]
    write(data / "en-cga-cmv.train.jsonl", rows)
    train_derailment(tmp_path / "data", tmp_path / "out", echo=lambda _: None, embed=None)
    assert conversation_hash(HOSTILE) in load_model(tmp_path / "out").spec["training_hashes"]
    unseen = [Turn("A fresh question about the sources?", "x"), Turn("Here they are, thanks for asking.", "y")]
    path = write(tmp_path / "mixed.jsonl", [conversation("derail", HOSTILE, 1), conversation("civil", POLITE[:1], 2),
                                             conversation("civil", unseen, 3)])
    assert evaluate_file(path, model_dir=tmp_path / "out")["in_training"] == 2


@pytest.mark.django_db
@pytest.mark.skipif(not SHARED.exists(), reason="the shared Conversations Gone Awry files are not here")
def test_careloop_eval_warns_when_the_file_trained_the_model(cli):
    result = cli("eval", "derailment", str(SHARED / "en-cga-wiki-sample.train.jsonl"), "--profile", "fast")
    assert result.exit_code == 0, result.output
    assert "500 of these 500 conversations trained the model" in result.stderr


@pytest.mark.skipif(not SHARED.exists(), reason="the shared Conversations Gone Awry files are not here")
def test_the_shipped_model_knows_it_was_trained_on_the_wikipedia_sample():
    report = evaluate_file(SHARED / "en-cga-wiki-sample.train.jsonl", profile="fast")
    assert report["n"] == report["in_training"] == 500
    spec = load_model().spec
    assert spec["trained_on"] == ["en-cga-cmv.train.jsonl", "en-cga-wiki-sample.train.jsonl"]
    for part in (spec["report"], spec["report"].get("embedding", spec["report"])):
        assert part["cmv_only_on_wiki"]["n"] == part["cv_wiki_with_cmv"]["n"] == 500
        assert len(part["cv_wiki_with_cmv"]["runs"]) == 3
