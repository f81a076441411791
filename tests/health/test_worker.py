"""A real worker process takes tasks off the real queue (SQLite in the data folder, or Redis) and stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid

import pytest

from careloop.community.models import Post
from careloop.health.models import QueueCheck, WorkerHeartbeat
from tests.conftest import CARELOOP, post

pytestmark = pytest.mark.slow


def scored_through_the_queue(env: dict[str, str], tmp) -> None:
    """An import in another process queues its batch; the worker scores every post."""
    path = tmp / "posts.jsonl"
    path.write_text("".join(json.dumps(post(n, text=f"the update broke login, attempt {n}")) + "\n"
                            for n in range(1, 30)))
    result = subprocess.run([*CARELOOP, "import", str(path)], env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    assert "queued for scoring" in result.stderr
    deadline = time.monotonic() + 60
    while Post.objects.filter(scored_at__isnull=True).exists() or not Post.objects.exists():
        assert time.monotonic() < deadline, "the worker did not score the imported posts"
        time.sleep(0.3)
    assert Post.objects.filter(complaint__isnull=False).count() == 29


def round_trip(env: dict[str, str], tmp) -> None:
    worker = subprocess.Popen([*CARELOOP, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        status = subprocess.run([*CARELOOP, "status", "--check-queue"], env=env, capture_output=True, text=True,
                                timeout=90)
        assert status.returncode == 0, status.stdout + status.stderr
        assert "queue check   ok" in status.stdout
        check = QueueCheck.objects.get()
        assert check.done_at is not None and check.worker
        assert WorkerHeartbeat.objects.filter(worker=check.worker).exists(), "the worker said hello when it started"
        scored_through_the_queue(env, tmp)
    finally:
        worker.send_signal(signal.SIGINT)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err


def test_worker_on_the_embedded_queue(process_env, tmp_path):
    round_trip(process_env, tmp_path)


def test_worker_over_redis(process_env, tmp_path):
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("REDIS_TEST_URL is not set (scripts/check.sh sets it and starts Redis)")
    round_trip({**process_env, "REDIS_URL": url, "CARELOOP_QUEUE_NAME": f"careloop-test-{uuid.uuid4().hex[:8]}"},
               tmp_path)


def test_status_check_queue_fails_clearly_without_a_worker(process_env):
    status = subprocess.run([*CARELOOP, "status", "--check-queue", "--wait", "1"], env=process_env,
                            capture_output=True, text=True, timeout=60)
    assert status.returncode == 1
    assert "no worker ran the check task within 1 s" in status.stderr
