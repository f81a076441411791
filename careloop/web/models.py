"""What the web UI keeps of its own: each person's preferences, and the teams cases are handed to."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Preference(models.Model):
    """A user's settings for the UI. The language follows the user, not the browser."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True,
                                help_text="Empty: the browser's language.")

    def __str__(self) -> str:
        return f"preferences of {self.user}"


class Team(models.Model):
    """A group of teammates a case can be handed to (billing, support, moderation)."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SavedView(models.Model):
    """A queue filter a user keeps under a name (its query string: "tag=refund&risk=high"), listed as a link
    above their queue. Each user's own."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_per_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class CasePresence(models.Model):
    """Who has a case page open now, and whether they are writing on it (careloop/web/presence.py).

    One row per person and case, upserted by the page's heartbeat; a row whose heartbeat is older than
    CARELOOP_PRESENCE_SECONDS means nobody is there any more (it is ignored, and removed on the next read)."""

    class State(models.TextChoices):
        VIEWING = "viewing"
        WRITING = "writing"  # typing a message to the member in the composer
        NOTING = "noting"  # typing an internal note

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.VIEWING)
    seen_at = models.DateTimeField(help_text="The latest heartbeat.")
    writing_since = models.DateTimeField(null=True, blank=True,
                                         help_text="When they began writing (None: not writing).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="presence_once")]
        indexes = [models.Index(fields=["seen_at"], name="presence_seen")]

    def __str__(self) -> str:
        return f"{self.user} {self.state} case {self.case_id}"
