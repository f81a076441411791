"""The team engine (decision 12): Dramatiq over a real RabbitMQ runs careloop's tasks, and a worker killed with
SIGKILL mid-task loses nothing: RabbitMQ gives the unacknowledged task to another worker, which finishes it, and
the work is done once (scoring a post twice writes nothing, listening to a thread twice opens no second case).

Skipped, saying so, when RabbitMQ is not reachable (scripts/check.sh starts it)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from careloop.cases.models import Case, CaseEvent
from careloop.community.models import Post
from careloop.health.models import QueueCheck, WorkerHeartbeat
from tests.conftest import CARELOOP, post

pytestmark = pytest.mark.slow
LOGGED_WORKER = [sys.executable, "-m", "tests.engine.logged_worker"]
COMPLAINTS = ["Since the 3.2 update the app logs me out every time I open it. Still broken after a reinstall.",
              "I was charged twice after the price change and support does not answer my emails.",
              "The sync has been broken for three days, my photos never arrive and nobody helps."]


def community() -> list[dict]:
    """Three complaint threads, each with two members saying "me too", and a chatty thread."""
    posts = []
    for t, text in enumerate(COMPLAINTS):
        posts.append(post(f"c{t}", thread=f"t{t}", author=f"m{t}", text=text, at=f"2026-05-03T10:0{t}:00+00:00"))
        for i, reply in enumerate(("same here, it is broken for me too", "+1 same problem since yesterday")):
            posts.append(post(f"c{t}-{i}", thread=f"t{t}", parent=f"c{t}", author=f"m{t}-{i}", text=reply,
                              at=f"2026-05-03T10:1{t}:0{i}+00:00"))
    posts += [post(f"chat{n}", thread="lounge", author=f"c{n % 3}", text=f"lovely meetup today, thanks all {n}",
                   at=f"2026-05-03T11:00:{n:02d}+00:00") for n in range(10)]
    return posts


def import_posts(env: dict[str, str], tmp: Path) -> None:
    path = tmp / "posts.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in community()))
    result = subprocess.run([*CARELOOP, "import", str(path)], env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    assert "queued for scoring" in result.stderr


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log.open("a"),
                            stderr=subprocess.STDOUT)


def wait_for(what: str, done, timeout: float = 30.0, every: float = 0.05) -> float:  # noqa: ANN001 - a callable
    """Poll `done()` until true; when it became true. Bounds a stuck test, not a timing check."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what} within {timeout:.0f} s"
        time.sleep(every)
    return time.time()


def beating(process: subprocess.Popen) -> bool:
    return WorkerHeartbeat.objects.filter(worker=f"{socket.gethostname()}:{process.pid}").exists()


def task_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def stop(process: subprocess.Popen, output: Path) -> None:
    process.send_signal(signal.SIGINT)
    process.wait(timeout=40)
    assert process.returncode == 0, output.read_text()[-3000:]


def all_listened() -> bool:
    return Post.objects.exists() and not Post.objects.filter(listened_at__isnull=True).exists()


def test_tasks_queued_through_the_seam_run_on_a_dramatiq_worker(broker_env, tmp_path):
    """The queue check and an import's scoring go through RabbitMQ to a real `careloop worker`; /health and
    `careloop status` report RabbitMQ's two queues."""
    output = tmp_path / "worker.out"
    worker = start([*CARELOOP, "worker"], broker_env, output)
    try:
        status = subprocess.run([*CARELOOP, "status", "--check-queue"], env=broker_env, capture_output=True,
                                text=True, timeout=60)
        assert status.returncode == 0, status.stdout + status.stderr + output.read_text()
        assert "task queue    Dramatiq on RabbitMQ" in status.stdout
        assert "queue check   ok" in status.stdout
        check = QueueCheck.objects.get()
        assert check.worker == f"{socket.gethostname()}:{worker.pid}"
        import_posts(broker_env, tmp_path)
        wait_for("the worker scored and listened to every post", all_listened)
        assert Case.objects.count() == len(COMPLAINTS)
        name = broker_env["CARELOOP_QUEUE_NAME"]
        beat = WorkerHeartbeat.objects.get(worker=check.worker)
        assert set(beat.queues) == {name, f"{name}-listen"}, beat.queues
    finally:
        stop(worker, output)
    assert "careloop worker: 2 thread(s) on Dramatiq on RabbitMQ" in output.read_text()


