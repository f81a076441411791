"""Follow up: check back until the member is satisfied; and the service levels that say a case is late.

- `wake_due(now=None)`: what the scheduler runs. For each case whose due time has come: send the follow-up
  question; no reply by the next due time → one reminder; still none → the case is overdue. Also flags
  cases past their service levels (time to first private contact, time to follow up) and tells managers
  (e-mail to CARELOOP_MANAGER_EMAILS and the assignee, and a POST to CARELOOP_NOTIFY_WEBHOOK), once per
  lateness. Due times live in the database; a restarted worker picks up where the last one stopped.
- `send_follow_up(case, actor=None)`: ask now instead of waiting (also the manager's retry).
- `record_member_reply(case, body, rating=None, ...)`: the member's answer on the timeline, read by
  careloop.cases.satisfaction: satisfied → the closing message and resolved; not satisfied → back to acting
  (the loop count goes up); can't tell → stays, for the manager (`mark_satisfied`).
- `attach_private_reply(source, reply)`: a reply read from the platform, matched to its case (by the message
  it answers, the case reference, or the member's open case); unmatched replies are kept, with the reason.
- `read_replies(source)`: poll a source's connector for private replies.
- `reopen(case, post=None)`: resolved → acting, when the same member raises the same thing again.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from careloop.cases import clock, satisfaction, state
from careloop.cases import service_levels as sla
from careloop.cases.models import OPEN_STATES, Case, CaseEvent, CaseState, InboundMessage, OutboxMessage
from careloop.cases.reach_out import send_template
from careloop.cases.satisfaction import Reading
from careloop.cases.templates import TemplateError
from careloop.community.models import Member
from careloop.connectors.base import READ_PRIVATE, ConnectorError, PrivateReply, connector_for
from careloop.connectors.models import Delivery

log = logging.getLogger(__name__)
Kind = CaseEvent.Kind
CASE_REF = re.compile(r"\bcase-(\d+)\b")


# ------------------------------------------------------------------------------------------ service levels
def service_levels(case: Case) -> dict[str, float]:
    """The levels in force for the case (careloop/cases/service_levels.py: its source's, the settings page's, the
    default)."""
    return sla.levels(case.source)


def reply_wait() -> timedelta:
    return timedelta(hours=settings.CARELOOP_REPLY_WAIT)


def lateness(case: Case, now: datetime) -> str:
    """Why the case is past a service level now ("" when it is not): its running timer (sla.timer), late."""
    running = sla.timer(case, now, clock=now)
    if running is None or not running.late:
        return ""
    if running.level == sla.FIRST_CONTACT:
        return f"no private contact within {running.hours:g} h of opening"
    return f"no follow-up within {running.hours:g} h of the action being done"


def flag_overdue(case: Case, reason: str, now: datetime | None = None) -> bool:
    """Mark the case overdue and tell the managers, unless it already is; True when newly flagged."""
    now = now or clock.now()
    with transaction.atomic():
        if not Case.objects.filter(pk=case.pk, overdue_at__isnull=True).update(
                overdue_at=now, overdue_reason=reason[:200], updated_at=now):
            return False
        case.overdue_at, case.overdue_reason = now, reason[:200]
        state.record(case, Kind.OVERDUE, actor_label="careloop", reason=reason)
    notify_managers(case, reason)
    return True


def notify_managers(case: Case, reason: str) -> None:
    """E-mail and webhook; a failure here is logged, never lost silently and never fatal to the sweep."""
    subject = f"[careloop] Case {case.pk} is overdue: {reason}"
    body = (f"Case {case.pk} ({case.member}, {case.source}) is overdue: {reason}.\n"
            f"State: {case.get_state_display()}. Topic: {case.topic or '-'}.\n")
    recipients = list(settings.CARELOOP_MANAGER_EMAILS)
    if case.assignee and case.assignee.email:
        recipients.append(case.assignee.email)
    if recipients:
        try:
            send_mail(subject, body, None, sorted(set(recipients)))
        except Exception:  # noqa: BLE001 - a mail server down must not stop the sweep
            log.exception("case %s: could not e-mail managers about lateness", case.pk)
    url = settings.CARELOOP_NOTIFY_WEBHOOK
    if url:
        payload = {"event": "case_overdue", "case": case.pk, "state": case.state, "reason": reason,
                   "source": case.source.name, "member": str(case.member), "topic": case.topic,
                   "assignee": case.assignee.get_username() if case.assignee else None}
        request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "User-Agent": "careloop"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the operator's own URL
                response.read()
        except Exception:  # noqa: BLE001
            log.exception("case %s: the overdue webhook %s failed", case.pk, url)


# ------------------------------------------------------------------------------------------ the scheduler
@dataclass
class Woken:
    follow_ups: int = 0
    reminders: int = 0
    overdue: int = 0
    errors: int = 0


def wake_due(now: datetime | None = None) -> Woken:
    """Do what is due: follow-up questions, reminders, overdue flags (see the module docstring)."""
    now = now or clock.now()
    woken = Woken()
    due = Case.objects.filter(state=CaseState.FOLLOWING_UP, follow_up_due_at__lte=now).select_related(
        "source", "member", "post", "assignee")
    for case in due:
        step = "follow_up" if case.follow_up_sent_at is None else "reminder" if case.reminded_at is None else "late"
        if step == "late":
            Case.objects.filter(pk=case.pk, follow_up_due_at=case.follow_up_due_at).update(follow_up_due_at=None)
            if flag_overdue(case, "no reply to the follow-up question and the reminder", now):
                woken.overdue += 1
            continue
        try:
            if _send_step(case, step, now):
                woken.follow_ups += step == "follow_up"
                woken.reminders += step == "reminder"
        except TemplateError as exc:
            woken.errors += 1
            _step_failed(case, step, exc)
    late = Case.objects.filter(state__in=(CaseState.NEW, CaseState.REACHING_OUT, CaseState.FOLLOWING_UP),
                               overdue_at__isnull=True).select_related("source", "member", "assignee")
    for case in late:
        reason = lateness(case, now)
        if reason and flag_overdue(case, reason, now):
            woken.overdue += 1
    return woken


def _send_step(case: Case, step: str, now: datetime, actor=None) -> bool:
    """Claim the step with a conditional UPDATE (two sweeps never both send it), then queue the message."""
    mark = {"follow_up_sent_at": now} if step == "follow_up" else {"reminded_at": now}
    with transaction.atomic():
        claimed = Case.objects.filter(pk=case.pk, state=CaseState.FOLLOWING_UP,
                                      follow_up_due_at=case.follow_up_due_at).update(
            follow_up_due_at=now + reply_wait(), updated_at=now, **mark)
        if not claimed:
            return False
        case.refresh_from_db()
        send_template(case, step, actor)
    return True


def _step_failed(case: Case, step: str, exc: Exception) -> None:
    text = (f"the {step.replace('_', '-')} message could not be written: {exc}. Fix the template in the settings, "
            "then send the follow-up by hand")
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(follow_up_due_at=None)
        state.record(case, Kind.ERROR, actor_label="careloop", step=step, error=str(exc))
        state.update_case(case, last_error=text)
    log.warning("case %s: %s", case.pk, text)


def send_follow_up(case: Case, actor=None) -> OutboxMessage:
    """Ask the follow-up question now (also how a manager retries after an error)."""
    if case.state != CaseState.FOLLOWING_UP:
        raise state.NotAllowed(f"case {case.pk} is {case.state}; mark the action done first")
    now = clock.now()
    with transaction.atomic():
        state.update_case(case, follow_up_sent_at=now, reminded_at=None, follow_up_due_at=now + reply_wait(),
                          last_error="")
        return send_template(case, "follow_up", actor)


# ------------------------------------------------------------------------------------------ the member's reply
CAME_BY = ("phone", "email", "in_person")  # how a reply a teammate records came to them


def record_member_reply(case: Case, body: str, rating: int | None = None, *, at: datetime | None = None,
                        external_id: str = "", use_classifier: bool = True,
                        reached_another_way: str = "", recorded_by: Any = None,
                        came_by: str = "") -> Reading | None:
    """Attach the member's reply to the timeline and act on it; the satisfaction reading when one was made.

    `recorded_by`: the teammate who pasted a reply that came another way; the timeline says so (the words are
    the member's, the entry is the teammate's). A reply pasted by hand is refused (ValueError) when empty.
    `came_by`: how that reply came (one of CAME_BY: "phone", "email", "in_person"; "" when not said).

    A satisfied reply resolves the case only when a message reached the member, or `reached_another_way` says
    how the manager reached them (a reply recorded by hand); otherwise a note asks the manager to decide."""
    if getattr(recorded_by, "pk", None) and not (body or "").strip():  # pasted by hand: a platform's may be empty
        raise ValueError("the member's reply is empty: paste what they wrote")
    if came_by and came_by not in CAME_BY:
        raise ValueError(f"unknown way the reply came {came_by!r}: one of {', '.join(CAME_BY)}")
    extra = {"came_by": came_by} if came_by and getattr(recorded_by, "pk", None) else {}
    reading = None
    with transaction.atomic():
        state.record(case, Kind.MESSAGE_IN, actor=recorded_by, actor_label=str(case.member)[:100], body=body,
                     rating=rating, external_id=external_id, at_platform=at,
                     recorded_by=recorded_by.get_username() if getattr(recorded_by, "pk", None) else "", **extra)
        if case.state == CaseState.REACHING_OUT:
            state.transition(case, CaseState.ACTING, actor_label="careloop", because="the member replied")
        elif case.state in (CaseState.FOLLOWING_UP, CaseState.RESOLVED):
            reading = satisfaction.read(body, rating, use_classifier=use_classifier)
            _act_on(case, reading, reached_another_way=reached_another_way.strip()[:500])
    return reading


def _act_on(case: Case, reading: Reading, reached_another_way: str = "") -> None:
    details = {"how": reading.how, "detail": reading.detail, "rating": reading.rating}
    if case.state == CaseState.RESOLVED:
        if reading.satisfied is False and state.find_reopenable(case.member, case.topic) == case:
            reopen(case, actor_label="careloop", because="the member says it is not sorted", **details)
        return
    if reading.satisfied is True and not reached_another_way and (why := state.nothing_reached(case)):
        state.record(case, Kind.NOTE, actor_label="careloop", text=f"The reply reads as satisfied, but {why}: the "
                     "case is not resolved. If you reached the member another way, record it so.", **details)
        return
    if reached_another_way:
        details[state.REACHED_ANOTHER_WAY] = reached_another_way
    if reading.satisfied is True:
        send_template(case, "closing")
        state.transition(case, CaseState.RESOLVED, actor_label="careloop", fields={"satisfaction": reading.rating},
                         **{"satisfied": True, **details})
    elif reading.satisfied is False:
        state.transition(case, CaseState.ACTING, actor_label="careloop", fields={"satisfaction": reading.rating},
                         **{"satisfied": False, **details})
    else:
        state.record(case, Kind.NOTE, actor_label="careloop", text="Could not tell from the reply whether the "
                     "member is satisfied; please decide.", **details)


def mark_satisfied(case: Case, actor, satisfied: bool, rating: int | None = None, *,
                   reached_another_way: str = "") -> CaseEvent:
    """The manager's decision when the reply was unclear (or came another way, e.g. by phone).

    "Satisfied" is refused (state.NothingReached) while no message reached the member, unless
    `reached_another_way` says how the manager reached them; that is recorded with the move."""
    details: dict = {"satisfied": True, "how": "manager"}
    if reached_another_way.strip():
        details[state.REACHED_ANOTHER_WAY] = reached_another_way.strip()[:500]
    with transaction.atomic():
        if satisfied:
            if not reached_another_way.strip() and (why := state.nothing_reached(case)):
                raise state.NothingReached(f"case {case.pk}: {why}. Retry the message once its cause is fixed, "
                                           "or, if you reached the member another way, say how")
            send_template(case, "closing", actor)
            return state.transition(case, CaseState.RESOLVED, actor, fields={"satisfaction": rating}, **details)
        return state.transition(case, CaseState.ACTING, actor, satisfied=False, how="manager",
                                fields={"satisfaction": rating})


def reopen(case: Case, post=None, *, actor=None, actor_label: str = "careloop", **details) -> CaseEvent:
    """resolved → acting: the same member raised the same thing again within the reopen window."""
    details.update({"reopened": True, "post": post.pk if post else None})
    return state.transition(case, CaseState.ACTING, actor, actor_label=actor_label, **details)


def attach_private_reply(source, reply: PrivateReply) -> Case | None:
    """File a private reply from `source` under its case; None (and the reply kept, with why) when none fits.

    A reply read twice is attached once.
    """
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(source=source, external_id=reply.external_id,
                                                    sender=reply.sender, body=reply.body, at=reply.at,
                                                    in_reply_to=reply.in_reply_to)
    except IntegrityError:
        return None  # already read
    case = match_reply(source, reply)
    if case is None:
        inbound.error = (f"matches no case: no open case of a member {reply.sender!r} on {source}, and it answers "
                         "no message careloop sent")
        inbound.save(update_fields=["error"])
        log.warning("private reply %s on %s: %s", reply.external_id, source, inbound.error)
        return None
    inbound.case = case
    inbound.save(update_fields=["case"])
    record_member_reply(case, reply.body, at=reply.at, external_id=reply.external_id)
    return case


def match_reply(source, reply: PrivateReply) -> Case | None:
    if reply.in_reply_to:
        sent = OutboxMessage.objects.filter(case__source=source, external_id=reply.in_reply_to).first()
        if sent is None and source.kind == "email":  # an e-mail to a member of a forum or chat, sent from here
            sent = OutboxMessage.objects.filter(
                channel="email", external_id=reply.in_reply_to,
                idempotency_key__in=Delivery.objects.filter(source=source, external_id=reply.in_reply_to)
                .values("idempotency_key")).first()
        if sent:
            return sent.case
    ref = CASE_REF.search(reply.case_ref or "")
    if ref:
        case = Case.objects.filter(pk=int(ref.group(1)), source=source).first()
        if case:
            return case
    mine = Case.objects.filter(source=source, member__in=Member.objects.filter(source=source).filter(
        Q(external_id=reply.sender) | Q(extra__email=reply.sender)))
    return (mine.filter(state__in=OPEN_STATES).order_by("-opened_at").first()
            or mine.filter(state=CaseState.RESOLVED).order_by("-closed_at").first())


def read_replies(source) -> int:
    """Poll `source`'s connector for private replies since the last one read; how many were attached."""
    try:
        connector = connector_for(source)
    except ConnectorError:
        return 0
    if READ_PRIVATE not in connector.capabilities:
        return 0
    since = InboundMessage.objects.filter(source=source).aggregate(at=Max("at"))["at"]
    attached = 0
    for reply in connector.read_private_replies(since):
        attached += attach_private_reply(source, reply) is not None
    return attached
