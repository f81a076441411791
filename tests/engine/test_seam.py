"""careloop.tasks_engine without a broker setting: the embedded default is huey's, unchanged; and the parts of the
Dramatiq side that need no RabbitMQ (the lock a periodic sweep and the scheduler take, the scheduler's minutes)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from huey.api import PeriodicTask, TaskWrapper
from huey.contrib.djhuey import HUEY

from careloop import tasks_engine
from careloop.api.tasks import score_job
from careloop.cases.tasks import deliver_task, outbox_sweep
from careloop.health.models import QueueCheck
from careloop.health.tasks import check_queue
from careloop.listen.tasks import score_backlog, score_posts_task
from careloop.tasks_engine import crontab


def test_without_a_broker_setting_the_tasks_are_huey_tasks_on_its_queue(settings):
    assert not settings.CARELOOP_BROKER_URL
    assert tasks_engine.engine() == "huey"
    for declared in (deliver_task, score_posts_task, score_job, check_queue):
        assert isinstance(declared, TaskWrapper) and declared.huey is HUEY, declared
    for periodic in (outbox_sweep, score_backlog):
        assert isinstance(periodic.task_class(), PeriodicTask), periodic
    assert score_posts_task.retries == 3 and score_posts_task.retry_delay == 30
    assert tasks_engine.queue_names() == [HUEY.name]
    assert tasks_engine.describe() == type(HUEY.storage).__name__  # what `careloop status` always printed


@pytest.mark.django_db
def test_on_huey_in_immediate_mode_a_queued_task_runs_at_once():
    QueueCheck.objects.create(token="t1", enqueued_at=datetime.now(UTC))
    assert tasks_engine.immediate()
    check_queue("t1")
    assert QueueCheck.objects.get(token="t1").done_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_lock_is_held_by_one_run_at_a_time_and_free_again_after():
    """The Dramatiq side's lock (an advisory lock on PostgreSQL, a file lock on SQLite): a second holder, in
    another thread with its own database session, is refused while the first holds it."""
    seen: list[bool] = []

    def try_it() -> None:
        from django.db import connection

        with tasks_engine.held("test-lock") as won:
            seen.append(won)
        connection.close()

    with tasks_engine.held("test-lock") as first:
        other = threading.Thread(target=try_it)
        other.start()
        other.join()
    assert first and seen == [False]
    other = threading.Thread(target=try_it)
    other.start()
    other.join()
    assert seen == [False, True]


class Queued:
    name = "test.every_five_minutes"

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


def test_the_scheduler_queues_a_periodic_task_once_in_each_of_its_minutes(monkeypatch):
    every_five = Queued()
    monkeypatch.setattr(tasks_engine, "_periodic", [(crontab(minute="*/5"), every_five)])
    scheduler = tasks_engine.Scheduler()
    at = datetime(2026, 5, 3, 10, 0, 0, tzinfo=UTC)
    assert scheduler.tick(at) == 1
    assert scheduler.tick(at.replace(second=30)) == 0  # the same minute: not again
    assert scheduler.tick(at.replace(minute=1)) == 0  # not a minute of */5
    assert scheduler.tick(at.replace(minute=5, second=2)) == 1
    assert every_five.calls == 2
    taken_over = tasks_engine.Scheduler()  # a scheduler taking over in a minute the old holder queued
    taken_over.last_minute = at.replace(minute=5)
    assert taken_over.tick(at.replace(minute=5, second=40)) == 0
