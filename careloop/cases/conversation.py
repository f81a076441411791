"""A case's private conversation with its member, as a conversation: what the team wrote and what the member
answered, in the order it was said, after the public post it started from.

`conversation(case)` only reads. The team's side is the case's private outbox rows (each with its delivery
status, and the error when it did not arrive); the member's side is the case's MESSAGE_IN events (a reply read
from the platform, or one a teammate pasted because it came another way: by phone, e-mail, in person). The case
page draws it as chat bubbles and the API's case detail returns it (careloop/api/serialize.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from careloop.cases.models import Case, CaseEvent, OutboxMessage
from careloop.cases.outbox import RETRYABLE, UNSTOPPABLE

POST = "post"  # the member's public post the case began with
TEAM = "team"  # a private message from the team to the member
MEMBER = "member"  # the member's private reply
NOTE = "note"  # an internal note of the team (conversation(case, notes=True)): never shown to the member



@dataclass
class Turn:
    """One thing said in the conversation.

    side: POST, TEAM or MEMBER. author: who wrote it (the member's name; the teammate's username, or
    "careloop" for a message the case loop sent by itself). For TEAM turns: channel (dm, email, call), purpose
    (outreach, follow_up, ...), status (queued, sending, sent, failed, unsure, cancelled), error (why it did not
    arrive), message_id (the outbox row, for a retry). For MEMBER turns: channel (dm or email when it was read from
    the platform; phone, email, in_person or "" as the teammate who recorded it said), recorded_by (that teammate)
    and rating. For NOTE turns (asked for with notes=True): author the teammate, mentions who it names.
    """

    side: str
    at: datetime
    author: str
    body: str
    channel: str = ""
    purpose: str = ""
    status: str = ""
    error: str = ""
    sent_at: datetime | None = None
    message_id: int | None = None
    recorded_by: str = ""
    rating: int | None = None
    post_id: int | None = None
    mentions: list[str] = field(default_factory=list)  # a NOTE's @mentioned teammates (careloop.cases.mentions)

    @property
    def from_team(self) -> bool:
        return self.side == TEAM

    @property
    def failed(self) -> bool:
        """Did not arrive (failed, or unsure whether it did): it may be retried (outbox.may_retry)."""
        return self.side == TEAM and self.status in RETRYABLE

    @property
    def may_cancel(self) -> bool:
        """Not out and not with a worker: it may still be stopped (outbox.may_cancel)."""
        return self.side == TEAM and self.status not in UNSTOPPABLE

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (times in ISO 8601), for the API."""
        out: dict[str, Any] = {"side": self.side, "at": self.at.isoformat(), "author": self.author, "body": self.body}
        if self.side == POST:
            out["post_id"] = self.post_id
        elif self.side == NOTE:
            out["mentions"] = list(self.mentions)
        elif self.side == TEAM:
            out.update(message_id=self.message_id, channel=self.channel, purpose=self.purpose, status=self.status,
                       error=self.error, sent_at=self.sent_at.isoformat() if self.sent_at else None)
        else:
            out.update(channel=self.channel, recorded_by=self.recorded_by, rating=self.rating)
        return out


def _when(value: Any, default: datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return default
        return parsed if parsed.tzinfo else default
    return default


def conversation(case: Case, *, notes: bool = False) -> list[Turn]:
    """The public post the case started from, then the private messages both ways, oldest first; with `notes`,
    the team's internal notes among them where they were written (the case page draws them apart, as notes).

    A team message is placed when it was written (a retry does not move it); a member's reply when the member
    wrote it (the platform's time), else when it was recorded. Public notes in the thread are not part of it:
    they are in the thread."""
    turns: list[Turn] = []
    post = case.post
    if post is not None:
        turns.append(Turn(POST, post.created_at, str(post.author), post.text, channel="public", post_id=post.pk))
    for m in case.outbox.filter(kind=OutboxMessage.Kind.PRIVATE).select_related("created_by"):
        author = m.created_by.get_username() if m.created_by_id and m.created_by else "careloop"
        error = m.last_error if m.status != OutboxMessage.Status.SENT else ""
        turns.append(Turn(TEAM, m.created_at, author, m.body, channel=m.channel, purpose=m.purpose, status=m.status,
                          error=error, sent_at=m.sent_at, message_id=m.pk))
    replies = list(case.events.filter(kind=CaseEvent.Kind.MESSAGE_IN).select_related("actor"))
    platform_ids = [e.details.get("external_id") for e in replies
                    if isinstance(e.details, dict) and e.details.get("external_id")]
    via: dict[Any, str] = dict(case.inbound.filter(external_id__in=platform_ids).values_list(
        "external_id", "source__kind")) if platform_ids else {}
    for e in replies:
        d = e.details if isinstance(e.details, dict) else {}
        recorded_by = str(d.get("recorded_by") or (e.actor.get_username() if e.actor_id and e.actor else ""))
        channel = str(d.get("came_by") or "") if recorded_by else ""
        if not recorded_by:  # read from the platform: an e-mail source's reply came by e-mail, any other by DM
            channel = "email" if via.get(d.get("external_id")) == "email" else "dm"
        rating = d.get("rating") if isinstance(d.get("rating"), int) else None
        turns.append(Turn(MEMBER, _when(d.get("at_platform"), e.at), e.actor_label or str(case.member),
                          str(d.get("body") or ""), channel=channel, recorded_by=recorded_by, rating=rating))
    if notes:
        for e in case.events.filter(kind=CaseEvent.Kind.NOTE).select_related("actor"):
            d = e.details if isinstance(e.details, dict) else {}
            author = e.actor.get_username() if e.actor_id and e.actor else (e.actor_label or "careloop")
            turns.append(Turn(NOTE, e.at, author, str(d.get("text") or ""),
                              mentions=[str(n) for n in d.get("mentions") or []]))
    first, rest = (turns[:1], turns[1:]) if post is not None else ([], turns)
    rest.sort(key=lambda t: t.at)  # stable: same time, the order above (team before member)
    return first + rest
