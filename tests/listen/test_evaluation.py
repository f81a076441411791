"""metrics() against figures computed by hand, and load_labelled's refusal of every other file shape."""

from __future__ import annotations

import json

import pytest

from careloop.listen.building.evaluation import TASK_LABELS, EvalFileError, germeval_f, load_labelled, metrics


def test_task_labels():
    assert TASK_LABELS == {"complaint": ("complaint", "not_complaint"),
                           "sentiment": ("negative", "neutral", "positive"), "toxicity": ("toxic", "not_toxic")}


def test_metrics_against_a_hand_computed_example():
    gold = ["negative", "negative", "negative", "neutral", "neutral", "positive"]
    pred = ["negative", "negative", "neutral", "neutral", "positive", "negative"]
    m = metrics(gold, pred, TASK_LABELS["sentiment"])
    # negative: tp 2, predicted 3, support 3 → P 2/3, R 2/3, F1 2/3
    # neutral:  tp 1, predicted 2, support 2 → P 1/2, R 1/2, F1 1/2
    # positive: tp 0, predicted 1, support 1 → P 0, R 0, F1 0
    assert m["n"] == 6
    assert m["accuracy"] == pytest.approx(3 / 6)
    assert m["per_class"]["negative"] == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3,
                                                        "support": 3})
    assert m["per_class"]["neutral"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert m["per_class"]["positive"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert m["macro_precision"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)
    assert m["macro_recall"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)
    assert set(m) == {"n", "accuracy", "macro_f1", "macro_precision", "macro_recall", "per_class"}
    assert all(type(m[k]) is float for k in ("accuracy", "macro_f1", "macro_precision", "macro_recall"))
    assert type(m["per_class"]["negative"]["support"]) is int
    json.dumps(m)  # plain Python numbers only


def test_binary_metrics_and_germeval_f():
    gold = ["toxic", "toxic", "not_toxic", "not_toxic"]
    pred = ["toxic", "toxic", "toxic", "not_toxic"]
    m = metrics(gold, pred, TASK_LABELS["toxicity"])
    # toxic: P 2/3, R 1; not_toxic: P 1, R 1/2
    assert m["macro_precision"] == pytest.approx((2 / 3 + 1) / 2)
    assert m["macro_recall"] == pytest.approx((1 + 0.5) / 2)
    assert m["macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2)
    p, r = 5 / 6, 3 / 4
    assert germeval_f(m) == pytest.approx(2 * p * r / (p + r))


def test_load_labelled_reads_text_and_label_and_ignores_other_keys(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "gut", "label": "positive", "lang": "de"}) + "\n\n"
                    + json.dumps({"text": "bad", "label": "negative"}) + "\n", encoding="utf-8")
    assert load_labelled(path, "sentiment") == (["gut", "bad"], ["positive", "negative"])


@pytest.mark.parametrize(("lines", "line_no", "says"), [
    (['{"text": "ok", "label": "toxic"}', "not json"], 2, "not valid JSON"),
    (['["text", "toxic"]'], 1, "not an object"),
    (['{"label": "toxic"}'], 1, '"text" is missing'),
    (['{"text": 5, "label": "toxic"}'], 1, '"text" is missing or not a string'),
    (['{"text": "x", "label": "toxic"}', '{"text": "x", "label": "angry"}'], 2, "'angry' is not one of"),
    (['{"text": "x"}'], 1, "None is not one of"),
])
def test_load_labelled_names_the_line_of_a_bad_shape(tmp_path, lines, line_no, says):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(EvalFileError) as excinfo:
        load_labelled(path, "toxicity")
    message = str(excinfo.value)
    assert f"{path}:{line_no}:" in message and says in message
    assert "toxic | not_toxic" in message  # says what was expected


def test_load_labelled_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match=r"empty.jsonl:1: the file is empty"):
        load_labelled(path, "complaint")


def test_eval_file_error_is_a_value_error():
    assert issubclass(EvalFileError, ValueError)
