"""The shipped fast models: shapes, probability ranges, determinism, clear-cut posts; and the file format."""

from __future__ import annotations

import json

import numpy as np
import pytest

from careloop.listen.building.evaluation import fast_predict_labels
from careloop.listen.building.fast import write_npz
from careloop.listen.fast import (
    DEFAULT_FEATURES,
    FastPredictions,
    FastScorer,
    Featurizer,
    ModelFilesError,
    load_fast_scorer,
    normalise,
)

TEXTS = [
    "My order arrived broken and support hasn't answered in two weeks. Fix this or refund me!",
    "You are a stupid idiot, shut up you moron",
    "I love this, thank you!",
    "Seit dem Update stürzt die App ständig ab und der Support antwortet seit Tagen nicht. Das ist echt ärgerlich!",
    "Du bist so ein dummer Vollidiot, halt einfach die Fresse",
    "Vielen Dank, das hat super geklappt, ihr seid toll!",
    "",
    "👍",
]


@pytest.fixture(scope="module")
def scorer() -> FastScorer:
    return load_fast_scorer()


@pytest.fixture(scope="module")
def predicted(scorer) -> FastPredictions:
    return scorer.predict(TEXTS)


def test_shapes_and_probability_ranges(predicted):
    n = len(TEXTS)
    assert predicted.complaint.shape == (n,) and predicted.toxicity.shape == (n,)
    assert predicted.sentiment.shape == (n, 3)
    for array in (predicted.complaint, predicted.sentiment, predicted.toxicity):
        assert np.isfinite(array).all() and (array >= 0).all() and (array <= 1).all()
    assert np.allclose(predicted.sentiment.sum(axis=1), 1.0, atol=1e-5)


def test_predictions_are_deterministic_and_independent_of_the_batch(scorer, predicted):
    again = scorer.predict(list(reversed(TEXTS)))
    assert np.allclose(again.complaint[::-1], predicted.complaint, atol=1e-6)
    assert np.allclose(again.sentiment[::-1], predicted.sentiment, atol=1e-6)
    one = scorer.predict([TEXTS[0]])
    assert np.allclose(one.toxicity[0], predicted.toxicity[0], atol=1e-6)


def test_empty_batch(scorer):
    empty = scorer.predict([])
    assert empty.complaint.shape == (0,) and empty.sentiment.shape == (0, 3) and empty.toxicity.shape == (0,)


def test_clear_cut_english_posts(predicted):
    assert predicted.complaint[0] > 0.5
    assert predicted.toxicity[1] > 0.5
    assert predicted.sentiment[2].argmax() == 2  # positive
    assert predicted.complaint[2] < 0.5 and predicted.toxicity[2] < 0.5


def test_clear_cut_german_posts(predicted):
    assert predicted.complaint[3] > 0.5
    assert predicted.toxicity[4] > 0.5
    assert predicted.sentiment[5].argmax() == 2
    assert predicted.toxicity[5] < 0.5


def test_labels_use_the_thresholds_in_meta_json(scorer):
    assert fast_predict_labels("sentiment", TEXTS[2:3]) == ["positive"]
    assert fast_predict_labels("toxicity", TEXTS[1:3]) == ["toxic", "not_toxic"]
    assert fast_predict_labels("complaint", TEXTS[0:1]) == ["complaint"]
    assert 0 < scorer.thresholds["complaint"] < 1 and 0 < scorer.thresholds["toxicity"] < 1
    with pytest.raises(ValueError, match="unknown task"):
        scorer.labels("spam", ["x"])


def test_version_comes_from_meta_json(scorer):
    meta = json.loads((scorer.model_dir / "meta.json").read_text())
    assert scorer.version == meta["version"] and scorer.version.startswith("fast-")
    assert load_fast_scorer() is scorer  # loaded once per process


def test_normalise_tokens():
    assert normalise(["Sooooo GOOD @Bob see https://x.y/z?a=1 #fail 2024\nnext"]) == [
        "soo good _user_ see _url_ fail 0000 next"]


def _tiny_model(tmp_path, **meta_changes):
    """A model folder whose heads are hand-set weights on a single word feature."""
    featurizer = Featurizer(DEFAULT_FEATURES)
    x = featurizer.transform(["awful"])
    rows = x.indices
    heads = {"complaint": 1, "sentiment": 3, "toxicity": 1}
    meta = {"format": 1, "version": "fast-test", "features": DEFAULT_FEATURES, "heads": {}}
    for head, k in heads.items():
        coef = np.zeros((featurizer.n_features, k), dtype=np.float32)
        coef[rows, 0] = 20.0
        write_npz(tmp_path / f"{head}.npz", coef, np.full(k, -2.0))
        meta["heads"][head] = {"file": f"{head}.npz", "threshold": 0.5}
    meta.update(meta_changes)
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    return tmp_path


