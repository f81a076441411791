"""Health that tells the truth (issue 16, point 6): queues that know how long their oldest task has waited, the
worker's heartbeat that reports it, and /health, /api/health and `careloop status` failing on a stale heartbeat or
a task waiting too long — but not when no worker is expected."""

from __future__ import annotations

import os
import pickle
import time
import uuid
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from huey.storage import SqliteStorage as PlainSqliteStorage

from careloop.health.heartbeat import QueueWatch, start_heartbeat, stop_heartbeat
from careloop.health.models import WorkerHeartbeat
from careloop.health.waiting import MARK, RedisHuey, SqliteHuey, stamp, unstamp


def with_task(huey):
    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    return add


@pytest.fixture
def queue(tmp_path) -> SqliteHuey:
    return SqliteHuey(f"test-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "tasks.sqlite3"))


# ------------------------------------------------------------------------------------------ stamped queues
def test_a_stamped_message_is_still_a_plain_pickle_to_an_older_consumer():
    message = pickle.dumps(("a", "message", [1, 2, 3]))
    stamped = stamp(message, at=1764779000.25)
    assert pickle.loads(stamped) == ("a", "message", [1, 2, 3])  # pickle stops at its own end
    assert unstamp(stamped) == (message, 1764779000.25)


def test_a_message_without_a_stamp_is_left_alone():
    message = pickle.dumps("queued by an older careloop")
    assert unstamp(message) == (message, None)
    tricky = pickle.dumps(MARK + b"not a number")  # the mark inside a message's own bytes
    assert unstamp(tricky) == (tricky, None)


def test_the_sqlite_queue_knows_when_its_oldest_task_came_in(queue):
    add = with_task(queue)
    assert queue.storage.oldest_waiting().count == 0
    before = time.time()
    add(1, 2)
    between = time.time()
    add(3, 4, priority=10)  # taken first, but not the oldest
    waiting = queue.storage.oldest_waiting()
    assert waiting.count == 2
    assert before <= waiting.oldest_enqueued_at <= between
    assert [t.args for t in queue.pending()] == [(3, 4), (1, 2)]  # huey reads its messages as before

    assert queue.execute(queue.dequeue()) == 7
    assert queue.storage.oldest_waiting().oldest_enqueued_at == waiting.oldest_enqueued_at
    assert queue.execute(queue.dequeue()) == 3
    assert queue.storage.oldest_waiting().count == 0


def test_a_process_starts_while_a_stopped_worker_holds_the_queues_write_lock(queue):
    """huey creates its tables in every process that starts, under the write lock; careloop's queue only when
    they are missing, so `careloop status` still starts (and reads the queue) beside a worker stopped mid-lock."""
    import sqlite3

    filename = queue.storage.filename
    holder = sqlite3.connect(filename, timeout=0, isolation_level=None)
    try:
        holder.execute("begin exclusive")  # as the stopped worker's scheduler holds it
        again = SqliteHuey(queue.name, filename=filename, timeout=0.2)
        assert again.storage.oldest_waiting().count == 0
        assert again.pending_count() == 0
    finally:
        holder.execute("rollback")
        holder.close()
    fresh = SqliteHuey(queue.name, filename=filename + ".new", timeout=0.2)  # a new queue still gets its tables
    with_task(fresh)(1, 2)
    assert fresh.pending_count() == 1


def test_the_redis_queue_knows_when_its_oldest_task_came_in():
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("REDIS_TEST_URL is not set (scripts/check.sh sets it and starts Redis)")
    queue = RedisHuey(f"careloop-test-{uuid.uuid4().hex[:8]}", url=url)
    try:
        add = with_task(queue)
        before = time.time()
        add(1, 2)
        between = time.time()
        add(3, 4)
        waiting = queue.storage.oldest_waiting()
        assert waiting.count == 2 and before <= waiting.oldest_enqueued_at <= between
        assert queue.execute(queue.dequeue()) == 3  # first in, first out
        assert queue.storage.oldest_waiting().oldest_enqueued_at > waiting.oldest_enqueued_at
    finally:
        queue.storage.flush_all()


def test_the_watch_reports_the_oldest_tasks_age_per_queue(queue):
    add = with_task(queue)
    assert QueueWatch().measure(queue) == {queue.name: {"waiting": 0, "oldest_task_age": None}}
    add(1, 2)
    measured = QueueWatch().measure(queue, now=time.time() + 400)[queue.name]
    assert measured["waiting"] == 1 and 399 <= measured["oldest_task_age"] <= 401


def test_an_unstamped_oldest_task_counts_from_when_the_watch_first_saw_it(queue):
    add = with_task(queue)
    PlainSqliteStorage.enqueue(queue.storage, queue.serialize_task(add.s(1, 2)))  # as an older careloop queued it
    watch = QueueWatch()
    assert watch.measure(queue, now=1000.0)[queue.name]["oldest_task_age"] == 0
    assert watch.measure(queue, now=1050.0)[queue.name]["oldest_task_age"] == 50
    assert queue.execute(queue.dequeue()) == 3


# ------------------------------------------------------------------------------------------ thresholds
@pytest.fixture
def worker_expected(monkeypatch, settings):
    """Tasks go to a queue (not run in-process), with the default limits."""
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", False)
    settings.CARELOOP_HEALTH_HEARTBEAT_STALE = 60
    settings.CARELOOP_HEALTH_OLDEST_TASK = 300


def beat(seconds_ago: float, oldest: float | None = None, waiting: int = 0) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker="vm:4242", seen_at=now - timedelta(seconds=seconds_ago), started_at=now - timedelta(hours=1),
        queues={"careloop": {"waiting": waiting, "oldest_task_age": oldest}})


