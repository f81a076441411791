"""The accurate profile's scorer over a model folder: each text embedded once per encoder its heads need, then
the heads.

Its own module, not the package's __init__, so building (careloop/listen/building/accurate.py, which measures a
built folder with it) need not import the package's loader, which assembles the model with convert.py's conversion
(assemble.py). careloop.listen.accurate exports it as before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from careloop.listen.accurate.encoder import BUILD_HINT, Encoder, EncoderConfig
from careloop.listen.accurate.heads import SENTIMENTS, Head, load_heads

META_FILE = "meta.json"
TASKS = ("complaint", "sentiment", "toxicity")


@dataclass(frozen=True)
class AccuratePredictions:
    """Probabilities per text: complaint (n,), sentiment (n, 3) as negative/neutral/positive, toxicity (n,)."""

    complaint: np.ndarray
    sentiment: np.ndarray
    toxicity: np.ndarray


class AccurateScorer:
    """Embeds each text once per encoder the heads need, then applies the heads."""

    def __init__(self, model_dir: Path):
        meta_path = Path(model_dir) / META_FILE
        if not meta_path.is_file():
            raise FileNotFoundError(f"no accurate model at {model_dir} ({META_FILE} is missing); {BUILD_HINT}")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.model_dir = Path(model_dir)
        self.meta = meta
        self.version: str = meta["version"]
        self.heads: dict[str, Head] = load_heads(self.model_dir, meta["heads"])
        needed = {name for head in self.heads.values() for name in head.inputs}
        self.encoders = {name: Encoder(self.model_dir, EncoderConfig.from_dict(meta["encoders"][name]))
                         for name in sorted(needed)}
        if set(self.heads) != set(TASKS) or list(self.heads["sentiment"].labels) != list(SENTIMENTS):
            raise ValueError(f"{meta_path}: expected heads {', '.join(TASKS)} with sentiment columns "
                             f"{', '.join(SENTIMENTS)}; {BUILD_HINT}")

    def embed(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return {name: encoder.embed(texts) for name, encoder in self.encoders.items()}

    def predict(self, texts: Sequence[str]) -> AccuratePredictions:
        features = self.embed(list(texts))
        return AccuratePredictions(**{task: self.heads[task].probabilities(features) for task in TASKS})

    def labels(self, task: str, texts: Sequence[str]) -> list[str]:
        """Labels as the task's data names them: the head's decision (p ≥ 0.5, the tuned threshold) or argmax."""
        head = self.heads[task]
        probs = head.probabilities(self.embed(list(texts)))
        if head.kind == "sigmoid":
            return [head.labels[0] if p >= 0.5 else head.labels[1] for p in probs]
        return [head.labels[i] for i in probs.argmax(axis=1)]
