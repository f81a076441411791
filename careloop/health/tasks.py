"""The worker's periodic sign of life, so the web app and `careloop status` can say whether one runs."""

from __future__ import annotations

import os
import socket

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from careloop.health.models import WorkerHeartbeat

_STARTED = timezone.now()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def record_heartbeat() -> WorkerHeartbeat:
    """Write (or refresh) this process's heartbeat row."""
    now = timezone.now()
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker=_worker_name(), defaults={"seen_at": now}, create_defaults={"seen_at": now, "started_at": _STARTED}
    )
    return beat


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    record_heartbeat()


@on_startup()
def heartbeat_at_start() -> None:
    """Say hello as soon as the consumer starts, not a minute later."""
    from django.db import close_old_connections

    close_old_connections()
    record_heartbeat()


@db_task()
def check_queue(token: str) -> None:
    """Mark a queue check done: proof that a worker took a task off the queue and could write the database."""
    from careloop.health.models import QueueCheck

    QueueCheck.objects.filter(token=token, done_at=None).update(done_at=timezone.now(), worker=_worker_name())
