"""One step on many cases at once (the queue's bulk bar): the SAME step functions a case page calls, once per
case, each in its own transaction, so that a refusal of one never blocks the others.

- `assign_many(case_ids, actor, to_user=None, team="")`: roles.check_assignment, then act.assign, per case.
- `dismiss_many(case_ids, actor, reason)`: the WORK role rule, then act.dismiss with the reason, per case.
- `tag_many(case_ids, actor, name, colour="")`: tags.add_tag per case.

Each returns a Outcome: the ids done and, for each refused one, why in words (the step's own refusal, or the
role rule's). `Outcome.in_words()` says it as the bar reports it: "12 done, 2 refused: case 7 (...), case 9 (...)".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from careloop.cases import act, tags
from careloop.cases.models import Case
from careloop.cases.roles import Action, AssignmentRefused, check_assignment, require_on_case
from careloop.cases.steps import REFUSED

MAX_CASES = 500  # one bulk step: at most this many cases (a queue page holds 50)
STEP_REFUSED: tuple[type[Exception], ...] = (PermissionDenied, AssignmentRefused, *REFUSED)  # one case refused


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (case id, why in the step's words)
    errors: dict[int, Exception] = field(default_factory=dict)  # case id -> the refusal (a door's translation)
    states: dict[int, str] = field(default_factory=dict)  # case id -> its state when refused

    def in_words(self, done: str = "{n} done", refused: str = "{n} refused", case: str = "case {id} ({why})") -> str:
        """'12 done, 2 refused: case 7 (why), case 9 (why)'; the words are the caller's (a translation)."""
        said = done.format(n=len(self.done))
        if self.refused:
            said += ", " + refused.format(n=len(self.refused)) + ": " + ", ".join(
                case.format(id=i, why=why) for i, why in self.refused)
        return said


def _ids(case_ids: Iterable[Any]) -> list[int]:
    seen: dict[int, None] = {}
    for i in case_ids:
        if str(i).isdigit() and len(str(i)) < 19:
            seen[int(i)] = None
    return list(seen)[:MAX_CASES]


def each(case_ids: Iterable[Any], step: Callable[[Case], Any]) -> Outcome:
    """Do `step(case)` on every case, each in its own transaction; a refusal (the role rule's, or the step's:
    steps.REFUSED) is noted with its words and the next case goes on."""
    outcome = Outcome()
    ids = _ids(case_ids)
    by_id = Case.objects.select_related("assignee", "post").in_bulk(ids)
    for i in ids:
        case = by_id.get(i)
        if case is None:
            outcome.refused.append((i, "no such case"))
            continue
        try:
            with transaction.atomic():
                step(case)
        except STEP_REFUSED as exc:
            outcome.refused.append((i, str(exc) or exc.__class__.__name__))
            outcome.errors[i] = exc
            outcome.states[i] = case.state
        else:
            outcome.done.append(i)
    return outcome


def assign_many(case_ids: Iterable[Any], actor: Any, to_user: Any = None, team: str = "") -> Outcome:
    """Assign every case to `to_user` and/or `team` (to the actor when neither is given), as act.assign does."""
    target = actor if to_user is None and not team else to_user

    def step(case: Case) -> None:
        check_assignment(actor, case, target)
        act.assign(case, actor, to_user=target, team=team)

    return each(case_ids, step)


def dismiss_many(case_ids: Iterable[Any], actor: Any, reason: str) -> Outcome:
    """Dismiss every case with `reason` (one of state.DISMISS_REASONS), as act.dismiss does."""

    def step(case: Case) -> None:
        require_on_case(actor, Action.WORK, case)
        act.dismiss(case, actor, reason)

    return each(case_ids, step)


def tag_many(case_ids: Iterable[Any], actor: Any, name: str, colour: str = "") -> Outcome:
    """Put the tag on every case, as tags.add_tag does."""
    return each(case_ids, lambda case: tags.add_tag(case, actor, name, colour))
