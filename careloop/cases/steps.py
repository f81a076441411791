"""What every door (web page, API, command line) shares about doing a step of the case loop.

The steps themselves are the plain functions of reach_out, act, follow_up and outbox; a door calls them directly
(an IDE and a reader can follow a click into them) and treats their refusals alike: REFUSED are the exceptions that
mean "not done, and here is why in words" (a move the state machine does not allow, input a step will not take, a
platform that cannot do it), never a crash. The rules a door would otherwise re-code live here once.

- `write_to_member(case, actor, body, channel=None, ...)`: the first outreach, or one more private message.
- `reopen(case, actor, why)`: a dismissed or resolved case open again, through the state machine's one door: a
  dismissed case goes back to where it was dismissed (new, reaching out, acting; following up → acting), a
  resolved one to acting (a new loop). Who and why are on the move's event; undoing a "not a complaint"
  dismissal withdraws its correction label (careloop.cases.corrections leaves it out).
- `open_from_post(post, actor, why="", topic="", severity=2)`: a case opened by hand about a post (its post and
  origin), recorded as opened by that person; refused (AlreadyCovered) while an open case covers the post.
Both ask the role rule (careloop.cases.roles) themselves: PermissionDenied for a role that may not.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from careloop.cases import state
from careloop.cases.corrections import LABEL
from careloop.cases.models import OPEN_STATES, TEXT_CHARS, Case, CaseEvent, CaseState, OutboxMessage
from careloop.cases.reach_out import ReachOutError, reach_out, send_private_message
from careloop.cases.roles import Action, can, require_on_case
from careloop.cases.state import NotAllowed
from careloop.community.models import Post
from careloop.connectors.base import ConnectorError

REFUSED: tuple[type[Exception], ...] = (NotAllowed, ConnectorError, ValueError, LookupError)


def write_to_member(case: Case, actor: Any, body: str, channel: str | None = None, *,
                    public_note: str | None = None, subject: str = "", call_time: str = "") -> OutboxMessage:
    """A private message to the case's member: the first outreach while the case is new or reaching out (it may
    come with a public note in the thread and a call time), otherwise one more message on the open case. `channel`
    None: the case's channel, else a platform DM."""
    channel = channel or case.channel or "dm"
    if case.state in (CaseState.NEW, CaseState.REACHING_OUT):
        return reach_out(case, actor, body, channel, public_note=public_note or None, subject=subject,
                         call_time=call_time)
    if public_note or call_time:
        raise ReachOutError(f"case {case.pk} is {case.state}: a note in the thread and a call time go with the "
                            "first outreach only")
    return send_private_message(case, actor, body, channel=channel, subject=subject)


class AlreadyCovered(NotAllowed):
    """An open case already covers the post: work that one (its id is `case_id`)."""

    def __init__(self, message: str, case_id: int) -> None:
        super().__init__(message)
        self.case_id = case_id


REOPENABLE = (CaseState.DISMISSED, CaseState.RESOLVED)


def _why(why: str, what: str) -> str:
    why = (why or "").replace("\r\n", "\n").strip()
    if not why:
        raise ValueError(f"say why you {what}: a few words for the timeline")
    if len(why) > TEXT_CHARS or "\x00" in why:
        raise ValueError(f"the reason is too long (at most {TEXT_CHARS:,} characters) or holds a NUL character")
    return why


def reopen(case: Case, actor: Any, why: str) -> CaseEvent:
    """Open a dismissed or resolved case again (the undo of a dismissal, or a fix that did not hold).

    A dismissed case returns to the state it was dismissed from (following up → acting: its follow-up was
    dropped when it closed); a resolved case goes to acting, one more loop. The move's event says who, why
    (`note`), `reopened` and, for a dismissal, which event it undoes (`undoes`) and the correction label it
    withdraws (`withdrawn_label`). Refused (NotAllowed) for an open or a moderated case, or without a why."""
    require_on_case(actor, Action.REOPEN, case)
    why = _why(why, "reopen the case")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state not in REOPENABLE:
            raise NotAllowed(f"case {case.pk} is {locked.state}: only a dismissed or a resolved case can be reopened"
                             + (" (a moderated case stays with the moderators)"
                                if locked.state == CaseState.MODERATED else ""))
        details: dict[str, Any] = {"reopened": True, "by_hand": True, "note": why}
        to: str = CaseState.ACTING
        if locked.state == CaseState.DISMISSED:
            dismissal = (CaseEvent.objects.filter(case_id=case.pk, kind=CaseEvent.Kind.TRANSITION,
                                                  to_state=CaseState.DISMISSED).order_by("-at", "-id").first())
            before = dismissal.from_state if dismissal else CaseState.NEW
            to = before if before in (CaseState.NEW, CaseState.REACHING_OUT, CaseState.ACTING) else CaseState.ACTING
            if dismissal is not None:
                d = dismissal.details or {}
                details["undoes"] = dismissal.pk
                details["dismissed_as"] = d.get("reason", "")
                if d.get("label") == LABEL or d.get("reason") == LABEL:
                    details["withdrawn_label"] = LABEL
        return state.transition(case, to, actor, **details)


def covering_case(post: Post) -> Case | None:
    """The open case that covers `post`: the post that raised it, where it began, or a "me too" on it."""
    return (Case.objects.filter(state__in=OPEN_STATES)
            .filter(Q(post=post) | Q(origin=post) | Q(affected__post=post))
            .order_by("opened_at", "id").first())


def open_from_post(post: Post, actor: Any, why: str = "", *, topic: str = "", severity: int = 2) -> Case:
    """Open a case by hand about `post`: its member the post's author, its post and origin the post, the OPENED
    event by `actor` (with `by_hand` and the why). `severity` 1 minor, 2 a real problem (the default: a person
    judged it one), 3 urgent. Refused: AlreadyCovered while an open case covers the post; NotAllowed for a
    post of the team's own (staff or moderators are never a case); PermissionDenied for a viewer."""
    if not can(actor, Action.OPEN):
        raise PermissionDenied("your role may not open a case")
    why = (why or "").replace("\r\n", "\n").strip()
    if len(why) > TEXT_CHARS or "\x00" in why:
        raise ValueError(f"the reason is too long (at most {TEXT_CHARS:,} characters) or holds a NUL character")
    if severity not in (1, 2, 3):
        raise ValueError("severity is 1 (minor), 2 (a real problem) or 3 (urgent)")
    who = actor.get_username()
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("author", "thread", "source").get(pk=post.pk)
        if post.author.is_team:
            raise NotAllowed(f"post {post.pk} is by {post.author}, who speaks for the team: the team's own posts "
                             "are never a case")
        covered = covering_case(post)
        if covered is not None:
            raise AlreadyCovered(f"post {post.pk} is already covered by open case {covered.pk} ({covered.state}): "
                                 f"work that case instead", covered.pk)
        reasons = [f"opened by hand by {who}"] + ([why] if why else [])
        return state.open_case(source=post.source, member=post.author, post=post, thread=post.thread,
                               topic=topic.strip()[:200], summary=why, reasons=reasons, severity=severity,
                               language=post.language or post.author.language, origin=post, actor=actor,
                               details={"by_hand": True, "note": why})
