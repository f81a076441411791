"""What the scorers' evaluation, their training and the derailment forecast all use: a strict JSON-lines line,
the figures a model card quotes (`metrics()`, GermEval's F) and Platt's calibration.

evaluation.py, fast.py and derailment.py (all in careloop/listen/building/) import these from here, below all
three, so none of them imports another for them (evaluation.py measures the forecast and fast.py builds on
evaluation.py). careloop.listen.building.evaluation re-exports EvalFileError, json_object, metrics and germeval_f.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


class EvalFileError(ValueError):
    """A labelled file that is not JSON lines of {"text": str, "label": one of the task's labels}."""


def json_object(where: str, line: str, expected: str) -> dict:
    """A JSON-lines line as an object, or an EvalFileError naming `where` (file:line) and what was `expected`."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvalFileError(f"{where}: not valid JSON ({exc.msg}); {expected}") from None
    if not isinstance(obj, dict):
        raise EvalFileError(f"{where}: a JSON {type(obj).__name__}, not an object; {expected}")
    return obj


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else 0.0


def metrics(labels_true: Sequence[str], labels_pred: Sequence[str], labels: Sequence[str]) -> dict:
    """Accuracy and macro-averaged precision, recall and F1 over `labels`, with per-class figures.

    Plain floats and ints, so the result goes straight into JSON. A class that is never predicted (or never
    present) counts with precision (recall) 0, as in scikit-learn's `zero_division=0`.
    """
    if len(labels_true) != len(labels_pred):
        raise ValueError(f"{len(labels_true)} true labels but {len(labels_pred)} predicted")
    per_class: dict[str, dict] = {}
    for label in labels:
        tp = sum(1 for t, p in zip(labels_true, labels_pred, strict=True) if t == label and p == label)
        predicted = sum(1 for p in labels_pred if p == label)
        support = sum(1 for t in labels_true if t == label)
        precision, recall = _ratio(tp, predicted), _ratio(tp, support)
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": int(support)}
    n = len(labels_true)
    correct = sum(1 for t, p in zip(labels_true, labels_pred, strict=True) if t == p)
    k = max(len(labels), 1)
    return {
        "n": n,
        "accuracy": _ratio(correct, n),
        "macro_f1": sum(c["f1"] for c in per_class.values()) / k,
        "macro_precision": sum(c["precision"] for c in per_class.values()) / k,
        "macro_recall": sum(c["recall"] for c in per_class.values()) / k,
        "per_class": per_class,
    }


def germeval_f(figures: dict) -> float:
    """GermEval 2018/2021's official F: the harmonic mean of macro-precision and macro-recall."""
    p, r = figures["macro_precision"], figures["macro_recall"]
    return _ratio(2 * p * r, p + r)


def fit_platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """p = sigmoid(a·score + b), fitted by (nearly unregularised) logistic regression on dev scores."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e4, solver="lbfgs").fit(scores.reshape(-1, 1), y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])
