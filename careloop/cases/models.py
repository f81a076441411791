"""Cases: one member's issue, carried through the loop until the member is satisfied.

The state machine (the one door, `transition()`) lives in cases/state.py: a case holds its current state
and the due times the scheduler wakes, and its timeline is an append-only list of CaseEvents. Messages to
the member are rows in the outbox (OutboxMessage) before anything is sent; the member's private replies are
kept as InboundMessages, matched to a case or not, so that nothing is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from careloop.community.models import Member, Post, Source, Thread


class CaseState(models.TextChoices):
    NEW = "new", "New"
    REACHING_OUT = "reaching_out", "Reaching out"
    ACTING = "acting", "Acting"
    FOLLOWING_UP = "following_up", "Following up"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"
    MODERATED = "moderated", "Moderated"


OPEN_STATES = (CaseState.NEW, CaseState.REACHING_OUT, CaseState.ACTING, CaseState.FOLLOWING_UP)
TEXT_CHARS = 10_000  # the longest note, message, action item or member's reply a teammate writes on a case


class Case(models.Model):
    """One member's issue, from the public post that raised it to a satisfied member."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="cases")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cases")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases",
        help_text="The post that raised it.",
    )
    state = models.CharField(max_length=20, choices=CaseState.choices, default=CaseState.NEW)
    topic = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    reasons = models.JSONField(default=list, blank=True, help_text="Why this is a case, in words.")
    risk = models.FloatField(null=True, blank=True, help_text="Escalation risk, 0..1.")
    severity = models.PositiveSmallIntegerField(
        default=0, help_text="0 not judged, 1 minor, 2 a real problem, 3 urgent (listen/judgment.py)."
    )
    origin = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The first member post that states the problem (where the trouble began).",
    )
    waiting_since = models.DateTimeField(
        null=True, blank=True, help_text="The member's latest post the team has not answered yet (None: answered)."
    )
    first_response_at = models.DateTimeField(null=True, blank=True, help_text="The team's first public reply.")
    handed_off_at = models.DateTimeField(
        null=True, blank=True, help_text="When the team moved it private in public (\"please DM us\")."
    )
    public_outcome = models.CharField(
        max_length=12, blank=True, help_text="What the member's latest public post says: satisfied or unsatisfied."
    )
    language = models.CharField(max_length=16, blank=True)
    channel = models.CharField(max_length=20, blank=True, help_text="How we reach out: dm, email, call.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    team = models.CharField(max_length=100, blank=True)
    loop_count = models.PositiveIntegerField(default=0, help_text="How often follow-up sent it back to acting.")
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The member's rating, 1..5.")
    # The follow-up cycle: follow_up_due_at is when the next step is due (the question, then the reminder,
    # then the overdue flag); the scheduler only wakes what these say.
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(
        null=True, blank=True, help_text="Past a service level since then (managers were told); cleared by progress."
    )
    overdue_reason = models.CharField(max_length=200, blank=True)
    ticket_url = models.CharField(max_length=2000, blank=True, help_text="The external ticket for the fix.")
    last_error = models.TextField(blank=True, help_text="The last thing that went wrong, for the manager to act on.")
    tags: models.ManyToManyField[Tag, Any] = models.ManyToManyField(
        "Tag", blank=True, related_name="cases", help_text="The team's labels (careloop/cases/tags.py).")
    # No column, and unset until a page that reads many cases at once sets the clock of the case's source
    # (community.history.source_clocks); service_levels.timer() runs on it, else on now.
    clock: datetime

    class Meta:
        indexes = [
            models.Index(fields=["state", "-risk"], name="case_queue"),
            models.Index(fields=["state", "-severity"], name="case_queue_severity"),
            models.Index(fields=["member", "state"], name="case_member"),
            models.Index(
                fields=["follow_up_due_at"], name="case_due", condition=Q(follow_up_due_at__isnull=False)
            ),
            models.Index(fields=["overdue_at"], name="case_overdue", condition=Q(overdue_at__isnull=False)),
            # Each teammate's load (careloop/cases/load.py) from the index alone: no read of 30,000 case rows.
            models.Index(fields=["state", "assignee", "overdue_at", "follow_up_due_at"], name="case_load",
                         condition=Q(assignee__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class AffectedMember(models.Model):
    """A member the case is about: the complainer, and everyone who said "me too"."""

    class Role(models.TextChoices):
        COMPLAINER = "complainer"
        AFFECTED = "affected"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="affected")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="affected_by")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.AFFECTED)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "member"], name="affected_once")]

    def __str__(self) -> str:
        return f"{self.role} member {self.member_id} of case {self.case_id}"


class AppendOnlyQuerySet(models.QuerySet):
    """A case's timeline is history: rows are added, never changed or removed in bulk."""

    def update(self, **kwargs):  # noqa: ARG002 - the signature is Django's
        raise TypeError("CaseEvent rows are append-only: add a new event instead of changing one")

    def delete(self):
        raise TypeError("CaseEvent rows are append-only: they go only when their case is deleted")


