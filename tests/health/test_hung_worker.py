"""Issue 16, point 6: "with the SQLite worker stopped (SIGSTOP) … /health said worker: ok". A real `careloop
worker` process is stopped with SIGSTOP: /health (and `careloop status`) fail within the heartbeat limit, and are
healthy again once it continues (SIGCONT)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import pytest
from django.test import Client

from tests.conftest import CARELOOP

pytestmark = pytest.mark.slow

BEAT = 0.2  # the worker's heartbeat interval in this test (CARELOOP_HEARTBEAT_SECONDS)
STALE = 2.0  # the heartbeat limit (CARELOOP_HEALTH_HEARTBEAT_STALE)


def health_until(status_code: int, within: float, worker: str | None = None) -> tuple[dict, float]:
    """Poll /health until it answers `status_code` (and says `worker`, if given); its body and how long it took."""
    start = time.monotonic()
    while True:
        response = Client().get("/health")
        body = response.json()
        if response.status_code == status_code and worker in (None, body["worker"]):
            return body, time.monotonic() - start
        assert time.monotonic() - start < within, f"/health still answers {response.status_code}: {body}"
        time.sleep(0.05)


def hung_and_back(env: dict[str, str], queue: str) -> None:
    env = {**env, "CARELOOP_QUEUE_NAME": queue, "CARELOOP_HEARTBEAT_SECONDS": str(BEAT),
           "CARELOOP_HEALTH_HEARTBEAT_STALE": str(STALE)}
    worker = subprocess.Popen([*CARELOOP, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    try:
        healthy, _ = health_until(200, within=60, worker="ok")  # a worker starts (Django, its tasks) in seconds
        assert set(healthy["queues"]) == {queue}, healthy  # its start-up sweeps may still be waiting there
        assert (healthy["queues"][queue]["oldest_task_age"] or 0) < 300 and healthy["problems"] == []

        worker.send_signal(signal.SIGSTOP)
        failing, took = health_until(503, within=STALE + 30)  # a bound for a stuck test, not a timing check
        print(f"\n/health answered 503 {took:.2f} s after SIGSTOP (heartbeat limit {STALE:g} s, every {BEAT:g} s)")
        assert failing["worker"] == "stale" and failing["database"] == "ok"
        assert failing["problems"][0].startswith("no worker heartbeat for ")
        assert "the worker is stopped, hung or gone" in failing["problems"][0]
        status = subprocess.run([*CARELOOP, "status"], env=env, capture_output=True, text=True, timeout=60)
        assert status.returncode == 0, status.stderr
        assert "worker        not seen recently" in status.stdout
        assert "health        FAILING: no worker heartbeat for " in status.stdout

        worker.send_signal(signal.SIGCONT)
        back, took = health_until(200, within=5)
        assert back["worker"] == "ok" and back["problems"] == []
        print(f"/health answered 200 again {took:.2f} s after SIGCONT")
    finally:
        worker.send_signal(signal.SIGCONT)
        worker.send_signal(signal.SIGINT)
        _, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err


@pytest.fixture
def expecting_a_worker(process_env, monkeypatch, settings) -> dict[str, str]:
    """This process answers /health as the web app does beside a worker: tasks queued, the test's limits."""
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", False)
    settings.CARELOOP_HEALTH_HEARTBEAT_STALE = STALE
    settings.CARELOOP_HEALTH_OLDEST_TASK = 300
    return process_env


def test_a_stopped_worker_fails_health_on_the_embedded_queue(expecting_a_worker):
    hung_and_back(expecting_a_worker, f"careloop-test-{uuid.uuid4().hex[:8]}")


def test_a_stopped_worker_fails_health_over_redis(expecting_a_worker):
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("REDIS_TEST_URL is not set (scripts/check.sh sets it and starts Redis)")
    hung_and_back({**expecting_a_worker, "REDIS_URL": url}, f"careloop-test-{uuid.uuid4().hex[:8]}")
