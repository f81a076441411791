"""Checking the task queue end to end, for operators (`careloop status --check-queue`)."""

from __future__ import annotations

import secrets
import time

from django.utils import timezone

from careloop.health.models import QueueCheck


def check_queue_round_trip(timeout: float = 15.0) -> QueueCheck | None:
    """Enqueue a check task and wait for a worker to run it; the finished check, or None on timeout."""
    from careloop.health.tasks import check_queue

    check = QueueCheck.objects.create(token=secrets.token_hex(16), enqueued_at=timezone.now())
    check_queue(check.token)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check.refresh_from_db()
        if check.done_at:
            return check
        time.sleep(0.2)
    return None