def test_a_model_folder_is_read_from_sparse_npz_weights(tmp_path):
    scorer = FastScorer(_tiny_model(tmp_path))
    p = scorer.predict(["awful", "fine"])
    assert p.complaint[0] > 0.99 and p.complaint[1] == pytest.approx(1 / (1 + np.exp(2)), abs=1e-6)
    assert p.sentiment[0].argmax() == 0 and p.sentiment[1] == pytest.approx(np.full(3, 1 / 3), abs=1e-6)
    with np.load(tmp_path / "complaint.npz", allow_pickle=False) as data:  # only the non-zero rows are stored
        assert data["index"].dtype == np.int32 and data["values"].dtype == np.float32
        assert sorted(data["index"]) == sorted(Featurizer(DEFAULT_FEATURES).transform(["awful"]).indices)


def test_unreadable_model_folders_say_why(tmp_path):
    with pytest.raises(ModelFilesError, match="meta.json is missing"):
        FastScorer(tmp_path)
    with pytest.raises(ModelFilesError, match="format 99"):
        FastScorer(_tiny_model(tmp_path, format=99))


# ------------------------------------------------------------------------------ the numpy n-gram hasher

POSTS = TEXTS + [
    "Sooooo GOOD @Bob see https://x.y/z?a=1 #fail 2024 next",
    "tab\tand\u00a0no-break   spaces, ４２ full-width digits",
    "a\ud800b a lone surrogate, a NUL \x00 and right-to-left \u202e text",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "x" * 50_000,
]


def test_the_hasher_normalises_as_normalise_does():
    from careloop.listen.fast import NgramHasher

    hasher = NgramHasher(DEFAULT_FEATURES)
    clean = TEXTS[:6] + POSTS[8:9]
    points = hasher.points(clean)
    as_text = "".join(map(chr, points)).split("\n")
    assert [" ".join(t.split()) for t in as_text] == [" ".join(t.split()) for t in normalise(clean)]


def test_hashed_scores_equal_the_sparse_matrix_product():
    featurizer = Featurizer(DEFAULT_FEATURES)
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((size, 5)).astype(np.float32) for size in featurizer.sizes]
    direct = featurizer.product(POSTS, weights)
    matrix = featurizer.transform(POSTS)
    assert matrix.shape == (len(POSTS), featurizer.n_features)
    assert np.allclose(direct, matrix @ np.vstack(weights), atol=1e-4)
    assert featurizer.product([], weights).shape == (0, 5)
    for tiny in (["x"], [""], ["ab"], ["", ""]):  # batches shorter than the longest n-gram
        assert np.allclose(featurizer.product(tiny, weights), featurizer.transform(tiny) @ np.vstack(weights))


def test_each_part_has_unit_length_when_nothing_repeats_and_words_hash_alike_anywhere():
    featurizer = Featurizer(DEFAULT_FEATURES)
    chars, words = featurizer.transform_parts(["support never answers", "answers never support", ""])
    assert np.allclose(np.asarray(chars.multiply(chars).sum(axis=1)).ravel(), [1, 1, 0], atol=1e-5)
    assert np.allclose(np.asarray(words.multiply(words).sum(axis=1)).ravel(), [1, 1, 0], atol=1e-5)
    # the same three words, in another order: the same unigram columns, different bigram columns
    first, second = set(words[0].indices), set(words[1].indices)
    assert len(first) == len(second) == 5 and len(first & second) == 3
    assert set(chars[0].indices) == set(chars[1].indices)  # character n-grams stay within words


def test_hostile_posts_score_to_finite_probabilities(scorer):
    predicted = scorer.predict(POSTS)
    for array in (predicted.complaint, predicted.sentiment, predicted.toxicity):
        assert np.isfinite(array).all()


def test_models_trained_with_scikit_learn_hashing_still_load(tmp_path):
    old_features = {k: v for k, v in DEFAULT_FEATURES.items() if k != "hasher"}
    featurizer = Featurizer(old_features)
    assert featurizer.transform(["awful"]).nnz > 0
    old = {"max_chars": 1000, **{k: v for k, v in old_features.items() if k != "max_chars"}}
    scorer = FastScorer(_tiny_model(tmp_path, features=old))
    p = scorer.predict(["fine"])
    assert p.complaint[0] == pytest.approx(1 / (1 + np.exp(2)), abs=1e-6)
    with pytest.raises(ModelFilesError, match="unknown feature hasher"):
        Featurizer({**DEFAULT_FEATURES, "hasher": "something-else"})
