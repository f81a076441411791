"""The steps a manager takes on a case page, each one call into the case loop (careloop/cases/).

The web UI never changes a case itself: `perform` turns a posted form into the matching case-loop call and
returns what to tell the manager. A step whose part of the loop is not installed fails with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from careloop.cases import act, follow_up, outbox, steps
from careloop.cases.contact import contact_of
from careloop.cases.models import TEXT_CHARS, Case, CaseState
from careloop.cases.state import nothing_reached
from careloop.cases.steps import REFUSED, write_to_member
from careloop.web.roles import AssignmentRefused, check_assignment, role_of


class StepFailed(Exception):
    """The step could not be done; the message says why, in words the manager can act on."""


def _do(step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Do one step of the case loop; its refusals (steps.REFUSED) become StepFailed with its words."""
    try:
        return step(*args, **kwargs)
    except REFUSED as exc:
        raise StepFailed(str(exc)) from exc


def _check_filled(*texts: str) -> None:
    """A placeholder left in the message ("[a time that suits you]") stops the send, with what to do."""
    from careloop.cases.templates import unfilled

    left = [words for text in texts for words in unfilled(text or "")]
    if left:
        raise StepFailed(_("The message still has a placeholder to fill in: %(words)s. Replace it with what you "
                           "mean, then send.") % {"words": ", ".join(left)})


def _check_size(*texts: str) -> None:
    """What a teammate writes on a case is at most TEXT_CHARS characters and holds no NUL (as in the API)."""
    for text in texts:
        if len(text) > TEXT_CHARS:
            raise StepFailed(_("The text is %(n)s characters long; at most %(max)s fit. Shorten it, or link a "
                               "ticket for the rest.") % {"n": f"{len(text):,}", "max": f"{TEXT_CHARS:,}"})
        if "\x00" in text:
            raise StepFailed(_("The text holds a NUL character (often from a paste); remove it and try again."))


