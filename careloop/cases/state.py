"""The case state machine, with one door: `transition()`.

    new ──► reaching_out ──► acting ──► following_up ──► resolved
                               ▲              │              │
                               └── not satisfied (loop+1) ◄──┘ reopened: same member, same thing, in the window
    new ──► moderated          (troll playbook: no public reply, a private warning, a moderator)
    any open state ──► dismissed (not a complaint, duplicate, handled elsewhere, troll)
    dismissed ──► new / reaching_out / acting   (reopened by a person: steps.reopen, back where it was dismissed)
    resolved ──► acting                          (reopened: by listening, or by a person with steps.reopen)

Every change of state goes through `transition()`, which locks the case row, checks the table `ALLOWED`,
and writes the CaseEvent in the same database transaction; an event's time is never earlier than the one
before it on the same case. Other timeline entries (notes, messages, assignments) go through `record()`,
which keeps the same guarantees.

Functions others call:
- `open_case(source=, member=, post=, thread=, topic=, summary=, reasons=, risk=, language=, severity=, origin=,
  actor=, details=)` → a new case (waiting since its post; its origin the post unless another is named); `actor`
  the person who opened it by hand (steps.open_from_post), `details` more facts on its OPENED event.
- `add_affected_member(case, member, post=None)` → True if the member was not on the case yet.
- `transition(case, to, actor=None, actor_label="", fields=None, **details)` → the CaseEvent; raises `NotAllowed`
  (`fields`: other case fields changed with the state, in the same transaction).
- `find_reopenable(member, topic="")` → a resolved case of this member still inside the reopen window.
- `record(case, kind, actor=None, actor_label="", **details)` → a timeline entry that is not a state change.
- `nothing_reached(case)` → why no message reached the member ("" when one did); moving such a case to
  following up or resolved raises `NothingReached` unless the move says how the member was reached
  (`reached_another_way="by phone"`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from careloop.cases import clock
from careloop.cases.models import OPEN_STATES, AffectedMember, Case, CaseEvent, CaseState, OutboxMessage

S = CaseState
ALLOWED: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.REACHING_OUT, S.DISMISSED, S.MODERATED}),
    S.REACHING_OUT: frozenset({S.ACTING, S.DISMISSED}),
    S.ACTING: frozenset({S.FOLLOWING_UP, S.DISMISSED}),
    S.FOLLOWING_UP: frozenset({S.RESOLVED, S.ACTING, S.DISMISSED}),
    S.RESOLVED: frozenset({S.ACTING}),
    S.DISMISSED: frozenset({S.NEW, S.REACHING_OUT, S.ACTING}),  # reopened (steps.reopen): an undo
    S.MODERATED: frozenset(),
}
CLOSED_STATES = (S.RESOLVED, S.DISMISSED, S.MODERATED)
DISMISS_REASONS = ("not_complaint", "duplicate", "handled_elsewhere", "troll")


class NotAllowed(Exception):
    """A move the table does not allow, or one missing what it needs (e.g. a reason to dismiss)."""


class NothingReached(NotAllowed):
    """The fix cannot be called done, nor the member satisfied, while every message to the member failed."""


# Moves that say the member was looked after: refused while nothing reached them (see nothing_reached()), unless
# the move's details carry REACHED_ANOTHER_WAY: how the manager did reach them (by phone, in person). That
# override is on the timeline with the move, and holds for the case's later moves.
REACH_CHECKED = (S.FOLLOWING_UP, S.RESOLVED)
REACHED_ANOTHER_WAY = "reached_another_way"
_IN_FLIGHT = (OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING)
_FAILED = (OutboxMessage.Status.FAILED, OutboxMessage.Status.UNSURE)


def nothing_reached(case: Case) -> str:
    """Why no message reached the member, or "" when one did (or none was tried, or one is still on its way).

    Nothing reached them when the case's private messages all failed (or are unsure, or were stopped), at least
    one failed, and no move of the case recorded that the manager reached the member another way."""
    private = OutboxMessage.objects.filter(case_id=case.pk, kind=OutboxMessage.Kind.PRIVATE)
    statuses = set(private.values_list("status", flat=True).distinct())
    if not statuses & set(_FAILED) or OutboxMessage.Status.SENT in statuses or statuses & set(_IN_FLIGHT):
        return ""
    if CaseEvent.objects.filter(case_id=case.pk, details__has_key=REACHED_ANOTHER_WAY).exists():
        return ""
    failed = private.filter(status__in=_FAILED).order_by("-id")
    last = failed.values_list("last_error", flat=True).first() or ""
    n = failed.count()
    return (f"no message reached the member ({n} failed" + (f"; the last: {last}" if last else "") + ")")


def _label(actor: Any, actor_label: str) -> str:
    if actor_label:
        return actor_label
    return getattr(actor, "get_username", lambda: "")() if actor is not None else ""


def _next_time(case: Case) -> datetime:
    """Now, or the time of the case's latest event if the clock went back: timelines never run backwards."""
    now = clock.now()
    last = CaseEvent.objects.filter(case_id=case.pk).order_by("-at", "-id").values_list("at", flat=True).first()
    return max(now, last) if last else now


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _event(case: Case, kind: str, actor: Any, actor_label: str, details: dict, **fields: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=_next_time(case), kind=kind, actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor, actor_label), details=_jsonable(details), **fields,
    )


