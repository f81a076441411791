"""careloop's own health: is a worker alive?"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def stale_after() -> timedelta:
    """A heartbeat older than this is a worker stopped, hung or gone (CARELOOP_HEALTH_HEARTBEAT_STALE)."""
    return timedelta(seconds=settings.CARELOOP_HEALTH_HEARTBEAT_STALE)


class WorkerHeartbeat(models.Model):
    """The last sign of life of one worker process, written every few seconds (CARELOOP_HEARTBEAT_SECONDS) by a
    thread of its own (careloop.health.heartbeat), with what waits in the queue as that thread saw it."""

    worker = models.CharField(max_length=200, unique=True, help_text="host:pid")
    seen_at = models.DateTimeField()
    started_at = models.DateTimeField()
    queues = models.JSONField(
        default=dict, blank=True,
        help_text='per queue name, at seen_at: {"waiting": tasks, "oldest_task_age": seconds or null}')

    def __str__(self) -> str:
        return self.worker

    @property
    def alive(self) -> bool:
        return timezone.now() - self.seen_at < stale_after()


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