def perform(do: str, case: Case, user: Any, data: Mapping[str, str]) -> str:
    """Do step `do` on `case` as `user` with the posted `data`; return what happened, in words."""
    text = (data.get("text") or "").replace("\r\n", "\n").strip()  # a browser's form sends CRLF line ends
    _check_size(text, data.get("public_note") or "")
    if do == "reach_out":
        channel = data.get("channel") or case.channel or "dm"
        # the note and the call time go to the step whatever the state: it takes them with the first outreach
        # (new or reaching out) and refuses them on a later message, in its own words; nothing is left out
        wants_note = data.get("post_public") == "yes"
        note = (data.get("public_note") or "").replace("\r\n", "\n").strip() if wants_note else ""
        call_time = (data.get("call_time") or "").strip()[:100]
        if wants_note and not note:
            raise StepFailed(_("The note for the thread is empty; write it or untick the box."))
        _check_filled(text, note)
        if channel == "email" and not contact_of(case.member)["email"]:
            raise StepFailed(_("%(member)s has no e-mail address yet: add it under Contact details in the member's "
                               "card, or reach out by private message.") % {"member": case.member})
        _do(write_to_member, case, user, text, channel, public_note=note or None, call_time=call_time)
        if note:
            return _("Message and note for the thread queued for sending.")
        return _("Message queued for sending.")
    if do == "assign":
        to_user = None
        if data.get("user"):
            to_user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
            if to_user is None:
                raise StepFailed(_("That teammate does not exist."))
        elif not data.get("team"):
            to_user = user
        try:
            check_assignment(user, case, to_user)
        except AssignmentRefused as exc:  # the rule's own words (careloop.cases.roles), translated
            raise StepFailed(_("%(name)s cannot work cases (role: %(role)s); assign the case to an agent, a "
                               "manager or an admin.") % {"name": to_user.get_username() if to_user else "",
                                                          "role": role_of(to_user) or "inactive"}) from exc
        _do(act.assign, case, user, to_user=to_user, team=data.get("team", ""))
        return _("Assigned.")
    if do == "note":
        _do(act.add_note, case, user, text)
        return _("Note added.")
    if do == "item":
        _do(act.add_action_item, case, user, text)
        return _("Action item added.")
    if do == "item_done":
        item = case.action_items.filter(pk=int(data["item"])).first() if (data.get("item") or "").isdigit() else None
        if item is None:
            raise StepFailed(_("That action item is not on this case."))
        _do(act.complete_action_item, item, user)
        return _("Action item done.")
    if do == "link":
        url = (data.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            raise StepFailed(_("A ticket link starts with http:// or https://."))
        _do(act.link_ticket, case, user, url)
        return _("Ticket linked.")
    reached = (data.get("reached_another_way") or "").strip()  # the override when no message reached the member
    if do in ("done", "judge") and not reached and (do == "done" or data.get("satisfied") == "yes") \
            and nothing_reached(case):
        raise StepFailed(_("No message has reached the member: every message to them failed. Retry it once the "
                           "cause is fixed, or, if you reached the member another way, say how (by phone, in "
                           "person)."))
    if do == "done":
        _do(act.mark_action_done, case, user, reached_another_way=reached)
        return _("Marked as done; a follow-up is scheduled.")
    if do == "dismiss":
        _do(act.dismiss, case, user, data.get("reason", ""))
        return _("Case dismissed.")
    if do == "moderate":
        warning = data.get("warning")  # not sent: the "warning" template; emptied: no warning
        warning = warning.replace("\r\n", "\n").strip() if warning is not None else None
        _check_size(warning or "")
        if warning:
            _check_filled(warning)
        moderator = None
        if data.get("moderator"):
            moderator = get_user_model().objects.filter(pk=data["moderator"], is_active=True).first() \
                if data["moderator"].isdigit() else None
            if moderator is None:
                raise StepFailed(_("That teammate does not exist."))
        with transaction.atomic():  # one step, one transaction: a refused step stores nothing
            _do(act.moderate, case, user, warning=warning, moderator=moderator,
                note=(data.get("note") or "").strip())
        return _("Handed to moderation: the private warning is on its way.") if warning is None or warning \
            else _("Handed to moderation.")
    if do == "reopen":
        why = (data.get("why") or "").replace("\r\n", "\n").strip()
        _check_size(why)
        if not why:
            raise StepFailed(_("Say why you reopen the case: a few words for the timeline."))
        _do(steps.reopen, case, user, why)
        return _("Case reopened.")
    if do in ("retry_message", "cancel_message"):
        message = case.outbox.filter(pk=int(data["message"])).first() \
            if (data.get("message") or "").isdigit() else None
        if message is None:
            raise StepFailed(_("That message is not on this case."))
        if do == "retry_message":
            _do(outbox.retry, message, user)
            return _("The message is queued again.")
        _do(outbox.cancel, message, user)
        return _("The message will not be sent.")
    if do == "reply":
        if not text:
            raise StepFailed(_("The member's reply is empty: paste what they wrote."))  # the step's words
        rating = int(data["rating"]) if (data.get("rating") or "").isdigit() else None
        came_by = data.get("came_by") or ""
        if came_by not in follow_up.CAME_BY:
            came_by = ""  # "another way": not said
        reading = _do(follow_up.record_member_reply, case, text, rating=rating, reached_another_way=reached,
                      recorded_by=user, came_by=came_by)
        if getattr(reading, "satisfied", None) and case.state != CaseState.RESOLVED:
            raise StepFailed(_("Reply recorded, but the case is not resolved: no message reached the member. If "
                               "you reached them another way, say how and press “The member is satisfied”."))
        return _("Reply recorded.")
    if do == "judge":
        satisfied = data.get("satisfied") == "yes"
        rating = int(data["rating"]) if (data.get("rating") or "").isdigit() else None
        _do(follow_up.mark_satisfied, case, user, satisfied, rating, reached_another_way=reached)
        return _("Resolved: the closing message is on its way.") if satisfied else _("Back to acting.")
    raise StepFailed(_("Unknown step."))