def both_doors() -> tuple[int, dict, int, dict]:
    web, api = Client().get("/health"), Client().get("/api/health")
    return web.status_code, web.json(), api.status_code, api.json()


@pytest.mark.django_db
def test_no_worker_started_yet_is_said_not_failed(worker_expected):
    web_status, web, api_status, api = both_doors()
    assert (web_status, api_status) == (200, 200)
    assert web["worker"] == "never seen" and web["problems"] == []
    assert "no worker has started yet" in web["note"]
    assert api["status"] == "ok" and api["worker"] == "never seen"


@pytest.mark.django_db
def test_a_fresh_heartbeat_and_a_young_queue_are_healthy(worker_expected):
    beat(5, oldest=12.5, waiting=3)
    web_status, web, api_status, api = both_doors()
    assert (web_status, api_status) == (200, 200)
    assert web["database"] == "ok" and web["worker"] == "ok" and web["problems"] == []
    assert 5 <= web["heartbeat_age"] < 7
    assert web["queues"] == {"careloop": {"waiting": 3, "oldest_task_age": 12.5}}
    assert web["limits"] == {"heartbeat_stale": 60, "oldest_task": 300}
    assert "note" not in web
    assert api["status"] == "ok" and api["queues"] == web["queues"] and api["api_version"] == 1


@pytest.mark.django_db
def test_a_stale_heartbeat_fails_with_the_reason(worker_expected):
    beat(75)
    web_status, web, api_status, api = both_doors()
    assert (web_status, api_status) == (503, 503)
    assert web["worker"] == "stale" and web["database"] == "ok"
    assert web["problems"] == ["no worker heartbeat for 75 s (limit 60 s): the worker is stopped, hung or gone "
                               "(last seen: vm:4242)"]
    assert api["status"] == "error" and api["problems"] == web["problems"]


@pytest.mark.django_db
def test_the_heartbeat_limit_is_the_setting(worker_expected, settings):
    settings.CARELOOP_HEALTH_HEARTBEAT_STALE = 10
    heartbeat = beat(8)
    assert Client().get("/health").status_code == 200
    assert heartbeat.alive
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=11))
    heartbeat.refresh_from_db()
    assert Client().get("/health").status_code == 503
    assert not heartbeat.alive  # the footer and `import --wait` use the same limit


@pytest.mark.django_db
def test_a_task_waiting_too_long_fails_though_the_worker_lives(worker_expected, settings):
    beat(2, oldest=301.4, waiting=40)
    web_status, web, _, api = both_doors()
    assert web_status == 503 and web["worker"] == "ok"
    assert web["problems"] == ["the oldest task in queue 'careloop' has waited 301 s (limit 300 s), 40 waiting: the "
                               "workers do not keep up or take no tasks"]
    settings.CARELOOP_HEALTH_OLDEST_TASK = 600
    assert Client().get("/health").status_code == 200


@pytest.mark.django_db
def test_a_worker_that_cannot_read_its_queue_fails(worker_expected, cli):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker="vm:4242", seen_at=now, started_at=now, queues={
        "careloop": {"waiting": None, "oldest_task_age": None, "error": "ConnectionError"}})
    web_status, web, _, _ = both_doors()
    assert web_status == 503 and web["worker"] == "ok"
    assert web["problems"] == ["the worker cannot read queue 'careloop' (ConnectionError): it takes no tasks"]
    out = cli("status").output
    assert "oldest task   not known: the worker cannot read queue 'careloop' (ConnectionError)" in out


@pytest.mark.django_db
def test_the_freshest_of_several_workers_counts(worker_expected):
    beat(3600)  # a worker that was restarted long ago (its old pid)
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker="vm:5000", seen_at=now, started_at=now, queues={})
    web_status, web, _, _ = both_doors()
    assert web_status == 200 and web["worker"] == "ok" and web["queues"] == {}


@pytest.mark.django_db
def test_tasks_run_in_process_need_no_worker(settings):
    from huey.contrib.djhuey import HUEY

    assert HUEY.immediate  # the test settings
    beat(3600, oldest=5000.0, waiting=1)
    web_status, web, _, _ = both_doors()
    assert web_status == 200 and web["problems"] == []
    assert "no worker is needed" in web["note"]


@pytest.mark.django_db
def test_a_database_that_cannot_be_read_fails(worker_expected, monkeypatch):
    def broken():
        raise OperationalError("database is locked")

    monkeypatch.setattr("careloop.health.status.latest_heartbeat", broken)
    web_status, web, api_status, api = both_doors()
    assert (web_status, api_status) == (503, 503)
    assert web["database"] == "error: OperationalError" and web["worker"] == "unknown"
    assert web["problems"] == ["the database cannot be reached (OperationalError)"]


