"""Build and measure the derailment forecast (careloop/listen/derailment.py): `careloop train --profile derailment`
and `careloop eval derailment`.

The conversation files are read strictly (a bad line is an error naming it, never skipped); training fits the two
logistic regressions the forecast serves (readable features, and with the e5 embedding of the latest turns) and
writes model.json with its report and a hash of every training conversation. Nothing here runs while scoring.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from careloop.listen.building.measures import EvalFileError, fit_platt, json_object, metrics
from careloop.listen.derailment import (  # the private names: what the forecast itself uses, built and measured here
    _NO_EMBEDDER,
    EMBEDDED_TURNS,
    FORMAT,
    LABELS,
    Conversation,
    DerailmentModel,
    Turn,
    _features,
    _load,
    accurate_embedder,
    conversation_features,
    embedding_features,
    embedding_names,
    fast_scorer,
    feature_names,
    load_model,
)


# ------------------------------------------------------------------------------------------------ data files
def load_conversations(path: Path | str) -> list[Conversation]:
    """Conversation lines ({"id", "utterances": [{"speaker", "text"}...], "label": derail|civil}); any other
    shape is an error naming the line, never skipped."""
    path = Path(path)
    expected = ('expected a JSON object {"utterances": [{"speaker": ..., "text": "..."}, ...], '
                '"label": derail | civil}')
    out: list[Conversation] = []
    try:
        with path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                obj = json_object(where, line, expected)
                utterances = obj.get("utterances")
                if not isinstance(utterances, list) or not utterances:
                    raise EvalFileError(f'{where}: "utterances" is missing, empty or not a list; {expected}')
                turns = []
                for k, u in enumerate(utterances):
                    if not isinstance(u, dict) or not isinstance(u.get("text"), str):
                        raise EvalFileError(f'{where}: utterance {k} has no "text" string; {expected}')
                    speaker = u.get("speaker")
                    turns.append(Turn(u["text"], speaker if isinstance(speaker, str) else None))
                label = obj.get("label")
                if label not in LABELS:
                    raise EvalFileError(f"{where}: label {label!r} is not one of derail, civil; {expected}")
                out.append(Conversation(str(obj.get("id", number)), turns, label))
    except UnicodeDecodeError as exc:
        raise EvalFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    if not out:
        raise EvalFileError(f"{path}:1: the file is empty; {expected}")
    return out


def binary_figures(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    """`metrics()` (measures.py) plus what a forecast is judged by: F1 of the derail class and the false
    positive rate (civil conversations flagged)."""
    report = metrics(gold, predicted, LABELS)
    civil = [p for g, p in zip(gold, predicted, strict=True) if g == "civil"]
    report["f1"] = report["per_class"]["derail"]["f1"]
    report["fpr"] = sum(p == "derail" for p in civil) / len(civil) if civil else 0.0
    return report


def _labels(conversations: Sequence[Conversation]) -> list[str]:
    """The conversations' labels (load_conversations gives every one a label; a forecast's own have none)."""
    missing = [c.id for c in conversations if c.label is None]
    if missing:
        raise EvalFileError(f"conversations without a label (derail or civil): {', '.join(missing[:5])}")
    return [str(c.label) for c in conversations]


def evaluate_file(path: Path | str, model_dir: Path | str | None = None, profile: str | None = None) -> dict:
    """`careloop eval derailment FILE [--profile accurate]`: the shipped forecast on a file of conversations
    (with the e5 embedding when the profile is accurate and it can run here). `in_training` counts the file's
    conversations the model was trained on (the shipped one learnt from the whole Wikipedia sample and CMV): when it
    is not 0, the figures are not a held-out measurement."""
    from time import perf_counter

    conversations = load_conversations(path)
    model = load_model(model_dir)
    embed = accurate_embedder(profile)
    start = perf_counter()
    x, model = _features([c.turns for c in conversations], model, embed)
    probs = model.probability(x)
    elapsed = perf_counter() - start
    predicted = ["derail" if p >= model.threshold else "civil" for p in probs]
    report = binary_figures(_labels(conversations), predicted)
    report["conversations_per_s"] = float(len(conversations) / max(elapsed, 1e-9))
    report["posts_per_s"] = float(sum(len(c.turns) for c in conversations) / max(elapsed, 1e-9))
    report["model_version"] = model.version
    # conversations of this file the model was trained on (by text hash): figures on them are not held out
    seen = set(model.spec.get("training_hashes", ()))
    report["in_training"] = sum(conversation_hash(c.turns) in seen for c in conversations)
    return report


# ------------------------------------------------------------------------------------------------ training
SEED = 20261124
REPORT_SEEDS = (SEED, SEED + 1, SEED + 2)  # the Wikipedia cross-validation is repeated with these fold splits
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
EMBEDDING_C_GRID = (0.0003, 0.001, 0.003)


def conversation_hash(turns: Sequence[Turn]) -> str:
    """A short fingerprint of a conversation's texts (first 8 hex of sha1): model.json lists those it was trained
    on, so `careloop eval derailment` can say how many conversations of a file the model has seen."""
    return hashlib.sha1("\n".join(t.text for t in turns).encode("utf-8")).hexdigest()[:8]


def wikipedia_training(data_dir: Path) -> tuple[list[Conversation], list[str]]:
    """The labelled Wikipedia talk-page conversations in data_dir/derailment (every `*wiki*.train.jsonl`: today the
    500-conversation sample; a fuller CGA-Wikipedia training split dropped in beside it is read too), skipping
    the conversations an earlier file already had (the sample is part of the full split), and the files' names."""
    files = sorted((Path(data_dir) / "derailment").glob("*wiki*.train.jsonl"))
    seen: set[str] = set()
    out: list[Conversation] = []
    for path in files:
        keyed = [(conversation_hash(c.turns), c) for c in load_conversations(path)]
        out += [c for key, c in keyed if key not in seen]  # only an earlier file's conversations are skipped
        seen.update(key for key, _ in keyed)
    return out, [f.name for f in files]


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((x - mean) / scale, y)
    return mean, scale, lr.coef_[0], float(lr.intercept_[0])


