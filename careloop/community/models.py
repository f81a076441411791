"""The community as careloop sees it: connected places (sources), the people in them, threads and posts.

Every row belongs to one source, and external ids are unique per source: the same id in two places names
two different things. Posts keep the platform's ids (external_id, parent_external_id) beside the database
links so that a reply can arrive before its parent and be linked when the parent comes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from careloop.community.keys import EmailKey, HandleKey, NameKey
from careloop.community.scores import COMPLAINT, TOXIC


class Source(models.Model):
    """A connected place: a forum, a chat server, a mailbox, a webhook, or files imported by hand."""

    class Kind(models.TextChoices):
        FILES = "files", "Files (import)"
        WEBHOOK = "webhook", "Generic webhook"
        MATRIX = "matrix", "Matrix"
        DISCOURSE = "discourse", "Discourse"
        EMAIL = "email", "E-mail"
        MASTODON = "mastodon", "Mastodon"
        SLACK = "slack", "Slack"

    name = models.SlugField(max_length=100, unique=True, help_text="The id used in imports (`source` field).")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FILES)
    display_name = models.CharField(max_length=200, blank=True)
    settings = models.JSONField(default=dict, blank=True, help_text="Connector settings for this place.")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.display_name or self.name


class Member(models.Model):
    """A person as one source knows them."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="members", db_index=False)
    external_id = models.CharField(max_length=255)
    handle = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=16, blank=True)
    is_team = models.BooleanField(
        default=False, help_text="Staff or moderator: speaks for the community, is never a case or a me-too."
    )
    first_seen_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="member_unique_per_source"),
        ]
        indexes = [
            models.Index(fields=["source", "handle"], name="member_handle"),
            # one person's other accounts (careloop/community/keys.py, careloop/cases/people.py)
            models.Index(EmailKey(), name="member_email_key"),
            models.Index(HandleKey(), name="member_handle_key"),
            models.Index(NameKey(), name="member_name_key"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.handle or self.external_id


class Thread(models.Model):
    """A conversation: a forum topic, a chat room's thread, an e-mail thread."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="threads", db_index=False)
    external_id = models.CharField(max_length=255)
    title = models.TextField(blank=True)
    url = models.CharField(max_length=2000, blank=True)
    channel = models.CharField(max_length=200, blank=True, help_text="Forum category or chat room.")
    started_at = models.DateTimeField(null=True, blank=True)
    last_post_at = models.DateTimeField(null=True, blank=True)
    post_count = models.PositiveIntegerField(default=0)
    level: str  # no column, and unset until a page that lists threads names its risk (high, medium, ...)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="thread_unique_per_source"),
        ]
        indexes = [models.Index(fields=["-last_post_at"], name="thread_recent")]

    def __str__(self) -> str:
        return self.title or f"{self.source.name}:{self.external_id}"


class Post(models.Model):
    """One message. Its text is hostile input: it is shown escaped, never trusted."""

    class Sentiment(models.TextChoices):
        NEGATIVE = "negative"
        NEUTRAL = "neutral"
        POSITIVE = "positive"

    # Foreign keys whose lookups a composite index below already serves carry no index of their own: every
    # index costs time on each of the millions of inserts.
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="posts", db_index=False)
    external_id = models.CharField(max_length=255)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts", db_index=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    parent_external_id = models.CharField(
        max_length=255, blank=True, help_text="The platform id of the post this answers; kept until it is linked."
    )
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="posts", db_index=False)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=2000, blank=True)
    language = models.CharField(max_length=16, blank=True)
    reactions = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Fields the import did not know; kept as given.")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Scores: written by listen (scoring); empty until scored, reset when the text changes.
    complaint = models.FloatField(null=True, blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    toxicity = models.FloatField(null=True, blank=True)
    scores = models.JSONField(null=True, blank=True, help_text="Every score with its details.")
    model_version = models.CharField(max_length=100, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    listened_at = models.DateTimeField(
        null=True, blank=True, help_text="When listening (case opening) last judged this post; None: still to do."
    )
    embedding = models.BinaryField(
        null=True, blank=True, editable=False, help_text="The post's sentence vector (float16), kept for judgments."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="post_unique_per_source"),
        ]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="post_thread_time"),
            models.Index(fields=["author", "created_at"], name="post_author_time"),
            models.Index(fields=["created_at"], name="post_time"),
            models.Index(
                fields=["source", "parent_external_id"],
                name="post_awaiting_parent",
                condition=Q(parent__isnull=True) & ~Q(parent_external_id=""),
            ),
            models.Index(fields=["scored_at"], name="post_unscored", condition=Q(scored_at__isnull=True)),
            models.Index(fields=["scored_at"], name="post_unlistened", condition=Q(listened_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.source.name}:{self.external_id}"

    @property
    def is_toxic(self) -> bool:
        """Its toxicity score reaches TOXIC (careloop.community.scores): the "toxic" tag on the pages."""
        return self.toxicity is not None and self.toxicity >= TOXIC

    @property
    def reads_as_complaint(self) -> bool:
        """Its complaint score reaches COMPLAINT (careloop.community.scores): the "complaint" tag on the pages."""
        return self.complaint is not None and self.complaint >= COMPLAINT


class PostRevision(models.Model):
    """An earlier text of an edited post: nothing a member once wrote is lost."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField(blank=True)
    edited_at = models.DateTimeField(null=True, blank=True, help_text="When this text was written or last edited.")
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["replaced_at", "id"]

    def __str__(self) -> str:
        return f"revision of post {self.post_id} from {self.edited_at or 'the first version'}"


class Interaction(models.Model):
    """Who replied to, mentioned or reacted to whom: the edges of the community graph."""

    class Kind(models.TextChoices):
        REPLY = "reply"
        MENTION = "mention"
        REACTION = "reaction"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="interactions", db_index=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="interactions_made", db_index=False)
    target = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="interactions_received", db_index=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="interactions", db_index=False)
    detail = models.CharField(max_length=100, blank=True, help_text="The reaction, e.g. +1.")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "kind", "actor", "target", "detail"], name="interaction_once"
            ),
        ]
        indexes = [
            models.Index(fields=["source", "created_at"], name="interaction_time"),
            models.Index(fields=["actor", "created_at"], name="interaction_actor"),
            models.Index(fields=["target", "created_at"], name="interaction_target"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: member {self.actor_id} -> member {self.target_id}"


class Person(models.Model):
    """One human behind accounts in several sources (a Matrix account, a forum account, an e-mail address), as a
    manager confirmed it. Linking groups Member rows and changes none of them: each account keeps its source, its
    posts and its cases, and an undo gives it back as it was. The steps are careloop/cases/people.py's."""

    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"person {self.pk}"


class PersonAccount(models.Model):
    """One account's place in a person now (an account belongs to one person at most)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="accounts")
    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="person_account")
    linked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"member {self.member_id} in person {self.person_id}"


class PersonLink(models.Model):
    """The record of every link and every undo: which account, to which other one, who, when and why. Kept after
    the undo (an undo is one more record, never a deletion)."""

    class Kind(models.TextChoices):
        LINKED = "linked"
        UNLINKED = "unlinked"

    class Basis(models.TextChoices):
        EMAIL = "email"  # the same e-mail address
        HANDLE = "handle"  # the same handle on another source
        NAME = "name"  # the same display name (a weak hint)
        BY_HAND = "by_hand"  # a manager's own judgment, no match behind it
        JOINED = "joined"  # came along: its person joined the other account's person

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="person_links")
    other = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    basis = models.CharField(max_length=10, choices=Basis.choices, blank=True)
    detail = models.CharField(max_length=300, blank=True, help_text="What matched: the address, handle or name.")
    note = models.CharField(max_length=500, blank=True, help_text="The manager's own words, if any.")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["person", "at"], name="person_link_time")]

    def __str__(self) -> str:
        return f"{self.kind}: member {self.member_id} with member {self.other_id}"