@pytest.mark.django_db
def test_status_shows_the_same(worker_expected, cli):
    beat(2, oldest=420.0, waiting=7)
    out = cli("status").output
    assert "worker        alive (vm:4242, 2 s ago)" in out
    assert "oldest task   420 s in queue 'careloop' (7 waiting at the heartbeat; limit 300 s)" in out
    assert "health        FAILING: the oldest task in queue 'careloop' has waited 420 s" in out
    WorkerHeartbeat.objects.update(queues={"careloop": {"waiting": 0, "oldest_task_age": None}})
    out = cli("status").output
    assert "oldest task   none waiting in queue 'careloop' at the heartbeat" in out and "health        ok\n" in out


# ------------------------------------------------------------------------------------------ the heartbeat thread
@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_sees_a_queue_nobody_takes_tasks_from(queue, monkeypatch, settings):
    """A real heartbeat thread on a real queue that no consumer reads: /health fails once the oldest task has
    waited past the limit, and is healthy again once the queue is drained."""
    monkeypatch.setattr("huey.contrib.djhuey.HUEY", queue)
    settings.CARELOOP_HEARTBEAT_SECONDS = 0.1
    settings.CARELOOP_HEALTH_HEARTBEAT_STALE = 5
    settings.CARELOOP_HEALTH_OLDEST_TASK = 0.5
    add = with_task(queue)
    assert start_heartbeat()
    assert not start_heartbeat(), "one heartbeat thread per process, however many worker threads start it"
    try:
        def health_until(status_code: int, within: float) -> dict:
            deadline = time.monotonic() + within
            while True:
                response = Client().get("/health")
                if response.status_code == status_code and response.json()["worker"] == "ok":
                    return response.json()
                assert time.monotonic() < deadline, response.json()
                time.sleep(0.05)

        assert health_until(200, 5)["queues"] == {queue.name: {"waiting": 0, "oldest_task_age": None}}
        add(1, 2)
        failing = health_until(503, 5)
        assert failing["worker"] == "ok" and failing["queues"][queue.name]["waiting"] == 1
        assert failing["problems"][0].startswith(f"the oldest task in queue '{queue.name}' has waited")
        assert queue.execute(queue.dequeue()) == 3
        assert health_until(200, 5)["queues"][queue.name] == {"waiting": 0, "oldest_task_age": None}
    finally:
        stop_heartbeat()


@pytest.mark.django_db(transaction=True)
def test_health_answers_at_once_while_a_stopped_worker_holds_sqlites_write_lock(worker_expected):
    """The probe's case: a worker stopped mid-write holds SQLite's write lock, and every writer waits 30 s. /health
    only reads (WAL lets it), so it answers at once — and says what is wrong."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer")
    heartbeat = beat(75)
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, as the stopped worker's open transaction holds it
        holder.execute("UPDATE health_workerheartbeat SET worker = worker WHERE id = ?", (heartbeat.pk,))
        start = time.monotonic()
        web_status, web, api_status, _ = both_doors()
        took = time.monotonic() - start
    finally:
        holder.rollback()
        holder.close()
    # blocked, it would wait out SQLite's 30 s busy timeout: far from any machine's noise
    assert took < 15, f"/health took {took:.1f} s behind the write lock (waited for it?)"
    assert (web_status, api_status) == (503, 503) and web["worker"] == "stale" and web["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_says_when_the_queue_cannot_be_reached(monkeypatch, settings):
    """Redis down (here: nobody listens on its port): the worker still beats, and /health names the queue."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: connections are refused
    queue = RedisHuey(f"careloop-test-{uuid.uuid4().hex[:8]}", url=f"redis://127.0.0.1:{port}/0")
    monkeypatch.setattr("huey.contrib.djhuey.HUEY", queue)
    settings.CARELOOP_HEARTBEAT_SECONDS = 0.1
    settings.CARELOOP_HEALTH_HEARTBEAT_STALE = 5
    assert start_heartbeat()
    try:
        deadline = time.monotonic() + 5
        while not WorkerHeartbeat.objects.exists():
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.05)
        response = Client().get("/health")
    finally:
        stop_heartbeat()
    assert response.status_code == 503 and response.json()["worker"] == "ok"
    assert response.json()["problems"] == [f"the worker cannot read queue '{queue.name}' (ConnectionError): it "
                                           "takes no tasks"]


@pytest.mark.django_db
def test_status_lines_when_a_worker_beats_for_the_first_time_between_the_two_reads(worker_expected):
    """`careloop status` read the report (no worker yet), then the heartbeat again: a worker that beat in between
    crashed it on the missing age (CI, PostgreSQL). The lines follow the report."""
    from careloop.health.status import health_lines, health_status

    report = health_status()
    assert report["heartbeat_age"] is None
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker="vm:1", seen_at=now, started_at=now, queues={})
    lines = health_lines(report)
    assert lines[0].startswith("worker        never seen")
