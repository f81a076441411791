"""POST /api/score: the texts go through careloop.listen.scoring.score(), in bounded batches."""

from __future__ import annotations

import pytest

from careloop.listen import scoring

pytestmark = pytest.mark.django_db

TEXTS = [
    "I was charged twice after the price change. This is not ok.",
    "Thanks for the quick fix, works great now!",
    "Seit dem Update kann ich mich nicht mehr anmelden. Das ist das dritte Mal.",
    "",
]


def test_scores_are_those_of_the_scoring_interface(api):
    response = api("viewer").post("/api/score", {"texts": TEXTS})
    assert response.status_code == 200, response.content
    body = response.json()
    expected = [s.as_dict() for s in scoring.score(TEXTS)]
    assert body["scores"] == expected
    assert body["profile"] == scoring.current_profile() == "fast"
    assert body["model_version"] == expected[0]["model_version"] == scoring.model_version()
    by_text = dict(zip(TEXTS, body["scores"], strict=True))
    assert by_text[TEXTS[2]]["language"] == "de"
    assert by_text[TEXTS[0]]["complaint"] > by_text[TEXTS[1]]["complaint"]
    assert by_text[TEXTS[1]]["sentiment"] == "positive"


def test_an_empty_batch_is_an_empty_answer(api):
    body = api("viewer").post("/api/score", {"texts": []}).json()
    assert body["scores"] == [] and body["model_version"] == scoring.model_version()


def test_too_many_texts_or_too_long_a_text_is_413(api, settings):
    settings.CARELOOP_API_MAX_TEXTS = 3
    settings.CARELOOP_API_MAX_TEXT_CHARS = 50
    client = api("manager")
    many = client.post("/api/score", {"texts": ["a"] * 4})
    assert many.status_code == 413 and "at most 3" in many.json()["error"] and many.json()["limit"] == 3
    long = client.post("/api/score", {"texts": ["ok", "x" * 51]})
    assert long.status_code == 413 and "texts[1]" in long.json()["error"]
    assert client.post("/api/score", {"texts": ["a", "b", "x" * 50]}).status_code == 200


def test_the_default_limits_hold_a_full_batch(api):
    texts = [f"post number {i}: the app crashes when I open settings" for i in range(scoring_limit())]
    response = api("viewer").post("/api/score", {"texts": texts})
    assert response.status_code == 200 and len(response.json()["scores"]) == len(texts)
    assert api("viewer", "v2").post("/api/score", {"texts": [*texts, "one more"]}).status_code == 413


def scoring_limit() -> int:
    from careloop.api.views import max_score_texts

    return max_score_texts()


@pytest.mark.parametrize(("body", "status", "says"), [
    ({}, 400, "'texts' is missing"),
    ({"texts": "one text"}, 400, "'texts' must be an array"),
    ({"texts": ["ok", 3]}, 400, "texts[1] must be a string"),
    ({"texts": ["ok", None]}, 400, "texts[1] must be a string"),
    ({"texts": ["ok"], "profile": "best"}, 400, "must be one of fast, accurate"),
    ({"texts": ["ok"], "model": "x"}, 400, "unknown field 'model'"),
])
def test_bad_score_requests_are_400(api, body, status, says):
    response = api("viewer").post("/api/score", body)
    assert response.status_code == status
    assert says in response.json()["error"]


def test_a_profile_that_cannot_run_here_is_503(api, settings, tmp_path):
    settings.CARELOOP_MODELS_DIR = str(tmp_path)  # no models in it
    response = api("viewer").post("/api/score", {"texts": ["hello"], "profile": "fast"})
    assert response.status_code == 503 and response.json()["error"]
