"""Derailment forecast: will a conversation that is still civil turn into a personal attack?

Trained on Conversations Gone Awry (Zhang et al. 2018; Chang & Danescu-Niculescu-Mizil 2019): each example is
a conversation *before* its final turn, labelled by whether that final turn is an attack (`derail`) or not
(`civil`). The forecast reads only what has been said so far, so it can warn before anyone is attacked.

Why this shape:

* Features a manager can read, not a black box: per turn, the fast models' toxicity, negativity and complaint
  scores, and markers of the conversation's tone from the CGA literature — second person aimed at the other
  ("you people", "your argument", "du bist", "ihr seid"), direct disagreement ("you're wrong", "that's not"),
  questions, politeness (thanks, apologies, hedges, agreement) and the length of turns. They are summarised
  over the conversation (mean, maximum and latest turn), with the number of turns.
* A logistic regression over standardised features, with Platt calibration fitted on cross-validated scores:
  small, explainable (each feature's pull on the forecast can be named), and stored as plain JSON (no pickle).
* Training data: Reddit ChangeMyView (1,367 conversations, lower-cased, no speakers) plus the Wikipedia talk-page
  sample (500, 250/250): the community the official test set comes from, and the data that matters most. Everything
  is lower-cased first so the two look alike. C is chosen by cross-validation on CMV alone, so the Wikipedia labels
  choose nothing; model.json lists a short hash of every training conversation and `evaluate_file` says how many
  conversations of a file the model was trained on (`in_training`), so a contaminated measurement says so.
* How it does on Wikipedia conversations it has not seen (`model.json`'s report, rebuilt by `careloop train
  --profile derailment`): stratified 10-fold CV on the Wikipedia sample with CMV in every training fold, three fold
  splits: accuracy 0.577 (0.576–0.578), F1 0.503, FPR 0.27 with the e5 model (11-layer encoder; 0.588 with 12);
  0.537 (F1 0.363, FPR 0.19) with the readable features alone. Trained on CMV only and measured on the whole
  sample: 0.564 / 0.522. CRAFT: 0.664.
* When the accurate profile is installed, the model also reads what the latest two turns say: the mean of their
  multilingual-e5 sentence embeddings (384 numbers, from the accurate scorer), next to the readable features.
  Without the accurate profile the forecast falls back to the readable features alone, with a model fitted on them
  (both are in model.json). The reasons are always named from the readable features. Per-turn embeddings, the
  accurate heads' per-turn scores and their trajectory, similarities between turns, who speaks (last speaker = the
  opener, distinct speakers), a small MLP, TF-IDF, re-weighting the Wikipedia rows and fine-tuning the encoder on
  whole conversations (scripts/derailment_finetune.py: 0.584, AUC 0.618 at 45× the training time) were measured
  and dropped: none moved the Wikipedia CV beyond its noise (docs/model-card.md, "## Derailment"). What would move
  it is more labelled Wikipedia data: `wikipedia_training()` reads every *wiki*.train.jsonl beside the sample.

This module is what the forecast runs; training it and measuring it (`train_derailment`, `evaluate_file`,
`wikipedia_training`, the conversation files) are in careloop/listen/building/derailment.py.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

FORMAT = 1
LABELS = ("derail", "civil")
DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "derailment"

_WORD = re.compile(r"[a-zäöüß']+")
# Markers: each counts matches per turn. English and German, lower-cased text.
MARKERS: dict[str, re.Pattern] = {
    "second_person": re.compile(r"\b(you|your|yours|yourself|you're|youre|u|du|dich|dir|dein\w*|ihr|euch|euer\w*)\b"),
    "second_person_attack": re.compile(
        r"\b(you people|you guys always|you('re| are) (so |just |really |clearly |obviously )?"
        r"(wrong|ignorant|stupid|lying|a liar|an idiot|clueless|delusional|pathetic|ridiculous|incompetent|biased|"
        r"not (listening|reading)|missing the point)|you (don'?t|do not|didn'?t|clearly don'?t) "
        r"(understand|get it|know|read|listen)|your (argument|logic|point|claim|reasoning|opinion|edits?|attitude|"
        r"behaviou?r|problem)|how dare you|shame on you|"
        r"du bist|ihr seid|du hast (keine|nichts)|ihr habt (keine|nichts)|typisch (für )?(euch|dich)|"
        r"ihr (kapiert|versteht|lest) (es )?(nicht|nichts))\b"
    ),
    "disagreement": re.compile(
        r"\b(no,|not true|that'?s not|that is not|wrong|disagree|nonsense|ridiculous|absurd|false|actually|"
        r"misunderstand\w*|misrepresent\w*|strawman|straw man|bullshit|bs|irrelevant|doesn'?t make sense|"
        r"makes no sense|stimmt nicht|quatsch|unsinn|falsch|blödsinn)\b"
    ),
    "question": re.compile(r"\?"),
    "gratitude": re.compile(r"\b(thanks?|thank you|thx|appreciate\w*|danke\w*)\b"),
    "apology": re.compile(r"\b(sorry|apologi[sz]e\w*|my bad|entschuldig\w*)\b"),
    "hedge": re.compile(r"\b(i think|i believe|i guess|maybe|perhaps|possibly|might|seems?|probably|"
                        r"in my opinion|imho|imo|ich glaube|vielleicht|wahrscheinlich)\b"),
    "agreement": re.compile(r"\b(i agree|good point|fair point|you'?re right|that'?s true|true,|fair enough|"
                            r"makes sense|stimmt|guter punkt|du hast recht)\b"),
}
SCORES = ("toxicity", "negative", "complaint")
PER_TURN = (*SCORES, "log_words", *MARKERS)


@dataclass
class Turn:
    text: str
    speaker: str | None = None


@dataclass
class Conversation:
    id: str
    turns: list[Turn]
    label: str | None = None


@dataclass
class Forecast:
    probability: float
    reasons: list[str] = field(default_factory=list)


AGGREGATES = ("mean", "max", "last")
EMBEDDED_TURNS = 2  # the embedding feature: the mean of the last this-many turns' e5 vectors


def feature_names() -> list[str]:
    return ["turns_log", *(f"{f}_{how}" for f in PER_TURN for how in AGGREGATES)]


def embedding_names(dim: int = 384) -> list[str]:
    return [f"e5_last{EMBEDDED_TURNS}_{i}" for i in range(dim)]


def accurate_embedder(profile: str | None = None) -> Callable[[Sequence[str]], np.ndarray] | None:
    """The accurate profile's e5 encoder as a function texts → L2-normalised rows — only when the scoring profile
    (`profile`, else the installation's CARELOOP_SCORING_PROFILE) is `accurate` and it can run here; else None,
    and the forecast uses the readable features alone. A fast-profile worker never loads the 650 MB encoder."""
    from django.conf import settings

    if (profile or settings.CARELOOP_SCORING_PROFILE) != "accurate":
        return None
    try:
        from careloop.listen.accurate import load_accurate_scorer

        scorer = load_accurate_scorer()
        if "e5" not in scorer.encoders:
            return None
    except (ImportError, OSError, ValueError, KeyError, RuntimeError):
        return None
    return lambda texts: scorer.embed(list(texts))["e5"]


def embedding_features(conversations: Sequence[Sequence[Turn]], embed: Callable[[Sequence[str]], np.ndarray]
                       ) -> np.ndarray:
    """Per conversation, the mean e5 vector of its last EMBEDDED_TURNS turns (lower-cased, as in training);
    only those turns are embedded, so a long thread costs what a short one does."""
    texts, counts = [], []
    for turns in conversations:
        last = [(t.text or "").lower() for t in list(turns)[-EMBEDDED_TURNS:]]
        texts.extend(last)
        counts.append(len(last))
    vectors = np.asarray(embed(texts), dtype=np.float64) if texts else np.zeros((0, 384))
    out = np.zeros((len(counts), vectors.shape[1] if vectors.ndim == 2 and len(vectors) else 384))
    start = 0
    for i, n in enumerate(counts):
        if n:
            out[i] = vectors[start:start + n].mean(axis=0)
        start += n
    return out


def fast_scorer():
    """The fast models the features are read with: the ones `careloop score` uses (CARELOOP_MODELS_DIR/fast
    when set, else the shipped ones), whatever the scoring profile."""
    from django.conf import settings

    from careloop.listen.fast import load_fast_scorer

    models_dir = getattr(settings, "CARELOOP_MODELS_DIR", None) if settings.configured else None
    return load_fast_scorer(Path(models_dir) / "fast" if models_dir else None)


def default_model_dir() -> Path:
    """CARELOOP_MODELS_DIR/derailment when it holds a model (`careloop train --out DIR`), else the shipped one."""
    from django.conf import settings

    models_dir = getattr(settings, "CARELOOP_MODELS_DIR", None) if settings.configured else None
    if models_dir and (Path(models_dir) / "derailment" / "model.json").exists():
        return Path(models_dir) / "derailment"
    return DEFAULT_MODEL_DIR


def turn_matrix(texts: Sequence[str], scorer=None) -> np.ndarray:
    """One row per turn: the fast models' scores, log word count, and each marker's count (capped at 5 and damped
    by the turn's log length, so a long turn is not 'more polite' for being long)."""
    lowered = [(t or "").lower() for t in texts]
    if not lowered:
        return np.zeros((0, len(PER_TURN)), dtype=np.float64)
    predicted = (scorer or fast_scorer()).predict(lowered)
    rows = np.zeros((len(lowered), len(PER_TURN)), dtype=np.float64)
    rows[:, 0] = predicted.toxicity
    rows[:, 1] = predicted.sentiment[:, 0]
    rows[:, 2] = predicted.complaint
    for i, text in enumerate(lowered):
        words = max(len(_WORD.findall(text)), 1)
        rows[i, 3] = math.log1p(words)
        for j, pattern in enumerate(MARKERS.values(), start=4):
            rows[i, j] = min(len(pattern.findall(text)), 5) / (1 + math.log1p(words))
    return rows


def summarise(rows: np.ndarray) -> np.ndarray:
    """The conversation's features from its turn rows: the mean, the peak and the latest turn of each.

    (Trends from first to last turn, the first turn alone, presence flags and politeness openers were tried
    and dropped: they added nothing on CMV cross-validation and lost accuracy on the Wikipedia sample.)
    """
    if rows.shape[0] == 0:
        return np.zeros(len(feature_names()))
    parts = np.stack([rows.mean(axis=0), rows.max(axis=0), rows[-1]], axis=1).ravel()
    return np.concatenate([[math.log1p(rows.shape[0])], parts])


def conversation_features(conversations: Sequence[Sequence[Turn]], scorer=None) -> np.ndarray:
    """Features of many conversations, scoring all their turns in one batch."""
    texts = [t.text for turns in conversations for t in turns]
    rows = turn_matrix(texts, scorer)
    out, start = [], 0
    for turns in conversations:
        out.append(summarise(rows[start:start + len(turns)]))
        start += len(turns)
    return np.array(out).reshape(len(conversations), len(feature_names()))


# ------------------------------------------------------------------------------------------------ the model
class DerailmentModel:
    """Standardise, a linear score, Platt calibration: everything in one JSON file.

    The top level of the spec is the model over the readable features; `spec["embedding"]`, when present, is a
    second one over the readable features followed by the e5 features (`embedding_names()`), used whenever an
    embedder is given. `with_embedding()` returns that one as a model of its own.
    """

    def __init__(self, spec: dict, embedded: bool = False) -> None:
        if spec.get("format") != FORMAT:
            raise ValueError(f"derailment model format {spec.get('format')!r}; this careloop reads {FORMAT}")
        if spec["features"] != feature_names():
            raise ValueError("derailment model was trained on other features; retrain it (careloop train)")
        self.spec = spec
        part = spec["embedding"] if embedded else spec
        self.embedded = embedded
        self.mean = np.array(part["mean"])
        self.scale = np.array(part["scale"])
        self.coef = np.array(part["coef"])
        self.intercept = float(part["intercept"])
        self.a, self.b = float(part["calibration"]["a"]), float(part["calibration"]["b"])
        self.threshold = float(part.get("threshold", 0.5))
        self.version = spec["version"] + ("+e5" if embedded else "")
        if embedded and len(self.coef) != len(feature_names()) + len(part["embedding_features"]):
            raise ValueError("derailment model's embedding part does not match its features; retrain it")

    def with_embedding(self) -> DerailmentModel | None:
        """The model that also reads the e5 embedding, when model.json has one."""
        if self.embedded:
            return self
        return DerailmentModel(self.spec, embedded=True) if "embedding" in self.spec else None

    def raw(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(self.a * self.raw(x) + self.b)))

    def reasons(self, x: np.ndarray, top: int = 3) -> list[str]:
        """The readable features that push this conversation's forecast up most, in words: those whose pull is at
        least half of what one standard deviation of the strongest feature does (the cutoff follows the model's
        regularisation, so a more shrunk model still names its reasons)."""
        n = len(self.spec["features"])
        spec = self.spec  # always the readable model's weights, so the reasons read the same with or without e5
        coef = np.array(spec["coef"])
        pull = (x[:n] - np.array(spec["mean"])) / np.array(spec["scale"]) * coef
        cutoff = 0.5 * float(np.abs(coef).max()) if len(coef) else 0.0
        order = np.argsort(-pull)
        return [describe(self.spec["features"][i], low=coef[i] < 0) for i in order[:top] if pull[i] > cutoff > 0]


_WORDS = {
    "toxicity": "toxic language", "negative": "negative tone", "complaint": "complaints", "log_words": "long turns",
    "second_person": "'you' aimed at the other side", "second_person_attack": "second-person attacks",
    "disagreement": "direct disagreement", "question": "questions",
    "gratitude": "thanks", "apology": "apologies",
    "hedge": "hedging", "agreement": "agreement",
}
_HOW = {"mean": "throughout", "max": "at its peak", "last": "in the latest turn"}


def describe(feature: str, low: bool = False) -> str:
    """A feature in words; `low`: it pushes the forecast up by being small (a negative weight)."""
    if feature == "turns_log":
        return "a short exchange" if low else "a long exchange"
    name, how = feature.rsplit("_", 1)
    if name == "log_words":
        return f"{'short' if low else 'long'} turns {_HOW[how]}"
    return f"{'little ' if low else ''}{_WORDS.get(name, name)} {_HOW[how]}"


@lru_cache(maxsize=4)
def _load(model_dir: str) -> DerailmentModel:
    path = Path(model_dir) / "model.json"
    try:
        return DerailmentModel(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise FileNotFoundError(f"no derailment model at {path}; run `careloop train --profile derailment`") from None


def load_model(model_dir: Path | str | None = None) -> DerailmentModel:
    return _load(str(Path(model_dir or default_model_dir()).resolve()))


_NO_EMBEDDER = object()


def _features(conversations: Sequence[Sequence[Turn]], model: DerailmentModel, embed
              ) -> tuple[np.ndarray, DerailmentModel]:
    """The features and the model that reads them: with the e5 embedding when the model has that part and an
    embedder is there (by default the accurate profile's, if installed), else the readable features alone."""
    x = conversation_features(conversations)
    base = DerailmentModel(model.spec) if model.embedded else model
    full = base.with_embedding()
    if full is not None and embed is _NO_EMBEDDER:
        embed = accurate_embedder()
    if full is None or embed is None or embed is _NO_EMBEDDER:
        return x, base
    return np.hstack([x, embedding_features(conversations, embed)]), full


def forecast(turns: Sequence[Turn], model: DerailmentModel | None = None, embed=_NO_EMBEDDER) -> Forecast:
    """The probability that the next turn of this conversation is an attack, with the reasons. `embed`: texts →
    e5 rows (default: the accurate profile's encoder when installed); None forces the readable features alone."""
    x, model = _features([list(turns)], model or load_model(), embed)
    return Forecast(round(float(model.probability(x)[0]), 3), model.reasons(x[0]))


def forecast_many(conversations: Sequence[Sequence[Turn]], model: DerailmentModel | None = None,
                  embed=_NO_EMBEDDER) -> np.ndarray:
    x, model = _features(conversations, model or load_model(), embed)
    return model.probability(x)