def _raw(fit: tuple, x: np.ndarray) -> np.ndarray:
    mean, scale, coef, intercept = fit
    return ((x - mean) / scale) @ coef + intercept


def cross_validated(x: np.ndarray, y: np.ndarray, c: float, folds: int = 10, seed: int = SEED) -> np.ndarray:
    """Out-of-fold raw scores: each conversation scored by a model that never saw it."""
    from sklearn.model_selection import StratifiedKFold

    out = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        out[test] = _raw(_fit(x[train], y[train], c), x[test])
    return out


def _figures(y: np.ndarray, scores: np.ndarray, threshold: float = 0.0) -> dict:
    """Figures of raw scores (or probabilities with threshold 0.5) against 0/1 labels, plus the ranking (AUC)."""
    from sklearn.metrics import roc_auc_score

    gold = ["derail" if v else "civil" for v in y]
    predicted = ["derail" if p >= threshold else "civil" for p in scores]
    r = binary_figures(gold, predicted)
    out = {k: round(r[k], 4) if isinstance(r[k], float) else r[k] for k in ("n", "accuracy", "f1", "fpr", "macro_f1")}
    out["auc"] = round(float(roc_auc_score(y, scores)), 4) if 0 < y.sum() < len(y) else None
    return out


def _wiki_cross_validated(x: np.ndarray, y: np.ndarray, xt: np.ndarray, yt: np.ndarray, c: float) -> dict:
    """The estimate of what the shipped recipe does on unseen Wikipedia conversations: stratified 10-fold CV on the
    Wikipedia sample, each fold's model fitted on all of CMV plus the other nine folds (C as chosen on CMV alone),
    the left-out tenth predicted at the shipped decision point (raw score 0, see `_train_part`); repeated with
    each of REPORT_SEEDS' fold splits. Nothing here is tuned on the rows it reports."""
    from sklearn.model_selection import StratifiedKFold

    runs = []
    for seed in REPORT_SEEDS:
        scores = np.zeros(len(yt))
        for train, test in StratifiedKFold(10, shuffle=True, random_state=seed).split(xt, yt):
            scores[test] = _raw(_fit(np.vstack([x, xt[train]]), np.r_[y, yt[train]], c), xt[test])
        runs.append({"seed": seed, **_figures(yt, scores)})
    mean = {k: round(float(np.mean([r[k] for r in runs])), 4) for k in ("accuracy", "f1", "fpr", "macro_f1", "auc")}
    return {"n": len(yt), **mean, "accuracy_range": [min(r["accuracy"] for r in runs),
                                                     max(r["accuracy"] for r in runs)], "runs": runs}


def _choose_c(x: np.ndarray, y: np.ndarray, grid: Sequence[float], echo: Callable[[str], None], label: str
              ) -> tuple[float, dict]:
    """C by 10-fold CV accuracy on CMV alone (the Wikipedia labels never choose anything)."""
    best: tuple[float, float, np.ndarray] | None = None
    for c in grid:
        scores = cross_validated(x, y, c)
        acc = float(((scores >= 0) == y).mean())
        echo(f"derailment ({label}): C={c} cross-validated accuracy on CMV {acc:.4f}")
        if best is None or acc > best[1] + 1e-9:
            best = (c, acc, scores)
    if best is None:
        raise ValueError("no C to choose from: the grid is empty")
    c, _, oof = best
    return c, _figures(y, oof)


