"""Personal API tokens: a user's key for tools that call the API, of which only a hash is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One personal token. The token itself is shown once, when it is made; the database keeps its SHA-256.

    A token is 256 random bits, so a fast hash is enough (no password stretching needed): nobody can guess
    their way back from the digest, and checking a request costs one indexed lookup.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for, e.g. 'helpdesk sync'.")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex.")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True,
                                      help_text="After this the token is refused (401); empty: it never expires.")
    read_only = models.BooleanField(default=False, help_text="Only GET (and HEAD): any write is refused (403).")
    # the rate limit (careloop.api.tokens.count_request): requests in the current clock minute, counted in the
    # database so every thread and every web process sees one count
    rate_minute = models.BigIntegerField(default=0, help_text="The clock minute (Unix time // 60) counted.")
    rate_count = models.PositiveIntegerField(default=0, help_text="Requests with the token in that minute.")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.prefix}… of {self.user} ({self.name or 'no name'})"


class ScoringJob(models.Model):
    """Texts sent to POST /api/score that are too much for a web request (the accurate profile, or more text
    than CARELOOP_API_INLINE_SCORE_CHARS): a worker scores them, and GET /api/score/jobs/<id> gives the scores."""

    class State(models.TextChoices):
        WAITING = "waiting"
        DONE = "done"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scoring_jobs")
    profile = models.CharField(max_length=20)
    texts = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    model_version = models.CharField(max_length=200, blank=True)
    scores = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="scoring_job_waiting")]

    def __str__(self) -> str:
        return f"scoring job {self.pk} ({self.profile}, {len(self.texts)} texts, {self.state})"
