"""The `fast` scoring profile: hashed n-gram features and three linear heads, stored as plain numpy arrays.

Why this shape:

* `HashingVectorizer` is stateless, so the feature extractor is fully described by its parameters in meta.json:
  no vocabulary to ship, nothing to fit, and training and scoring cannot drift apart.
* Each text is normalised and vectorised once; the three heads (complaint, sentiment, toxicity) are one
  sparse × dense product against a weight matrix with one column per head output.
* Weights are stored as `.npz` with only the non-zero hashed coefficients (int32 index + float32 values), never
  as pickles: loading them runs no code and does not depend on the scikit-learn version that trained them.
* Texts are scored in chunks of `CHUNK` so memory stays flat however many arrive.

The files live in `careloop/listen/models/fast/` (rebuilt by `careloop train`, see docs/model-card.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

CHUNK = 2000
FORMAT = 1
HEADS = ("complaint", "sentiment", "toxicity")
SENTIMENTS = ("negative", "neutral", "positive")
DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "fast"

# The feature extractor. Changing any value changes the features: retrain (training.py copies this into meta.json,
# and scoring always uses what meta.json says, so old model folders keep working).
DEFAULT_FEATURES: dict[str, Any] = {
    "max_chars": 1000,
    "char": {"analyzer": "char_wb", "ngram_range": [3, 5], "n_features": 2**18},
    "word": {"analyzer": "word", "ngram_range": [1, 2], "n_features": 2**18},
}

_URL = re.compile(r"(?:https?://|www\.)\S+")
_USER = re.compile(r"@\w+")
_HASH = re.compile(r"#(?=\w)")
_REPEAT = re.compile(r"(\w)\1{2,}")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"[^\S\n]+")


class ModelFilesError(RuntimeError):
    """The model folder is missing, incomplete, corrupt or of a format this code does not read."""


def normalise(texts: Sequence[str], max_chars: int = 1000) -> list[str]:
    """Lower-case; URLs → `_url_`, @user → `_user_`; drop `#`; squash letters repeated 3+ times; digits → 0.

    Works on the whole batch joined by newlines: one regex pass per rule, not one per text, which matters at
    10,000+ texts a second. Long texts are cut to `max_chars` (the start of a post carries its tone).
    """
    joined = "\n".join(t[:max_chars].replace("\n", " ") for t in texts).lower()
    joined = _URL.sub(" _url_ ", joined)
    joined = _USER.sub(" _user_ ", joined)
    joined = _HASH.sub("", joined)
    joined = _REPEAT.sub(r"\1\1", joined)
    joined = _DIGIT.sub("0", joined)
    joined = _SPACE.sub(" ", joined)
    return joined.split("\n")


class Featurizer:
    """Normalisation plus two hashing vectorisers (character n-grams within words, word uni- and bigrams).

    Each part is l2-normalised on its own; the model's columns are [char features | word features].
    """

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.params = json.loads(json.dumps(params or DEFAULT_FEATURES))
        self.max_chars = int(self.params["max_chars"])
        self.parts = [
            HashingVectorizer(
                analyzer=self.params[name]["analyzer"], ngram_range=tuple(self.params[name]["ngram_range"]),
                n_features=int(self.params[name]["n_features"]), lowercase=False, alternate_sign=False,
                norm="l2", dtype=np.float32,
            )
            for name in ("char", "word")
        ]
        self.n_features = sum(p.n_features for p in self.parts)

    def transform_parts(self, texts: Sequence[str]) -> list[sp.csr_matrix]:
        normalised = normalise(texts, self.max_chars)
        return [part.transform(normalised) for part in self.parts]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """All features side by side (what training fits on)."""
        return sp.hstack(self.transform_parts(texts), format="csr", dtype=np.float32)


@dataclass(frozen=True)
class FastPredictions:
    """Probabilities for n texts: complaint (n,), sentiment (n, 3) as SENTIMENTS, toxicity (n,)."""

    complaint: np.ndarray
    sentiment: np.ndarray
    toxicity: np.ndarray


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_head(path: Path, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense (n_features, k) weights and (k,) intercept from a head's sparse `.npz`."""
    with np.load(path, allow_pickle=False) as data:
        index, values, intercept = data["index"], data["values"], data["intercept"]
    values = values.reshape(len(index), -1).astype(np.float32)
    if index.size and (index.min() < 0 or index.max() >= n_features):
        raise ModelFilesError(f"{path}: feature index outside 0..{n_features - 1}")
    dense = np.zeros((n_features, values.shape[1]), dtype=np.float32)
    dense[index] = values
    return dense, intercept.astype(np.float32).reshape(-1)