def _jsonable(details: dict) -> dict:
    out = {}
    for key, value in details.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple | set | frozenset):
            value = list(value)
        out[key] = value
    return out


def record(case: Case, kind: str, actor: Any = None, *, actor_label: str = "", **details: Any) -> CaseEvent:
    """Add a timeline entry that does not change the state (note, message, assignment, error)."""
    if kind in (CaseEvent.Kind.TRANSITION, CaseEvent.Kind.OPENED):
        raise NotAllowed("state changes go through transition(), openings through open_case()")
    with transaction.atomic():
        _lock(case)
        return _event(case, kind, actor, actor_label, details)


def transition(case: Case, to: str, actor: Any = None, *, actor_label: str = "", fields: dict | None = None,
               **details: Any) -> CaseEvent:
    """Move `case` to state `to`, writing its TRANSITION event in the same transaction: the one door.

    Raises NotAllowed for a move outside the table (the case is left as it was). `details` land on the
    event (e.g. reason="duplicate", reopened=True); `fields` are other case fields set in the same transaction
    (due times, channel, satisfaction). Updates `case` in place.
    """
    details = dict(details)
    fields = dict(fields or {})
    to = CaseState(to) if to in CaseState.values else to
    with transaction.atomic():
        locked = _lock(case)
        current = locked.state
        if to not in CaseState.values:
            raise NotAllowed(f"case {case.pk}: there is no state {to!r}; states are {', '.join(CaseState.values)}")
        if to not in ALLOWED[current]:
            allowed = ", ".join(sorted(ALLOWED[current])) or "none (it is closed for good)"
            raise NotAllowed(f"case {case.pk} is {current}; it cannot move to {to} (from {current}: {allowed})")
        if current == S.DISMISSED and details.get("reopened") is not True:
            raise NotAllowed(f"case {case.pk} is dismissed: it moves again only when reopened, with why "
                             "(careloop.cases.steps.reopen)")
        if to == S.DISMISSED and details.get("reason") not in DISMISS_REASONS:
            raise NotAllowed(f"dismissing case {case.pk} needs a reason: one of {', '.join(DISMISS_REASONS)}")
        if to in REACH_CHECKED and not str(details.get(REACHED_ANOTHER_WAY) or "").strip():
            details.pop(REACHED_ANOTHER_WAY, None)
            if why := nothing_reached(locked):
                raise NothingReached(f"case {case.pk}: {why}. Retry the message once its cause is fixed, or, if "
                                     "you reached the member another way, say how (by phone, in person)")
        event = _event(locked, CaseEvent.Kind.TRANSITION, actor, actor_label, details,
                       from_state=current, to_state=to)
        locked.state = to
        changed = {"state", "updated_at", "overdue_at", "overdue_reason"}
        locked.overdue_at = None  # progress clears the overdue flag; the sweep sets it again if still late
        locked.overdue_reason = ""
        if to in CLOSED_STATES:
            locked.closed_at = event.at
            locked.follow_up_due_at = None
            changed |= {"closed_at", "follow_up_due_at"}
        elif current in CLOSED_STATES:
            locked.closed_at = None
            changed.add("closed_at")
        if to == S.ACTING and current in (S.FOLLOWING_UP, S.RESOLVED):
            locked.loop_count += 1
            locked.follow_up_due_at = None
            locked.follow_up_sent_at = None
            locked.reminded_at = None
            changed |= {"loop_count", "follow_up_due_at", "follow_up_sent_at", "reminded_at"}
        for name, value in fields.items():
            setattr(locked, name, value)
            changed.add(name)
        locked.save(update_fields=sorted(changed))
    for name in changed:
        setattr(case, name, getattr(locked, name))
    return event


