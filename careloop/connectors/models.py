"""What the connectors remember between runs: what was delivered, which events came in, where a sync stands."""

from __future__ import annotations

from django.db import models

from careloop.community.models import Source


class Delivery(models.Model):
    """A message a platform accepted, by its idempotency key: the same key never reaches a member twice.

    Written by the connector right after the platform says yes. `find_sent` reads it first; the platform's
    own guard (Matrix txnId, a deterministic e-mail Message-ID) covers a crash between the two.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="deliveries")
    idempotency_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    recipient = models.CharField(max_length=255, blank=True)
    external_id = models.CharField(max_length=255)
    thread_ref = models.CharField(max_length=255, blank=True, help_text="DM room, PM topic or e-mail thread.")
    case_ref = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "idempotency_key"], name="delivery_once_per_key"),
        ]
        indexes = [models.Index(fields=["source", "external_id"], name="delivery_external")]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key} -> {self.external_id}"


class ReceivedEvent(models.Model):
    """A platform event (webhook delivery) already handled: a platform's retry of it is stored once."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="received_events")
    event_id = models.CharField(max_length=255)
    event = models.CharField(max_length=100, blank=True, help_text="e.g. post_created, flag_created.")
    received_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict, blank=True, help_text="What the event did (never its full body).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="received_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.event_id} {self.event}"


class SyncState(models.Model):
    """Where polling a source stands: its cursor, and the backoff after failures."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="sync_state")
    cursor = models.TextField(blank=True, help_text="The platform's position (Matrix next_batch).")
    failures = models.PositiveIntegerField(default=0, help_text="Failures in a row; the backoff grows with them.")
    retry_at = models.DateTimeField(null=True, blank=True, help_text="No polling before this time (backoff).")
    last_run_at = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="e.g. the room ids the bot joined.")

    def __str__(self) -> str:
        return f"sync of source {self.source_id}"


class InboundReply(models.Model):
    """A member's private answer that a platform pushed to careloop (a Discourse PM reply via webhook).

    Connectors that can ask the platform (Matrix, a Maildir) read replies there instead.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="inbound_replies")
    external_id = models.CharField(max_length=255)
    sender = models.CharField(max_length=255)
    body = models.TextField()
    at = models.DateTimeField()
    thread_ref = models.CharField(max_length=255, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    case_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="inbound_reply_once"),
        ]
        indexes = [models.Index(fields=["source", "at"], name="inbound_reply_time")]

    def __str__(self) -> str:
        return f"reply {self.external_id} from {self.sender}"
