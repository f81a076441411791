"""Corrections: what the team told careloop it got wrong, kept as labels for training.

Dismissing a case as "not a complaint" (`act.dismiss(case, actor, "not_complaint")`) is a correction of
careloop's judgment, not a verdict on the member: it never counts as a troll signal. The dismissal's TRANSITION
event carries the label and the post as it was judged (see `act.dismiss`); this module reads them back.

A dismissal undone (the case reopened by steps.reopen, whose event names it in `undoes` and carries
`withdrawn_label`) is no correction any more: it is left out. A later "not a complaint" dismissal of the same
case counts again.

- `corrections(since=None)` → one dict per correction, oldest first: `post` (the platform's id of the post),
  `text` (as judged), `label` ("not_complaint"), `by` (who dismissed it), `at` (when), `case` (its id), `source`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Q

from careloop.cases.models import CaseEvent, CaseState

LABEL = "not_complaint"


def corrections(since: datetime | None = None) -> Iterator[dict]:
    """Every "not a complaint" dismissal (at or after `since` when given), oldest first.

    A dismissal recorded before the label was stored reads its post from the case. A case without a post
    (opened by hand) has no text to learn from and is left out.
    """
    events = (CaseEvent.objects.filter(kind=CaseEvent.Kind.TRANSITION, to_state=CaseState.DISMISSED)
              .filter(Q(details__label=LABEL) | Q(details__reason=LABEL))
              .select_related("actor", "case__post", "case__source").order_by("at", "id"))
    if since is not None:
        events = events.filter(at__gte=since)
    undone = undone_dismissals()
    if undone:
        events = events.exclude(pk__in=undone)
    for event in events.iterator(chunk_size=500):
        details = event.details or {}
        post = event.case.post
        text = details.get("text") or (post.text if post else "")
        if not text:
            continue
        yield {
            "post": details.get("external_id") or (post.external_id if post else ""),
            "text": text,
            "label": details.get("label") or LABEL,
            "by": event.actor.get_username() if event.actor else event.actor_label,
            "at": event.at,
            "case": event.case_id,
            "source": event.case.source.name,
        }


def undone_dismissals(member=None) -> set[int]:
    """The ids of the dismissal events a reopen undid (steps.reopen names each in `undoes`), of one member's
    cases when `member` is given: such a dismissal is no correction, and no troll signal, any more."""
    reopens = CaseEvent.objects.filter(kind=CaseEvent.Kind.TRANSITION, from_state=CaseState.DISMISSED,
                                       details__has_key="undoes")
    if member is not None:
        reopens = reopens.filter(case__member=member)
    return {u for u in (d.get("undoes") for d in reopens.values_list("details", flat=True)) if isinstance(u, int)}
