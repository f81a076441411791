"""The worker's sign of life: a thread of its own writes the heartbeat row every CARELOOP_HEARTBEAT_SECONDS.

A thread, not a periodic task: a periodic task waits behind the tasks in hand (a long sweep on both worker threads
would make a busy worker look dead), and a stopped or hung process writes nothing, so its heartbeat ages and
/health says so. Each beat also records, per queue, how many tasks wait and how long the oldest has waited
(careloop.health.waiting; on Dramatiq, RabbitMQ's counts: careloop.tasks_engine.queue_depths), so a worker that
lives but takes no tasks is seen too.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from django.utils import timezone

from careloop import tasks_engine

logger = logging.getLogger(__name__)

_STARTED = timezone.now()
_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class QueueWatch:
    """Measures what waits in the queue. A message queued without an enqueue time (by an older careloop) counts
    from when this watch first saw it oldest: a lower bound, still enough to see a queue that does not move."""

    def __init__(self) -> None:
        self._unstamped: tuple[str, float] | None = None

    def measure(self, huey=None, now: float | None = None) -> dict[str, dict[str, float | int | None]]:
        if huey is None and tasks_engine.engine() == tasks_engine.DRAMATIQ:  # RabbitMQ's queues (decision 12)
            return tasks_engine.queue_depths(now)
        if huey is None:
            from huey.contrib.djhuey import HUEY

            huey = HUEY
        now = time.time() if now is None else now
        storage = huey.storage
        if hasattr(storage, "oldest_waiting"):
            waiting = storage.oldest_waiting()
            count, at, digest = waiting.count, waiting.oldest_enqueued_at, waiting.oldest_digest
        else:  # a queue of another kind (the in-memory one of immediate mode): the count alone
            count, at, digest = storage.queue_size(), None, None
        if at is None and digest is not None:
            if self._unstamped is None or self._unstamped[0] != digest:
                self._unstamped = (digest, now)
            at = self._unstamped[1]
        age = None if at is None else round(max(0.0, now - at), 1)
        return {huey.name: {"waiting": count, "oldest_task_age": age}}


def record_heartbeat(queues: dict | None = None):
    """Write (or refresh) this process's heartbeat row."""
    from careloop.health.models import WorkerHeartbeat

    now = timezone.now()
    fields = {"seen_at": now} if queues is None else {"seen_at": now, "queues": queues}
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker=worker_name(), defaults=fields, create_defaults={**fields, "started_at": _STARTED})
    return beat


def _beat_forever(interval: float) -> None:
    from django.db import close_old_connections, connection

    watch = QueueWatch()
    while True:
        close_old_connections()  # CONN_MAX_AGE and health checks, as huey's Django tasks do
        try:
            try:
                queues: dict[str, dict[str, Any]] = watch.measure()
            except Exception as exc:  # the queue unreachable (Redis down): the worker lives, but takes no tasks
                logger.warning("heartbeat: cannot read the task queue", exc_info=True)
                error = {"waiting": None, "oldest_task_age": None, "error": exc.__class__.__name__}
                queues = {name: dict(error) for name in tasks_engine.queue_names()}
            record_heartbeat(queues)
        except Exception:
            logger.warning("heartbeat: cannot write the heartbeat", exc_info=True)
            connection.close()  # the next beat connects afresh (the database restarted, say)
        if _stop.wait(interval):
            connection.close()
            return


def start_heartbeat() -> bool:
    """Start this process's heartbeat thread (once; the worker's startup hook calls this from each of its threads).
    True when this call started it."""
    global _thread
    from django.conf import settings

    with _lock:
        if _thread is not None and _thread.is_alive():
            return False
        _stop.clear()
        _thread = threading.Thread(target=_beat_forever, args=(max(0.05, settings.CARELOOP_HEARTBEAT_SECONDS),),
                                   name="careloop-heartbeat", daemon=True)
        _thread.start()
        return True


def stop_heartbeat(timeout: float = 5.0) -> None:
    global _thread
    with _lock:
        thread, _thread = _thread, None
    _stop.set()
    if thread is not None:
        thread.join(timeout)