def _train_part(x: np.ndarray, y: np.ndarray, c: float) -> dict:
    """Fit on all the training conversations with C, Platt-calibrate on their out-of-fold scores. The decision
    point is raw score 0 (written as the calibrated probability there), the point the Wikipedia CV measures."""
    a, b = fit_platt(cross_validated(x, y, c), y)
    mean, scale, coef, intercept = _fit(x, y, c)
    return {"mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(), "coef": coef.round(6).tolist(),
            "intercept": round(intercept, 6), "C": c, "calibration": {"a": round(float(a), 6), "b": round(float(b), 6)},
            "threshold": round(float(1 / (1 + math.exp(-b))), 6)}


def _measure(x: np.ndarray, y: np.ndarray, xt: np.ndarray, yt: np.ndarray, c: float) -> dict:
    """CMV-only model on the whole Wikipedia sample (transfer to a community it never saw), and the Wikipedia CV."""
    return {"cmv_only_on_wiki": _figures(yt, _raw(_fit(x, y, c), xt)),
            "cv_wiki_with_cmv": _wiki_cross_validated(x, y, xt, yt, c)}


def train_derailment(data_dir: Path, out_dir: Path, echo: Callable[[str], None] = print,
                     version: str | None = None, embed=_NO_EMBEDDER) -> dict:
    """Fit the shipped forecast on CMV plus the Wikipedia sample; writes out_dir/model.json, returns the report.

    C is chosen by 10-fold CV on CMV alone. What the report says about Wikipedia never comes from a model that saw
    the rows it is measured on: a CMV-only model on the whole sample, and 10-fold CV on the sample with CMV in
    every training fold (three fold splits). The shipped model then learns from all of it; model.json lists a
    short hash of every training conversation, so `careloop eval derailment` on the sample says it is contaminated.

    Two models go into the file: one over the readable features, and (when `embed`, by default the accurate
    profile's encoder, is there) one that also reads the e5 embedding of the latest turns."""
    from datetime import date

    cmv_path = Path(data_dir) / "derailment" / "en-cga-cmv.train.jsonl"
    if embed is _NO_EMBEDDER:
        embed = accurate_embedder("accurate")  # training builds both parts whenever the encoder can run
    scorer = fast_scorer()
    cmv = load_conversations(cmv_path)
    wiki, wiki_files = wikipedia_training(data_dir)
    x = conversation_features([c.turns for c in cmv], scorer)
    y = np.array([c.label == "derail" for c in cmv], dtype=int)
    xt = conversation_features([c.turns for c in wiki], scorer) if wiki else np.zeros((0, x.shape[1]))
    yt = np.array([c.label == "derail" for c in wiki], dtype=int)
    trained_on = [cmv_path.name, *wiki_files]
    report: dict = {"protocol": "C by 10-fold CV on en-cga-cmv; measured on en-cga-wiki-sample by a CMV-only model "
                                "and by 10-fold CV with CMV in every training fold (seeds " +
                                ", ".join(map(str, REPORT_SEEDS)) + "); shipped model fitted on " +
                                " + ".join(trained_on)}
    c, report["cv_cmv"] = _choose_c(x, y, C_GRID, echo, "readable features")
    report["C"] = c
    if wiki:
        report.update(_measure(x, y, xt, yt, c))
    spec = {
        "format": FORMAT, "version": version or f"derailment-{date.today():%Y.%m.%d}", "seed": SEED,
        "features": feature_names(), **_train_part(np.vstack([x, xt]), np.r_[y, yt], c), "scorer": scorer.version,
        "trained_on": trained_on,
        "training_hashes": sorted({conversation_hash(t.turns) for t in [*cmv, *wiki]}),
    }
    if embed is not None:
        xe = np.hstack([x, embedding_features([t.turns for t in cmv], embed)])
        xte = np.hstack([xt, embedding_features([t.turns for t in wiki], embed)]) if wiki else \
            np.zeros((0, xe.shape[1]))
        c, cv_cmv = _choose_c(xe, y, EMBEDDING_C_GRID, echo, f"with e5 of the last {EMBEDDED_TURNS} turns")
        report["embedding"] = {"C": c, "cv_cmv": cv_cmv, **(_measure(xe, y, xte, yt, c) if wiki else {})}
        spec["embedding"] = {**_train_part(np.vstack([xe, xte]), np.r_[y, yt], c),
                             "embedding_features": embedding_names(xe.shape[1] - x.shape[1]),
                             "embedded_turns": EMBEDDED_TURNS}
    spec["report"] = report
    DerailmentModel(spec)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "model.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    _load.cache_clear()
    echo(f"derailment: {json.dumps(report)}")
    return report
