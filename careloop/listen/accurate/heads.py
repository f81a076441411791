"""The task heads of the accurate profile: small numpy layers on sentence embeddings, stored as .npz + JSON.

Not pickles: a model folder is data, and loading it must not run code. Each head names the encoder(s) whose
embeddings it reads, so one forward pass per encoder feeds all heads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SENTIMENTS = ("negative", "neutral", "positive")
HEADS_FILE = "heads.npz"


@dataclass
class Head:
    """Dense layers (ReLU between them) on the concatenated embeddings of `inputs`.

    `kind`: "sigmoid" gives one probability (of `labels[0]`), "softmax" one column per label. A decision threshold
    chosen at build time is already folded into the last bias, so p ≥ 0.5 is the tuned decision.
    """

    task: str
    inputs: list[str]
    labels: list[str]
    kind: str
    layers: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    threshold: float = 0.5

    def probabilities(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.hstack([features[name] for name in self.inputs]) if len(self.inputs) > 1 else features[self.inputs[0]]
        for i, (w, b) in enumerate(self.layers):
            x = x @ w.T + b
            if i < len(self.layers) - 1:
                x = np.maximum(x, 0.0)
        if self.kind == "sigmoid":
            return 1.0 / (1.0 + np.exp(-np.clip(x[:, 0], -50, 50)))
        x = x - x.max(axis=1, keepdims=True)
        e = np.exp(x)
        return e / e.sum(axis=1, keepdims=True)

    def spec(self) -> dict:
        """What meta.json records about the head (the arrays go to heads.npz)."""
        return {"inputs": self.inputs, "labels": self.labels, "kind": self.kind, "layers": len(self.layers),
                "threshold": self.threshold}


def save_heads(folder: Path, heads: Mapping[str, Head]) -> dict:
    """Write heads.npz; return the JSON spec to put under meta.json's "heads"."""
    arrays: dict[str, Any] = {}  # Any: to mypy, a key of **arrays could be savez's allow_pickle
    for task, head in heads.items():
        for i, (w, b) in enumerate(head.layers):
            arrays[f"{task}.{i}.w"] = w.astype(np.float32)
            arrays[f"{task}.{i}.b"] = b.astype(np.float32)
    np.savez(folder / HEADS_FILE, **arrays)
    return {task: head.spec() for task, head in heads.items()}


def load_heads(folder: Path, specs: Mapping[str, dict]) -> dict[str, Head]:
    path = folder / HEADS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"the accurate model's heads are missing: {path}; "
                                "build it with `careloop train --profile accurate`")
    with np.load(path, allow_pickle=False) as arrays:
        return {
            task: Head(task=task, inputs=list(spec["inputs"]), labels=list(spec["labels"]), kind=spec["kind"],
                       threshold=float(spec.get("threshold", 0.5)),
                       layers=[(arrays[f"{task}.{i}.w"], arrays[f"{task}.{i}.b"]) for i in range(spec["layers"])])
            for task, spec in specs.items()
        }