class CaseEvent(models.Model):
    """One step on a case's timeline: opened, a state change, a message out or in, a note, an assignment."""

    class Kind(models.TextChoices):
        OPENED = "opened"
        TRANSITION = "transition"
        MESSAGE_OUT = "message_out"
        MESSAGE_IN = "message_in"
        NOTE = "note"
        ASSIGNED = "assigned"
        ACTION = "action"
        MEMBER_ADDED = "member_added"
        TICKET = "ticket"
        SCHEDULED = "scheduled"
        OVERDUE = "overdue"
        ERROR = "error"
        CONTACT = "contact"  # a member's contact detail changed (careloop/cases/contact.py)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=100, blank=True, help_text="Who acted when it was not a user.")
    from_state = models.CharField(max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=CaseState.choices, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("CaseEvent rows are append-only: add a new event instead of changing one")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("CaseEvent rows are append-only: they go only when their case is deleted")


class ActionItem(models.Model):
    """One step of the fix, on the case's checklist."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{'[x]' if self.done_at else '[ ]'} {self.text}"


class OutboxMessage(models.Model):
    """A message to a member (or a public note in the thread), written before anything is sent.

    A worker claims a queued row with one conditional UPDATE, hands it to the source's connector and records
    the result. The idempotency key is stable per row and travels with the message, so a worker that died
    between sending and recording can ask the platform (`find_sent`) instead of sending again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNSURE = "unsure", "Unsure (check before retrying)"
        CANCELLED = "cancelled", "Cancelled"

    class Purpose(models.TextChoices):
        OUTREACH = "outreach"
        PUBLIC_NOTE = "public_note"
        CALL_OFFER = "call_offer"
        FOLLOW_UP = "follow_up"
        REMINDER = "reminder"
        CLOSING = "closing"
        WARNING = "warning"

    class Kind(models.TextChoices):
        PRIVATE = "private"
        PUBLIC_REPLY = "public_reply"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outbox")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRIVATE)
    channel = models.CharField(max_length=20, help_text="dm, email, call (offered by dm or e-mail) or public.")
    recipient = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(help_text="Not before then: the backoff after a temporary failure.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=255, blank=True, help_text="The platform's id of what was sent.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # No columns, and unset until a page asks: what a manager may still do (outbox.may_retry(), may_cancel())
    may_retry: bool
    may_cancel: bool

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["external_id"], name="outbox_external",
                         condition=~Q(external_id="")),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} for case {self.case_id} ({self.status})"


class InboundMessage(models.Model):
    """A member's private reply as read from the platform: kept even when it matches no case."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="inbound_messages")
    external_id = models.CharField(max_length=255)
    sender = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    at = models.DateTimeField()
    in_reply_to = models.CharField(max_length=255, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound")
    error = models.CharField(max_length=500, blank=True, help_text="Why it is not on a case, when it is not.")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="inbound_once"),
        ]

    def __str__(self) -> str:
        return f"reply {self.external_id} from {self.sender}"


class CannedResponse(models.Model):
    """A text the team keeps ready for the composer ("Offer a call"), in one language, with placeholders
    ({member_name}, {call_time}, ...) and bracketed prompts ("[a time that suits you]") the manager fills in.
    Edited in the settings page by managers and admins (careloop/cases/canned.py); seeded once from the message
    templates (the shipped ones and CARELOOP_TEMPLATES) the first time they are asked for."""

    name = models.CharField(max_length=100)
    language = models.CharField(max_length=8, default="en")
    body = models.TextField()
    template = models.CharField(max_length=40, blank=True,
                                help_text="The message template it was seeded from (outreach, call_offer, ...).")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label: str  # no column, and unset until canned.responses() sets what the composer's menu shows

    class Meta:
        ordering = ["language", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["language", "name"], name="canned_response_name_per_language")]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class Seeding(models.Model):
    """What was seeded once (name "canned_responses"): seeding again after the team deleted rows would bring
    them back."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A label the team puts on cases ("refund", "app 2.3"), in one colour of a small fixed palette; added and
    removed with careloop/cases/tags.py, each change an entry on the case's timeline."""

    class Colour(models.TextChoices):
        GREY = "grey", "Grey"
        BLUE = "blue", "Blue"
        GREEN = "green", "Green"
        YELLOW = "yellow", "Yellow"
        ORANGE = "orange", "Orange"
        RED = "red", "Red"
        PURPLE = "purple", "Purple"

    name = models.CharField(max_length=40, unique=True)
    colour = models.CharField(max_length=10, choices=Colour.choices, default=Colour.GREY)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceLevel(models.Model):
    """A service level the team set on the settings page (careloop/cases/service_levels.py), in hours.

    A row overrides CARELOOP_SERVICE_LEVELS (the environment's default, used while no row exists); a source's own
    settings ("service_levels" in its JSON) still win over both for that source."""

    name = models.CharField(max_length=40, unique=True)  # first_contact_hours, follow_up_hours
    hours = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.name} = {self.hours:g} h"


class Mention(models.Model):
    """A teammate named with @username in an internal note (careloop/cases/mentions.py): their notification in
    the app (read once they open it) and the e-mail that told them (sent once; why not, when it failed)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mentions")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="mentions",
                              help_text="The note that names them.")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    excerpt = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "recipient"], name="mention_once_per_note")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="mention_unread"),
                   models.Index(fields=["recipient", "-created_at"], name="mention_recent")]

    def __str__(self) -> str:
        return f"mention of user {self.recipient_id} on case {self.case_id}"


class ContactChange(models.Model):
    """A member's contact detail (e-mail address, phone) set by a teammate (careloop/cases/contact.py): who,
    when, old → new; the member page lists them, the member's cases show them on their timelines."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contact_changes")
    field = models.CharField(max_length=20)  # email, phone
    old = models.CharField(max_length=255, blank=True)
    new = models.CharField(max_length=255, blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field} of member {self.member_id}: {self.old!r} → {self.new!r}"
