"""The queue's order: what needs the team first, and why, in words.

Open cases are ranked, in this order of importance:

1. **severity** — 3 urgent (safety, fraud, someone stranded …), 2 a real problem, 1 minor; a case opened for toxic
   language alone has severity 0: a moderation matter in its own lane, never above a complaint;
2. **overdue** — past a service level, or its follow-up is due and unanswered (a member was promised an answer);
3. **in public or moved private** — a case the team already moved private in public ("please DM us") comes after
   those still out in the open;
4. **waiting** — how long the member's latest post has waited for the team (the oldest unanswered first; an
   answered one after the unanswered);
5. **spread** — the escalation risk (me-too members, a clique about to pile on, a troll's noise);

then the oldest case first (closed cases, where a list mixes them in, after every open one). Every key is a
column of the case, so the database sorts 50,000 open cases with no join.
web/queue.reason_in_words() says it in a sentence.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import BooleanField, F, Q, QuerySet, Value, When
from django.db.models import Case as CaseWhen

from careloop.cases.models import OPEN_STATES, Case

SEVERITY_WORDS = {3: "urgent", 2: "a real problem", 1: "minor", 0: ""}  # 0: not judged, or the moderation lane


def in_queue_order(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    """`cases` sorted as the queue shows them (see the module docstring)."""
    overdue = CaseWhen(When(Q(overdue_at__isnull=False) | Q(follow_up_due_at__lt=now), then=Value(True)),
                       default=Value(False), output_field=BooleanField())
    closed = CaseWhen(When(state__in=OPEN_STATES, then=Value(False)), default=Value(True),
                      output_field=BooleanField())
    return cases.annotate(queue_overdue=overdue, queue_closed=closed).order_by(
        F("queue_closed").asc(), F("severity").desc(), F("queue_overdue").desc(),
        F("handed_off_at").asc(nulls_first=True),
        F("waiting_since").asc(nulls_last=True), F("risk").desc(nulls_last=True), "opened_at", "id",
    )


def severity_in_words(severity: int) -> str:
    """'urgent', 'a real problem', 'minor'; '' for a case with no judged problem (the moderation lane)."""
    return SEVERITY_WORDS.get(severity, "")
