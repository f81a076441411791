"""careloop's own health: is a worker alive?"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

STALE_AFTER = timedelta(minutes=3)


class WorkerHeartbeat(models.Model):
    """The last sign of life of one worker process, written once a minute by a periodic task."""

    worker = models.CharField(max_length=200, unique=True, help_text="host:pid")
    seen_at = models.DateTimeField()
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker

    @property
    def alive(self) -> bool:
        return timezone.now() - self.seen_at < STALE_AFTER


def latest_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-seen_at").first()


class QueueCheck(models.Model):
    """A round trip through the task queue: enqueued by `careloop status --check-queue`, done by a worker."""

    token = models.CharField(max_length=64, unique=True)
    enqueued_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.token
