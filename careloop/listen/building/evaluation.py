"""Measure a scorer against labelled posts: read the file strictly, compute the figures the model card quotes.

The same `metrics()` serves `careloop eval`, `careloop train`'s report and the benchmark, so a number in the
model card means the same thing wherever it was printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from time import perf_counter

from careloop.listen.building.measures import EvalFileError, json_object, metrics
from careloop.listen.building.measures import germeval_f as germeval_f  # evaluation's figures, with the rest

TASK_LABELS: dict[str, tuple[str, ...]] = {
    "complaint": ("complaint", "not_complaint"),
    "sentiment": ("negative", "neutral", "positive"),
    "toxicity": ("toxic", "not_toxic"),
}


CONVERSATION_TASKS: dict[str, tuple[str, ...]] = {"derailment": ("derail", "civil")}  # see derailment.py


def _task_labels(task: str) -> tuple[str, ...]:
    if task not in TASK_LABELS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASK_LABELS)}")
    return TASK_LABELS[task]


def _parse_line(path: Path, number: int, line: str, labels: tuple[str, ...]) -> tuple[str, str]:
    """One line as (text, label), or an EvalFileError that names the file, the line and what was expected."""
    where = f"{path}:{number}"
    expected = f'expected a JSON object {{"text": "...", "label": {" | ".join(labels)}}}'
    obj = json_object(where, line, expected)
    text, label = obj.get("text"), obj.get("label")
    if not isinstance(text, str):
        raise EvalFileError(f'{where}: "text" is missing or not a string; {expected}')
    if label not in labels:
        raise EvalFileError(f'{where}: label {label!r} is not one of {", ".join(labels)}; {expected}')
    return text, label


def load_labelled(path: Path, task: str) -> tuple[list[str], list[str]]:
    """Texts and labels of a JSON-lines file; other keys are ignored, blank lines skipped, any other shape refused.

    Refusing (rather than skipping) a bad line matters: a silently dropped class would change every figure.
    """
    labels = _task_labels(task)
    path = Path(path)
    texts: list[str] = []
    gold: list[str] = []
    try:
        with path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                text, label = _parse_line(path, number, line, labels)
                texts.append(text)
                gold.append(label)
    except UnicodeDecodeError as exc:
        raise EvalFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    if not texts:
        raise EvalFileError(f'{path}:1: the file is empty; expected JSON lines {{"text": ..., "label": ...}}')
    return texts, gold


def fast_predict_labels(task: str, texts: Sequence[str], *, model_dir: Path | str | None = None) -> list[str]:
    """The fast scorer's labels: complaint/toxic when p ≥ the threshold in meta.json, sentiment by argmax."""
    from careloop.listen.fast import load_fast_scorer

    _task_labels(task)
    return load_fast_scorer(model_dir).labels(task, texts)


def evaluate_file(task: str, path: Path, profile: str | None = None) -> dict:
    """`metrics()` of the chosen profile on a labelled file, plus the scoring speed (posts/s).

    The scorer comes from careloop.listen.scoring, the one place that resolves the profile and its model folder
    (CARELOOP_MODELS_DIR), so `careloop eval` measures exactly what `careloop score` runs.
    """
    from careloop.listen.scoring import ScoringUnavailable, _scorer, current_profile

    if task in CONVERSATION_TASKS:  # conversations, not texts: the forecast reads them whole
        from careloop.listen.building.derailment import evaluate_file as evaluate_conversations

        return evaluate_conversations(path, profile=profile)
    profile = profile or current_profile()
    texts, gold = load_labelled(path, task)
    scorer = _scorer(profile)  # raises ScoringUnavailable for a profile that is not built
    if not hasattr(scorer, "labels"):
        raise ScoringUnavailable(f"careloop eval cannot measure the {profile} profile yet (no labels())")
    scorer.labels(task, texts[:1])  # warm up outside the timing
    start = perf_counter()
    predicted = scorer.labels(task, texts)
    elapsed = perf_counter() - start
    report = metrics(gold, predicted, TASK_LABELS[task])
    report["posts_per_s"] = float(len(texts) / max(elapsed, 1e-9))
    return report
