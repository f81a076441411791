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

# The feature extractor. Changing any value changes the features: retrain (building/fast.py copies this into meta.json,
# and scoring always uses what meta.json says, so old model folders keep working).
HASHER = "careloop-ngram-1"
DEFAULT_FEATURES: dict[str, Any] = {
    "hasher": HASHER,
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


def _marked(texts: Sequence[str], max_chars: int) -> str:
    """The batch as one lower-cased string, a line per text: URLs → `_url_`, @user → `_user_`, `#` dropped."""
    joined = "\n".join(t[:max_chars].replace("\n", " ") for t in texts).lower()
    joined = _URL.sub(" _url_ ", joined)
    joined = _USER.sub(" _user_ ", joined)
    return _HASH.sub("", joined)


def normalise(texts: Sequence[str], max_chars: int = 1000) -> list[str]:
    """Lower-case; URLs → `_url_`, @user → `_user_`; drop `#`; squash letters repeated 3+ times; digits → 0.

    Works on the whole batch joined by newlines: one regex pass per rule, not one per text, which matters at
    10,000+ texts a second. Long texts are cut to `max_chars` (the start of a post carries its tone).
    """
    joined = _marked(texts, max_chars)
    joined = _REPEAT.sub(r"\1\1", joined)
    joined = _DIGIT.sub("0", joined)
    joined = _SPACE.sub(" ", joined)
    return joined.split("\n")


@lru_cache(maxsize=1)
def _character_tables() -> tuple[np.ndarray, np.ndarray]:
    """Two tables over every code point: is it a word character (`re`'s `\\w`: letters, digits, `_`, any script),
    and what it becomes before hashing (any digit → "0", any whitespace but the newline → " ", else itself)."""
    everything = "".join(" " if 0xD800 <= c < 0xE000 else chr(c) for c in range(0x110000))
    word = np.zeros(0x110000, dtype=bool)
    for match in re.finditer(r"\w+", everything):
        word[match.start():match.end()] = True
    mapped = np.arange(0x110000, dtype=np.uint32)
    for pattern, to in ((r"\d+", "0"), (r"[^\S\n]+", " ")):
        for match in re.finditer(pattern, everything):
            mapped[match.start():match.end()] = ord(to)
    return word, mapped


_U64 = np.uint64
_PRIME = _U64(0x100000001B3)  # the polynomial hash's base (odd, so it has an inverse modulo 2**64)
_PRIME_INVERSE = _U64(pow(0x100000001B3, -1, 2**64))
_SEEDS = {"char": 0x9E3779B97F4A7C15, "word": 0xC2B2AE3D27D4EB4F, "bigram": 0x165667B19E3779F9}


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the output (uint64 arithmetic wraps, as wanted)."""
    h = h ^ (h >> _U64(30))
    h = h * _U64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> _U64(27))
    h = h * _U64(0x94D049BB133111EB)
    return h ^ (h >> _U64(31))


class _Powers:
    """PRIME**i and PRIME**-i modulo 2**64 for i < n, grown on demand (the word hash needs one per position).

    Both arrays are replaced together as one tuple, so a scorer shared by threads never pairs a new one with an old.
    """

    def __init__(self) -> None:
        self._arrays = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        up, down = self._arrays
        if len(up) < n:
            size = max(n, 2 * len(up))
            with np.errstate(over="ignore"):
                up, down = (  # 1, b, b**2, ... for b = PRIME and its inverse
                    np.cumprod(np.concatenate((np.ones(1, np.uint64), np.full(size - 1, b, dtype=np.uint64))),
                               dtype=np.uint64)
                    for b in (_PRIME, _PRIME_INVERSE))
            self._arrays = (up, down)
        return up[:n], down[:n]


@dataclass
class HashedNgrams:
    """One batch's hashed n-grams: for each part, the text (row) and feature column of every n-gram occurrence.

    Each occurrence weighs 1/sqrt(occurrences of that part in its text): a text's features have unit length when
    no n-gram repeats, and a repeated n-gram counts once per repetition.
    """

    n_texts: int
    rows: list[np.ndarray]
    columns: list[np.ndarray]

    def _scale(self, part: int) -> tuple[np.ndarray, np.ndarray]:
        counts = np.bincount(self.rows[part], minlength=self.n_texts)
        return counts, (1.0 / np.sqrt(np.maximum(counts, 1))).astype(np.float32)

    def weights(self, part: int) -> np.ndarray:
        """Each occurrence's value (the sparse matrix's data; duplicates add up)."""
        return self._scale(part)[1][self.rows[part]]

    def sums(self, part: int, w: np.ndarray) -> np.ndarray:
        """(n_texts, k): each text's scaled sum of `w`'s rows over its n-grams — features @ w, without the matrix."""
        counts, scale = self._scale(part)
        out = np.zeros((self.n_texts, w.shape[1]), dtype=np.float32)
        if not len(self.rows[part]):
            return out
        order = np.argsort(self.rows[part], kind="stable")
        gathered = w[self.columns[part][order]]
        present = np.flatnonzero(counts)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[present]
        out[present] = np.add.reduceat(gathered, starts, axis=0) * scale[present, None]
        return out


class NgramHasher:
    """Character n-grams within words and word uni-/bigrams, hashed in bulk with numpy: no Python per n-gram.

    The texts of a batch are joined into one array of code points; every n-gram's hash is a polynomial over its
    code points (uint64, wrapping), mixed by splitmix64 and cut to the part's `n_features` (a power of two).

    * Characters (`char_wb`): each text is padded with a space on both sides; an n-gram counts when no space lies
      inside it (it may start or end with one), so words are seen with their edges, as scikit-learn's `char_wb`.
    * Words: runs of two or more word characters (scikit-learn's default token pattern), and each pair of
      neighbouring words of the same text.

    About six times faster than scikit-learn's `HashingVectorizer` on the same posts (bench/scoring.py).
    """

    def __init__(self, params: dict[str, Any]) -> None:
        self.max_chars = int(params["max_chars"])
        self.char_range = tuple(int(n) for n in params["char"]["ngram_range"])
        self.word_range = tuple(int(n) for n in params["word"]["ngram_range"])
        self.sizes = [int(params["char"]["n_features"]), int(params["word"]["n_features"])]
        for size in self.sizes:
            if size & (size - 1):
                raise ModelFilesError(f"n_features must be a power of two, not {size}")
        if self.char_range[0] < 2 or self.word_range[0] != 1 or self.word_range[1] > 2:
            raise ModelFilesError(f"unsupported n-gram ranges {self.char_range} / {self.word_range}")
        self._powers = _Powers()

    def points(self, texts: Sequence[str]) -> np.ndarray:
        """The batch normalised as `normalise()` does, as code points: " text \\n text … ", each padded by spaces.

        Case, links, @users and `#` by regular expressions over the whole batch; digits, whitespace and letters
        repeated three or more times by table look-ups on the code points (the costly part of `normalise()`).
        """
        joined = " " + _marked(texts, self.max_chars).replace("\n", " \n ") + " "
        word, mapped = _character_tables()
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        third = (points[2:] == points[1:-1]) & (points[1:-1] == points[:-2]) & word[points[2:]]
        if third.any():
            points = points[np.concatenate(([True, True], ~third))]
        return mapped[points]

    def __call__(self, texts: Sequence[str]) -> HashedNgrams:
        points = self.points(texts)
        newline = points == 10
        row_of = np.cumsum(newline, dtype=np.int64)
        with np.errstate(over="ignore"):
            chars = self._chars(points, newline, row_of)
            words = self._words(points, row_of)
        return HashedNgrams(len(texts), [chars[0], words[0]], [chars[1], words[1]])

    def _chars(self, points: np.ndarray, newline: np.ndarray, row_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        spaces = np.concatenate(([0], np.cumsum(newline | (points == 32), dtype=np.int32)))
        h = points.astype(np.uint64)
        low, high = self.char_range
        rows, columns = [], []
        gram = h
        mask = _U64(self.sizes[0] - 1)
        for n in range(2, high + 1):
            gram = gram[:-1] * _PRIME + h[n - 1:]
            if n < low:
                continue
            last = len(points) - n + 1
            if last <= 0:  # the whole batch is shorter than n characters
                break
            starts = np.arange(last)
            inside = spaces[starts + n - 1] - spaces[starts + 1]
            keep = np.flatnonzero((inside == 0) & ~newline[:last] & ~newline[n - 1:])
            rows.append(row_of[keep])
            columns.append((_mix(gram[keep] + _U64(_SEEDS["char"] + n)) & mask).astype(np.int64))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows), np.concatenate(columns)

    def _words(self, points: np.ndarray, row_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        word = _character_tables()[0][points].view(np.int8)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], word, [0]))))
        starts, ends = edges[0::2], edges[1::2]
        long = (ends - starts) >= 2
        starts, ends = starts[long], ends[long]
        up, down = self._powers.get(len(points) + 1)
        terms = points.astype(np.uint64) * up[:len(points)]
        prefix = np.concatenate((np.zeros(1, np.uint64), np.cumsum(terms, dtype=np.uint64)))
        token = (prefix[ends] - prefix[starts]) * down[starts]  # the same word hashes alike wherever it stands
        rows = row_of[starts]
        mask = _U64(self.sizes[1] - 1)
        columns = (_mix(token ^ _U64(_SEEDS["word"])) & mask).astype(np.int64)
        if self.word_range[1] == 2 and len(token) > 1:
            same = np.flatnonzero(rows[:-1] == rows[1:])
            pairs = _mix(token[same] * _PRIME ^ _mix(token[same + 1]) ^ _U64(_SEEDS["bigram"]))
            rows = np.concatenate((rows, rows[same]))
            columns = np.concatenate((columns, (pairs & mask).astype(np.int64)))
        return rows, columns


class Featurizer:
    """Normalisation plus two hashed parts (character n-grams within words, word uni- and bigrams).

    The model's columns are [char features | word features], each part scaled to unit length on its own.
    `features.hasher` in meta.json says which implementation made them: `careloop-ngram-1` (NgramHasher,
    current) or none (scikit-learn's HashingVectorizer, models trained before it, still read).
    """

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        self.params = json.loads(json.dumps(params or DEFAULT_FEATURES))
        self.max_chars = int(self.params["max_chars"])
        self.hasher_name = self.params.get("hasher")
        self.sizes = [int(self.params[name]["n_features"]) for name in ("char", "word")]
        self.n_features = sum(self.sizes)
        if self.hasher_name == HASHER:
            self._hasher: NgramHasher | None = NgramHasher(self.params)
            self._sklearn: list | None = None
        elif self.hasher_name is None:
            from sklearn.feature_extraction.text import HashingVectorizer

            self._hasher = None
            self._sklearn = [
                HashingVectorizer(
                    analyzer=self.params[name]["analyzer"], ngram_range=tuple(self.params[name]["ngram_range"]),
                    n_features=int(self.params[name]["n_features"]), lowercase=False, alternate_sign=False,
                    norm="l2", dtype=np.float32,
                )
                for name in ("char", "word")
            ]
        else:
            raise ModelFilesError(f"unknown feature hasher {self.hasher_name!r}; this careloop knows {HASHER!r}")

    def transform_parts(self, texts: Sequence[str]) -> list[sp.csr_matrix]:
        if self._hasher is None:  # then __init__ set up scikit-learn's
            # scikit-learn encodes to UTF-8 and fails on a lone surrogate (possible in JSON input): replace them
            normalised = [t.encode("utf-8", "replace").decode("utf-8") for t in normalise(texts, self.max_chars)]
            return [part.transform(normalised) for part in self._sklearn or ()]
        grams = self._hasher(texts)
        return [
            sp.csr_matrix((grams.weights(i), (grams.rows[i], grams.columns[i])), shape=(len(texts), self.sizes[i]),
                          dtype=np.float32)
            for i in range(2)
        ]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """All features side by side (what training fits on)."""
        return sp.hstack(self.transform_parts(texts), format="csr", dtype=np.float32)

    def product(self, texts: Sequence[str], weights: Sequence[np.ndarray]) -> np.ndarray:
        """features(texts) @ [char weights; word weights], without building the sparse matrix when it need not."""
        if self._hasher is None:
            parts = self.transform_parts(texts)
            return sum(part @ w for part, w in zip(parts, weights, strict=True))
        grams = self._hasher(texts)
        out = np.zeros((len(texts), weights[0].shape[1]), dtype=np.float32)
        for i, w in enumerate(weights):
            out += grams.sums(i, w)
        return out


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
        split = self.featurizer.sizes[0]
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
        return self.featurizer.product(texts, self._weights) + self._intercept

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
        """Labels as careloop.listen.building.evaluation.TASK_LABELS names them (threshold from meta.json, else 0.5)."""
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
