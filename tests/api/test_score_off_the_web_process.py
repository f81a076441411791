"""Heavy scoring goes to the worker (issue 16 point 4): a viewer's token cannot make the web process load the
accurate model or spend more than a second of CPU on one request; the worker scores the job, the API hands it
back to the user who sent it."""

from __future__ import annotations

import time

import pytest

import careloop.listen.accurate
from careloop.api import scoring_jobs, tasks
from careloop.api.models import ScoringJob
from careloop.listen import scoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The jobs handed to the worker's queue (not run: a test stands for the worker)."""
    jobs: list[int] = []
    monkeypatch.setattr(scoring_jobs, "queue", jobs.append)
    return jobs


@pytest.fixture
def no_accurate_model(monkeypatch) -> list[str]:
    """Loading the accurate model raises: the web process must never try."""
    loads: list[str] = []

    def refuse(*args, **kwargs):
        loads.append("accurate")
        raise AssertionError("the accurate model was loaded")

    monkeypatch.setattr(careloop.listen.accurate, "load_accurate_scorer", refuse)
    return loads


def test_the_accurate_profile_is_a_job_for_the_worker_never_loaded_in_the_request(api, queued, no_accurate_model):
    viewer = api("viewer")
    response = viewer.post("/api/score", {"texts": ["the app crashes", "thanks!"], "profile": "accurate"})
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["state"] == "waiting" and job["profile"] == "accurate" and job["url"] == f"/api/score/jobs/{job['job']}"
    assert no_accurate_model == [] and queued == [job["job"]]
    assert viewer.get(job["url"]).json()["state"] == "waiting"


def test_the_worker_scores_a_job_and_only_its_sender_reads_it(api, queued, monkeypatch):
    viewer, other = api("viewer"), api("viewer", "other-viewer")
    monkeypatch.setattr(scoring_jobs, "inline_chars", lambda: 20)  # these texts are "a lot" now
    texts = ["I was charged twice after the price change.", "Thanks for the quick fix!"]
    job = viewer.post("/api/score", {"texts": texts, "profile": "fast"}).json()
    assert job["state"] == "waiting" and queued == [job["job"]]
    tasks.score_job.call_local(job["job"])  # what the worker does with the queued task
    done = viewer.get(job["url"]).json()
    assert done["state"] == "done"
    assert done["scores"] == [s.as_dict() for s in scoring.score(texts, "fast")]
    assert done["model_version"] == scoring.model_version("fast")
    assert other.get(job["url"]).status_code == 404
    assert viewer.get("/api/score/jobs/999999").status_code == 404


def test_a_profile_the_worker_cannot_run_is_a_failed_job_with_the_reason(api, queued, settings, tmp_path,
                                                                        monkeypatch):
    monkeypatch.delenv("CARELOOP_ACCURATE_DIR", raising=False)  # the suite's shared encoder (tests/settings.py)
    viewer = api("viewer")
    job = viewer.post("/api/score", {"texts": ["hello"], "profile": "accurate"}).json()
    settings.CARELOOP_MODELS_DIR = str(tmp_path)  # no accurate model here: the worker says so on the job
    scoring_jobs.run(job["job"])
    failed = viewer.get(job["url"]).json()
    assert failed["state"] == "failed" and "accurate profile cannot run here" in failed["error"]


def test_a_user_has_at_most_three_jobs_waiting(api, queued):
    viewer = api("viewer")
    for _ in range(3):
        assert viewer.post("/api/score", {"texts": ["x"], "profile": "accurate"}).status_code == 202
    refused = viewer.post("/api/score", {"texts": ["x"], "profile": "accurate"})
    assert refused.status_code == 429 and "3 scoring jobs of yours are waiting" in refused.json()["error"]
    assert ScoringJob.objects.count() == 3


def test_the_largest_request_scored_in_the_web_process_takes_well_under_a_second_of_cpu(api, queued):
    """The worst a request may ask of the web process itself: 1,000 texts and the inline budget of characters
    (the fast profile). Measured as this process's CPU time, not the wall clock."""
    viewer = api("viewer")
    words = "the app crashes on login since the update and support never answers my tickets ".split()
    per_text = scoring_jobs.inline_chars() // 1000
    texts = [" ".join(words[(i + j) % len(words)] for j in range(per_text // 5))[:per_text] for i in range(1000)]
    assert sum(map(len, texts)) <= scoring_jobs.inline_chars()
    viewer.post("/api/score", {"texts": ["warm the models up"]})
    started = time.process_time()
    response = viewer.post("/api/score", {"texts": texts})
    used = time.process_time() - started
    assert response.status_code == 200 and len(response.json()["scores"]) == 1000
    assert used < 1.0, f"{used:.2f} s of CPU in one request"
    one_more = viewer.post("/api/score", {"texts": [*texts[:999], texts[999] + "x" * 1000]})
    assert one_more.status_code == 202 and queued  # over the budget: the worker's job, not this process's


def test_the_sweep_queues_a_lost_job_again_and_forgets_old_ones(api, queued):
    from datetime import timedelta

    from django.utils import timezone

    viewer = api("viewer")
    job = viewer.post("/api/score", {"texts": ["x"], "profile": "accurate"}).json()
    queued.clear()
    later = timezone.now() + timedelta(minutes=11)
    assert scoring_jobs.sweep(later) == (1, 0) and queued == [job["job"]]
    assert scoring_jobs.run(job["job"]).state == ScoringJob.State.DONE  # the worker ran it after all
    assert scoring_jobs.sweep(timezone.now() + timedelta(days=2)) == (0, 1)
