"""The worker's sign of life, so the web app and `careloop status` can say whether one runs and keeps up."""

from __future__ import annotations

from django.utils import timezone

from careloop.health.heartbeat import start_heartbeat, worker_name
from careloop.tasks_engine import on_worker_start, task


@on_worker_start
def heartbeat_at_start() -> None:
    """Start the heartbeat thread as the consumer starts (huey calls this in each worker thread; one thread runs).
    Its first beat is at once, not a minute later."""
    start_heartbeat()


@task()
def check_queue(token: str) -> None:
    """Mark a queue check done: proof that a worker took a task off the queue and could write the database."""
    from careloop.health.models import QueueCheck

    QueueCheck.objects.filter(token=token, done_at=None).update(done_at=timezone.now(), worker=worker_name())
