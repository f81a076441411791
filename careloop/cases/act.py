"""Act: fix it, yourself or with a teammate — every step an event on the case's timeline.

- `start_acting(case, actor)`: reaching_out → acting (also happens by itself when the member answers).
- `assign(case, actor, to_user=None, team="")`: to yourself (neither given), a teammate, or a team.
- `add_note(case, actor, text)`: an internal note, never shown to the member; an @username in it tells that
  teammate (careloop/cases/mentions.py).
- `add_action_item(case, actor, text)` / `complete_action_item(item, actor)`: the checklist of the fix.
- `link_ticket(case, actor, url, title="")`: the external ticket (issue tracker, help desk), an http(s) address.
- `mark_action_done(case, actor, follow_up_after=None, reached_another_way="")`: acting → following_up; the
  follow-up question is scheduled (default CARELOOP_FOLLOW_UP_AFTER hours, or the source's
  "follow_up_after_hours"). Refused while no message reached the member, unless the manager says how they did.
- `dismiss(case, actor, reason, note="")`: not a complaint, duplicate, handled elsewhere, troll.
- `moderate(case, actor, warning=None, moderator=None, team="moderators", note="")`: the troll playbook, new
  cases only — no public reply, a private warning through the outbox, the case handed to a moderator (or the
  moderators' team). Every door has it: the case page's Act panel, `POST /api/cases/ID/moderate`,
  `careloop case moderate`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from careloop.cases import clock, mentions, state
from careloop.cases.models import ActionItem, Case, CaseEvent, CaseState, OutboxMessage
from careloop.cases.reach_out import draft, recipient_for
from careloop.cases.roles import AssignmentRefused, role_of, works_cases
from careloop.cases.state import DISMISS_REASONS, NotAllowed

Kind = CaseEvent.Kind


def start_acting(case: Case, actor=None, **details) -> CaseEvent:
    return state.transition(case, CaseState.ACTING, actor, **details)


def assign(case: Case, actor, to_user=None, team: str = "") -> CaseEvent:
    """Give the case to `to_user` and/or `team`; to the actor when neither is given."""
    if to_user is None and not team:
        to_user = actor
    if to_user is not None and not isinstance(to_user, get_user_model()):
        to_user = get_user_model().objects.get(username=to_user)
    with transaction.atomic():
        state.update_case(case, assignee=to_user, team=team[:100])
        return state.record(case, Kind.ASSIGNED, actor, to_user=to_user.get_username() if to_user else "",
                            team=team, self_assigned=to_user is not None and to_user == actor)


def add_note(case: Case, actor, text: str) -> CaseEvent:
    """An internal note. Each teammate it names with @username (careloop.cases.mentions) is on the note event
    ("mentions") and is told: a notification in the app and an e-mail, sent after the commit by the worker."""
    if not text.strip():
        raise ValueError("the note is empty")
    text = text.strip()
    names = mentions.mentioned(text, mentions.team_usernames()) if "@" in text else []
    with transaction.atomic():
        named: dict[str, Any] = {"mentions": names} if names else {}
        event = state.record(case, Kind.NOTE, actor, text=text, **named)
        mentions.notify(event, actor, names)
    return event


def add_action_item(case: Case, actor, text: str) -> ActionItem:
    if not text.strip():
        raise ValueError("the action item is empty")
    with transaction.atomic():
        item = ActionItem.objects.create(case=case, text=text.strip()[:500], created_at=clock.now(),
                                         created_by=actor if getattr(actor, "pk", None) else None)
        state.record(case, Kind.ACTION, actor, what="item_added", item=item.pk, text=item.text)
    return item


def complete_action_item(item: ActionItem, actor) -> ActionItem:
    if item.done_at:
        return item
    with transaction.atomic():
        item.done_at = clock.now()
        item.done_by = actor if getattr(actor, "pk", None) else None
        item.save(update_fields=["done_at", "done_by"])
        state.record(item.case, Kind.ACTION, actor, what="item_done", item=item.pk, text=item.text)
    return item


def link_ticket(case: Case, actor, url: str, title: str = "") -> CaseEvent:
    if not url.strip():
        raise ValueError("the ticket link is empty")
    if not url.strip().startswith(("http://", "https://")):  # shown as a link on the case page: no javascript:
        raise ValueError("a ticket link starts with http:// or https://")
    with transaction.atomic():
        state.update_case(case, ticket_url=url.strip()[:2000])
        return state.record(case, Kind.TICKET, actor, url=url.strip(), title=title)


def follow_up_delay(case: Case) -> timedelta:
    hours = (case.source.settings or {}).get("follow_up_after_hours", settings.CARELOOP_FOLLOW_UP_AFTER)
    return timedelta(hours=float(hours))


def mark_action_done(case: Case, actor, *, follow_up_after: timedelta | None = None, note: str = "",
                     reached_another_way: str = "") -> CaseEvent:
    """The fix is done: the case waits for the follow-up, scheduled `follow_up_after` from now.

    Refused (state.NothingReached) while every message to the member failed, unless `reached_another_way` says
    how the manager reached them instead; that is recorded with the move."""
    delay = follow_up_after if follow_up_after is not None else follow_up_delay(case)
    details: dict = {"note": note}
    if reached_another_way.strip():
        details[state.REACHED_ANOTHER_WAY] = reached_another_way.strip()[:500]
    with transaction.atomic():
        if case.state == CaseState.REACHING_OUT:
            start_acting(case, actor)
        details["open_items"] = case.action_items.filter(done_at__isnull=True).count()
        due = clock.now() + delay
        event = state.transition(case, CaseState.FOLLOWING_UP, actor, **details,
                                 fields={"follow_up_due_at": due, "follow_up_sent_at": None, "reminded_at": None})
        state.record(case, Kind.SCHEDULED, actor, what="follow_up", due_at=due)
    return event


def dismiss(case: Case, actor, reason: str, note: str = "") -> CaseEvent:
    """Close the case without a fix. "not_complaint" corrects careloop: the event carries the label and the
    post (its id, platform id and text as judged), which careloop.cases.corrections reads back for training."""
    if reason not in DISMISS_REASONS:
        raise NotAllowed(f"unknown reason {reason!r}; dismiss with one of {', '.join(DISMISS_REASONS)}")
    details: dict = {"reason": reason, "note": note}
    if reason == "not_complaint":
        post = case.post if case.post_id else None
        details.update(label="not_complaint", post=case.post_id,
                       external_id=post.external_id if post else "", text=post.text if post else "")
    return state.transition(case, CaseState.DISMISSED, actor, **details)


def moderate(case: Case, actor, *, warning: str | None = None, moderator=None, team: str = "moderators",
             note: str = "") -> CaseEvent:
    """The troll playbook: no public reply; a private warning; escalation to a moderator (or their team).

    `warning` None: the "warning" template, filled in; "" sends none. `moderator` a user (or username) who works
    cases, else the case goes to `team`. Refused: NotAllowed for a case that is not new, AssignmentRefused for a
    moderator who cannot work cases (a viewer, or inactive)."""
    from careloop.cases import outbox

    if case.state != CaseState.NEW:
        raise NotAllowed(f"case {case.pk} is {case.state}; the troll playbook applies to new cases only")
    if moderator is not None and not isinstance(moderator, get_user_model()):
        moderator = get_user_model().objects.get(username=moderator)
    if moderator is not None and not works_cases(moderator):
        raise AssignmentRefused(f"{moderator.get_username()} cannot work cases (role: "
                                f"{role_of(moderator) or 'inactive'}); hand the case to a moderator who does")
    text = warning if warning is not None else draft(case, "warning", actor).text
    with transaction.atomic():
        event = state.transition(case, CaseState.MODERATED, actor, note=note, team=team, fields={"channel": "dm"})
        if text.strip():
            outbox.enqueue(case, purpose=OutboxMessage.Purpose.WARNING, body=text.strip(), channel="dm",
                           recipient=recipient_for(case, "dm"), actor=actor)
        assign(case, actor, to_user=moderator, team=team if moderator is None else "")
    return event