def test_a_task_of_a_worker_killed_mid_task_is_redelivered_and_done_once(broker_env, tmp_path):
    """Worker A scores the batch and is SIGKILLed before the task is acknowledged; RabbitMQ hands the task to
    worker B, already running, which runs it again: it writes no score a second time, and listening opens each
    complaint's case once, with its two "me too" members once each."""
    log = tmp_path / "tasks.jsonl"
    env = {**broker_env, "CARELOOP_TEST_TASK_LOG": str(log)}
    out_a, out_b = tmp_path / "a.out", tmp_path / "b.out"
    a = start(LOGGED_WORKER, {**env, "CARELOOP_TEST_PAUSE": "60"}, out_a)
    b = None
    try:
        wait_for("worker A beats", lambda: beating(a))
        import_posts(env, tmp_path)
        wait_for("worker A scored the batch", lambda: any(e["event"] == "scored" and e["pid"] == a.pid
                                                           for e in task_log(log)))
        b = start(LOGGED_WORKER, {**env, "CARELOOP_TEST_THREADS": "2"}, out_b)  # one free beside its start sweep
        wait_for("worker B beats", lambda: beating(b))
        a.send_signal(signal.SIGKILL)
        killed_at = time.time()
        a.wait(timeout=10)
        again = wait_for("worker B got A's task", lambda: any(e["event"] == "scoring" and e["pid"] == b.pid
                                                               for e in task_log(log)), every=0.01)
        wait_for("worker B finished the listening", all_listened)
        print(f"\nredelivered {again - killed_at:.2f} s after the SIGKILL")  # the figure, not a check
        runs = task_log(log)
        scored = [e for e in runs if e["event"] == "scored"]
        assert [e["pid"] for e in scored] == [a.pid, b.pid], runs
        assert scored[0]["written"] == len(community()) and scored[1]["written"] == 0, "scored twice"
        assert not Post.objects.filter(scored_at__isnull=True).exists()
        cases = list(Case.objects.select_related("post"))
        assert sorted(c.post.external_id for c in cases) == [f"c{t}" for t in range(len(COMPLAINTS))]
        for case in cases:
            member = f"m{case.post.external_id[1:]}"  # the complaint's author, and the two who said "me too"
            assert sorted(case.affected.values_list("member__external_id", flat=True)) == [
                member, f"{member}-0", f"{member}-1"]
        opened = Counter(CaseEvent.objects.filter(kind=CaseEvent.Kind.OPENED).values_list("case_id", flat=True))
        assert set(opened.values()) == {1}, opened
    finally:
        if a.poll() is None:
            a.kill()
            a.wait()
        if b is not None:
            stop(b, out_b)



def test_careloop_worker_runs_several_processes_and_stops_them_all(broker_env, tmp_path):
    """`careloop worker --processes 2`: two worker processes beat, one of them queues the periodic tasks, and
    SIGINT stops both."""
    output = tmp_path / "worker.out"
    parent = start([*CARELOOP, "worker", "--processes", "2", "--threads", "1"], broker_env, output)
    try:
        wait_for("two worker processes beat", lambda: WorkerHeartbeat.objects.count() == 2)
        workers = set(WorkerHeartbeat.objects.values_list("worker", flat=True))
        assert f"{socket.gethostname()}:{parent.pid}" not in workers, "the parent only supervises"
        holds = "scheduler: this worker queues the periodic tasks"
        wait_for("one scheduler holds the lock", lambda: holds in output.read_text())
        stands_by = "scheduler: another worker queues the periodic tasks"
        wait_for("the other scheduler stands by", lambda: stands_by in output.read_text())
        assert output.read_text().count(holds) == 1, output.read_text()[-2000:]  # both have tried: one holds
    finally:
        stop(parent, output)  # the other scheduler may take the lock while the first one stops: that is failover
    assert "careloop worker: 2 processes of 1 thread(s)" in output.read_text()


def test_a_queue_no_worker_takes_shows_its_waiting_tasks_in_the_heartbeat(broker_env, tmp_path):
    """A worker on the case-loop queue only (`--queues careloop`): the import's scoring tasks wait in
    careloop-listen, and the heartbeat says how many and for how long (RabbitMQ's count, careloop's age)."""
    name = broker_env["CARELOOP_QUEUE_NAME"]
    output = tmp_path / "worker.out"
    worker = start([*CARELOOP, "worker", "--queues", name], {**broker_env, "CARELOOP_HEARTBEAT_SECONDS": "0.5"},
                   output)
    try:
        wait_for("the worker beats", lambda: beating(worker))
        import_posts(broker_env, tmp_path)

        def waiting() -> dict:
            beat = WorkerHeartbeat.objects.get(worker=f"{socket.gethostname()}:{worker.pid}")
            return beat.queues.get(f"{name}-listen") or {}

        seen: list[dict] = []

        def counted() -> bool:
            seen.append(waiting())
            return (seen[-1].get("waiting") or 0) >= 1

        try:
            wait_for("the heartbeat counts the waiting scoring task", counted)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the heartbeat said {seen[-1:]}; {output.read_text()[-1500:]}") from None
        assert waiting()["oldest_task_age"] is not None
        assert not Post.objects.filter(scored_at__isnull=False).exists(), "nobody takes the listen queue"
    finally:
        stop(worker, output)