class FastScorer:
    """Complaint, sentiment and toxicity probabilities for a batch of texts (one vectorisation per text)."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        self.meta = _read_meta(self.model_dir)
        self.version: str = self.meta["version"]
        self.featurizer = Featurizer(self.meta["features"])
        weights, intercepts = [], []
        for head in HEADS:
            spec = self.meta["heads"][head]
            path = self.model_dir / spec["file"]
            if spec.get("sha256") and _sha256(path) != spec["sha256"]:
                raise ModelFilesError(f"{path}: checksum differs from meta.json (a partial copy or another model?)")
            w, b = load_head(path, self.featurizer.n_features)
            weights.append(w)
            intercepts.append(b)
        matrix = np.ascontiguousarray(np.hstack(weights))
        split = self.featurizer.parts[0].n_features
        self._weights = (matrix[:split], matrix[split:])  # char part, word part: no hstack of features needed
        self._intercept = np.concatenate(intercepts)
        self.thresholds = {head: float(self.meta["heads"][head].get("threshold", 0.5))
                           for head in ("complaint", "toxicity")}

    def _calibrated(self, head: str, scores: np.ndarray) -> np.ndarray:
        calibration = self.meta["heads"][head].get("calibration") or {}
        if head == "sentiment":
            return softmax(scores / float(calibration.get("temperature", 1.0)))
        return sigmoid(float(calibration.get("a", 1.0)) * scores[:, 0] + float(calibration.get("b", 0.0)))

    def _predict_chunk(self, texts: Sequence[str]) -> np.ndarray:
        chars, words = self.featurizer.transform_parts(texts)
        return chars @ self._weights[0] + words @ self._weights[1] + self._intercept

    def predict(self, texts: Sequence[str]) -> FastPredictions:
        """Probabilities for every text, in order; an empty batch gives empty arrays."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        k = self._intercept.shape[0]
        scores = np.zeros((len(texts), k), dtype=np.float32)
        for start in range(0, len(texts), CHUNK):
            scores[start:start + CHUNK] = self._predict_chunk(texts[start:start + CHUNK])
        return FastPredictions(
            complaint=self._calibrated("complaint", scores[:, 0:1]),
            sentiment=self._calibrated("sentiment", scores[:, 1:4]),
            toxicity=self._calibrated("toxicity", scores[:, 4:5]),
        )

    def labels(self, task: str, texts: Sequence[str]) -> list[str]:
        """Labels as careloop.listen.evaluation.TASK_LABELS names them (threshold from meta.json, else 0.5)."""
        predicted = self.predict(texts)
        if task == "sentiment":
            return [SENTIMENTS[i] for i in predicted.sentiment.argmax(axis=1)]
        if task == "complaint":
            return ["complaint" if p >= self.thresholds["complaint"] else "not_complaint" for p in predicted.complaint]
        if task == "toxicity":
            return ["toxic" if p >= self.thresholds["toxicity"] else "not_toxic" for p in predicted.toxicity]
        raise ValueError(f"unknown task {task!r}; expected complaint, sentiment or toxicity")


def _read_meta(model_dir: Path) -> dict:
    path = model_dir / "meta.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFilesError(f"no fast model at {model_dir} (meta.json is missing); run `careloop train`") from None
    except ValueError as exc:
        raise ModelFilesError(f"{path}: not valid JSON ({exc})") from None
    if meta.get("format") != FORMAT:
        raise ModelFilesError(f"{path}: model format {meta.get('format')!r}; this careloop reads format {FORMAT}")
    missing = [head for head in HEADS if head not in meta.get("heads", {})]
    if missing:
        raise ModelFilesError(f"{path}: no head {', '.join(missing)}")
    return meta


@lru_cache(maxsize=4)
def _cached_scorer(model_dir: str) -> FastScorer:
    return FastScorer(Path(model_dir))


def load_fast_scorer(model_dir: Path | str | None = None) -> FastScorer:
    """The fast scorer for `model_dir` (default: the shipped models), loaded once per process and folder."""
    return _cached_scorer(str(Path(model_dir or DEFAULT_MODEL_DIR).resolve()))
