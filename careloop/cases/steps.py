"""What every door (web page, API, command line) shares about doing a step of the case loop.

The steps themselves are the plain functions of reach_out, act, follow_up and outbox; a door calls them directly
(an IDE and a reader can follow a click into them) and treats their refusals alike: REFUSED are the exceptions that
mean "not done, and here is why in words" (a move the state machine does not allow, input a step will not take, a
platform that cannot do it), never a crash. The rules a door would otherwise re-code live here once.
"""

from __future__ import annotations

from typing import Any

from careloop.cases.models import Case, CaseState, OutboxMessage
from careloop.cases.reach_out import ReachOutError, reach_out, send_private_message
from careloop.cases.state import NotAllowed
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