def update_case(case: Case, **fields: Any) -> None:
    """Set fields of a case that are not its state (never `state`: that is transition()'s job)."""
    if "state" in fields:
        raise NotAllowed("the state changes only through transition()")
    for name, value in fields.items():
        setattr(case, name, value)
    Case.objects.filter(pk=case.pk).update(**fields, updated_at=clock.now())


def open_case(*, source, member, post=None, thread=None, topic: str = "", summary: str = "",
              reasons: Iterable[str] = (), risk: float | None = None, language: str = "",
              actor_label: str = "careloop", severity: int = 0, origin=None, actor: Any = None,
              details: dict | None = None) -> Case:
    """Open a case for `member` (state new): an OPENED event, and the member on it as the complainer.

    `severity` 1 minor, 2 a real problem, 3 urgent (0: not judged, or toxic language only: the moderation lane);
    the case waits for the team since its post was written."""
    if thread is None and post is not None:
        thread = post.thread
    with transaction.atomic():
        case = Case.objects.create(
            source=source, member=member, post=post, thread=thread, topic=topic[:200], summary=summary,
            reasons=list(reasons), risk=risk, language=language or getattr(member, "language", "") or "",
            opened_at=clock.now(), severity=severity, origin=origin or post,
            waiting_since=post.created_at if post is not None else None,
        )
        CaseEvent.objects.create(case=case, at=case.opened_at, kind=CaseEvent.Kind.OPENED,
                                 actor=actor if getattr(actor, "pk", None) else None,
                                 actor_label=_label(actor, actor_label if actor is None else ""),
                                 to_state=S.NEW, details=_jsonable({"reasons": list(case.reasons), "topic": topic,
                                                                    "post": post.pk if post else None,
                                                                    "severity": severity, **(details or {})}))
        AffectedMember.objects.create(case=case, member=member, post=post, role=AffectedMember.Role.COMPLAINER)
    return case


def add_affected_member(case: Case, member, post=None, *, actor_label: str = "careloop") -> bool:
    """Put `member` on the case ("me too"); False when they were already on it."""
    try:
        with transaction.atomic():
            _lock(case)
            AffectedMember.objects.create(case=case, member=member, post=post, role=AffectedMember.Role.AFFECTED)
            _event(case, CaseEvent.Kind.MEMBER_ADDED, None, actor_label,
                   {"member": member.pk, "post": post.pk if post else None})
    except IntegrityError:
        return False
    return True


def find_reopenable(member, topic: str = "", now: datetime | None = None) -> Case | None:
    """The member's latest resolved case, closed within CARELOOP_REOPEN_WINDOW hours, about the same topic
    (any topic when `topic` is empty). The caller reopens it with `follow_up.reopen()`."""
    now = now or clock.now()
    since = now - timedelta(hours=settings.CARELOOP_REOPEN_WINDOW)
    cases = Case.objects.filter(member=member, state=S.RESOLVED, closed_at__gte=since)
    if topic:
        cases = cases.filter(topic__iexact=topic[:200])
    return cases.order_by("-closed_at").first()


def is_open(state: str) -> bool:
    return state in OPEN_STATES
