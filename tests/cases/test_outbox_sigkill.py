"""A worker killed (SIGKILL) between "sent" and "recorded" does not make the member get the message twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from careloop.cases import outbox, state
from careloop.cases.models import CaseEvent, CaseState, OutboxMessage

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.cases.recording_worker"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, what: str, worker: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}) before {what}: {worker.stderr.read()}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_sigkill_between_sent_and_recorded_sends_once(process_env, tmp_path, case, manager):
    state.transition(case, CaseState.REACHING_OUT, manager)
    message = outbox.enqueue(case, purpose="outreach", body="Hi Mia, I'm Anna. Can we talk?", channel="dm",
                             recipient="@mia:example.org", dispatch=False)  # the worker's start-up sweep takes it
    sent_file, hang = tmp_path / "sent.jsonl", tmp_path / "hanging"
    env = {**process_env, "CARELOOP_TEST_SENT_FILE": str(sent_file), "CARELOOP_OUTBOX_LEASE": "1"}

    first = start_worker({**env, "CARELOOP_TEST_HANG_AFTER_SEND": str(hang)})
    try:
        wait_for(hang.exists, "the first worker sent the message", first)
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.SENDING  # delivered, not yet recorded
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert len(sent_file.read_text().splitlines()) == 1

    time.sleep(1.5)  # past the lease: the row now counts as abandoned
    second = start_worker(env)
    try:
        wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.SENT,
                 "the second worker recovered the message", second)
    finally:
        second.send_signal(signal.SIGINT)
        _, err = second.communicate(timeout=30)
    assert second.returncode == 0, err

    delivered = [json.loads(line) for line in sent_file.read_text().splitlines()]
    assert len(delivered) == 1, "the member got the message twice"
    assert delivered[0]["idempotency_key"] == message.idempotency_key
    message.refresh_from_db()
    assert message.attempts == 1 and message.external_id == delivered[0]["external_id"] == "$event-1"
    out = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE_OUT)
    assert out.details["recovered"] is True and out.details["outbox"] == message.pk
