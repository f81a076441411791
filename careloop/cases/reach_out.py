"""Reach out: offer the member a private conversation, without judging.

- `draft_outreach(case, language=None, template="outreach", manager=None, call_time="")` → a `Draft`: the
  filled template (the member's name, a quote of their post, the manager's name) and its tone findings.
- `reach_out(case, actor, body, channel="dm", public_note=None, ...)` → the queued private message. Moves a
  new case to reaching_out and puts the message (and, when asked, the short public note in the thread) in
  the outbox. Channels: "dm" (the platform's private message), "email" (the member's address, from their
  profile), "call" (an offer of a call at a proposed time, sent by private message).
- `send_private_message(case, actor, body, purpose=...)` → another private message on an open case, on the
  channel the case uses.
- `draft_public_note(case, ...)`, `context(case, actor)`: the pieces the web UI shows.

Bad input raises `ReachOutError` with a sentence a manager can act on; nothing is queued then. That includes a
message that still holds a placeholder to fill in ("[a time that suits you]", a raw "{member_name}").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from careloop.cases import outbox, state
from careloop.cases.models import Case, CaseState, OutboxMessage
from careloop.cases.templates import TemplateError, render, unfilled
from careloop.cases.tone import Finding, check_tone

CHANNELS = ("dm", "email", "call")
Purpose = OutboxMessage.Purpose


class ReachOutError(ValueError):
    """A message that cannot be queued as asked (no address, closed case, empty text, unknown channel)."""


@dataclass(frozen=True)
class Draft:
    template: str
    language: str
    text: str
    findings: list[Finding] = field(default_factory=list)


def manager_name(actor) -> str:
    if actor is None:
        return ""
    full = getattr(actor, "get_full_name", lambda: "")()
    return full or getattr(actor, "get_short_name", lambda: "")() or actor.get_username()


def language_of(case: Case, language: str | None = None) -> str:
    return (language or case.language or case.member.language or "en").split("-")[0].lower()


def context(case: Case, actor=None, **extra: str) -> dict[str, str]:
    """The values of the placeholders for this case."""
    member = case.member
    values = {
        "member_name": member.display_name or member.handle or member.external_id,
        "quote": case.post.text if case.post else case.summary,
        "manager_name": manager_name(actor) or "the team",
        "community": case.source.display_name or case.source.name,
    }
    values.update({k: v for k, v in extra.items() if v})
    return values


def draft(case: Case, template: str, actor=None, language: str | None = None, **extra: str) -> Draft:
    """Any template filled for this case, with its tone findings. Raises TemplateError for a broken template."""
    rendered = render(template, language_of(case, language), **context(case, actor, **extra))
    return Draft(template=template, language=rendered.language, text=rendered.text,
                 findings=check_tone(rendered.text, rendered.language))


def draft_outreach(case: Case, language: str | None = None, template: str = "outreach", manager=None,
                   call_time: str = "") -> Draft:
    if template == "call_offer" and not call_time:
        raise ReachOutError("a call offer needs a proposed time (call_time), e.g. \"Tuesday at 15:00\"")
    return draft(case, template, manager, language, call_time=call_time)


def draft_public_note(case: Case, language: str | None = None, manager=None) -> Draft:
    return draft(case, "public_note", manager, language)


def recipient_for(case: Case, channel: str) -> str:
    """Where a private message on `channel` goes: the member's platform id, or their e-mail address."""
    member = case.member
    if channel == "email":
        address = (member.extra or {}).get("email", "")
        if not address:
            raise ReachOutError(f"member {member} has no e-mail address in their profile; reach out by private "
                                "message (dm) instead, or add the address")
        return address
    return member.external_id


def check_filled(body: str) -> None:
    """Refuse a message that still holds a placeholder the manager was to fill in ("[a time that suits you]")."""
    left = unfilled(body or "")
    if left:
        raise ReachOutError(f"the message still has {'a placeholder' if len(left) == 1 else 'placeholders'} to fill "
                            f"in: {', '.join(left)}; replace {'it' if len(left) == 1 else 'them'} with what you "
                            "mean before sending")


def reach_out(case: Case, actor, body: str, channel: str = "dm", *, public_note: str | None = None,
              subject: str = "", call_time: str = "") -> OutboxMessage:
    """Send the first private message (or another one while reaching out), and optionally the public note.

    The case moves new → reaching_out in the same transaction as the outbox rows; the worker sends them.
    """
    if channel not in CHANNELS:
        raise ReachOutError(f"unknown channel {channel!r}; choose one of {', '.join(CHANNELS)}")
    if not body or not body.strip():
        raise ReachOutError("the message is empty; write what you want to say to the member")
    if case.state not in (CaseState.NEW, CaseState.REACHING_OUT):
        raise ReachOutError(f"case {case.pk} is {case.state}; reaching out happens on new cases "
                            "(send a private message instead)")
    check_filled(body)
    check_filled(public_note or "")
    recipient = recipient_for(case, channel)
    purpose = Purpose.CALL_OFFER if channel == "call" else Purpose.OUTREACH
    with transaction.atomic():
        if case.state == CaseState.NEW:
            state.transition(case, CaseState.REACHING_OUT, actor, channel=channel, call_time=call_time,
                             fields={"channel": channel})
        message = outbox.enqueue(case, purpose=purpose, body=body.strip(), channel=channel, recipient=recipient,
                                 subject=subject or _subject(case), actor=actor)
        if public_note:
            outbox.enqueue(case, purpose=Purpose.PUBLIC_NOTE, body=public_note.strip(), channel="public",
                           kind=OutboxMessage.Kind.PUBLIC_REPLY, actor=actor)
    return message


def send_private_message(case: Case, actor, body: str, *, purpose: str = Purpose.OUTREACH,
                         channel: str | None = None, subject: str = "") -> OutboxMessage:
    """One more private message to the member on an open case (a question while acting, an update)."""
    if not case.is_open:
        raise ReachOutError(f"case {case.pk} is {case.state}; reopen it before writing to the member")
    if not body or not body.strip():
        raise ReachOutError("the message is empty; write what you want to say to the member")
    channel = channel or case.channel or "dm"
    if channel not in CHANNELS:
        raise ReachOutError(f"unknown channel {channel!r}; choose one of {', '.join(CHANNELS)}")
    check_filled(body)
    return outbox.enqueue(case, purpose=purpose, body=body.strip(), channel=channel,
                          recipient=recipient_for(case, channel), subject=subject or _subject(case), actor=actor)


def send_template(case: Case, template: str, actor=None, *, purpose: str | None = None) -> OutboxMessage:
    """Fill `template` for the case and queue it on the case's channel (follow-up, reminder, closing)."""
    text = draft(case, template, actor or case.assignee).text
    channel = case.channel if case.channel in ("dm", "email") else "dm"
    return send_private_message(case, actor, text, purpose=purpose or template, channel=channel)


def _subject(case: Case) -> str:
    topic = case.topic or (case.thread.title if case.thread else "")
    return f"About your post: {topic}"[:300] if topic else "About your post"


__all__ = ["CHANNELS", "Draft", "ReachOutError", "TemplateError", "check_filled", "draft", "draft_outreach",
           "draft_public_note", "reach_out", "recipient_for", "send_private_message", "send_template"]
