"""Someone else is on this case: who has a case page open, and who is writing on it.

An open case page beats (POST /cases/ID/presence, every CARELOOP_PRESENCE_POLL seconds, and at once when its
reader starts typing); each beat upserts one CasePresence row per person and case. A row whose last beat is older
than CARELOOP_PRESENCE_SECONDS means that person has gone: it is never shown, and every beat removes such rows.
Kept in the database, not in a process's memory, so every web process and every web node sees the same, on
SQLite and PostgreSQL alike, with nothing more to run.

- `note_presence(case, user, state)`: this person is on the case, viewing or writing (a reply or a note); the
  role decides what they may be seen doing (a viewer, or an agent on someone else's case, only views).
- `others_on(case, user)`: everyone else on the case now, as `Presence`s.
- `in_words(presence)`, `warning(others, opened_at)`: what the case page says about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case as CaseWhen
from django.db.models import F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from careloop.cases.models import Case
from careloop.cases.roles import Action, can
from careloop.web.models import CasePresence

State = CasePresence.State
NEEDS = {State.WRITING: Action.SEND, State.NOTING: Action.WORK}  # what the role must allow to be seen doing it


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    state: str  # viewing, writing (a message to the member) or noting (an internal note)
    seen_at: datetime
    writing_since: datetime | None


def expiry() -> timedelta:
    """How long a page that stopped beating still counts as open."""
    return timedelta(seconds=settings.CARELOOP_PRESENCE_SECONDS)


def allowed_state(case: Case, user, state: str) -> str:
    """The state this person may be seen in: writing only if they may send on the case, noting only if they may
    work it; otherwise viewing."""
    state = State(state)
    need = NEEDS.get(state)
    return state if need is None or can(user, need, case) else State.VIEWING


def note_presence(case: Case, user, state: str = State.VIEWING, now: datetime | None = None) -> str:
    """This person is on the case now: one UPDATE (an INSERT the first time), and rows gone stale are removed.
    Returns the state kept (see allowed_state). Writing keeps the time it began while the beats go on."""
    now = now or timezone.now()
    state = allowed_state(case, user, state)
    fresh = now - expiry()
    writing = state != State.VIEWING
    since = CaseWhen(When(Q(state=state, seen_at__gte=fresh), then=F("writing_since")), default=Value(now)) \
        if writing else None
    mine = CasePresence.objects.filter(case=case, user=user)
    if not mine.update(state=state, seen_at=now, writing_since=since):
        try:
            with transaction.atomic():
                CasePresence.objects.create(case=case, user=user, state=state, seen_at=now,
                                            writing_since=now if writing else None)
        except IntegrityError:  # another of their tabs beat first
            mine.update(state=state, seen_at=now, writing_since=since)
    CasePresence.objects.filter(seen_at__lt=fresh).delete()  # one indexed DELETE: who left, on every case
    return state


def others_on(case: Case, user, now: datetime | None = None) -> list[Presence]:
    """Everyone but `user` whose page on this case beat within CARELOOP_PRESENCE_SECONDS: one query, writers
    first, then by name."""
    now = now or timezone.now()
    rows = (CasePresence.objects.filter(case=case, seen_at__gte=now - expiry()).exclude(user=user)
            .values_list("user_id", "user__username", "state", "seen_at", "writing_since"))
    found = [Presence(*row) for row in rows]
    return sorted(found, key=lambda p: (p.state == State.VIEWING, p.name))


def in_words(p: Presence) -> str:
    """'mara is viewing this case', 'mara is writing a reply…', 'mara is writing a note…'."""
    if p.state == State.WRITING:
        return _("%(name)s is writing a reply…") % {"name": p.name}
    if p.state == State.NOTING:
        return _("%(name)s is writing a note…") % {"name": p.name}
    return _("%(name)s is viewing this case") % {"name": p.name}


def warning(others: list[Presence], opened_at: datetime | None) -> str:
    """A word before sending: someone else began writing a reply after this page was opened (they may be
    answering the member already). Empty when nobody did."""
    if opened_at is None:
        return ""
    late = [p.name for p in others if p.state == State.WRITING and p.writing_since and p.writing_since > opened_at]
    if not late:
        return ""
    return ngettext("%(names)s started writing a reply after you opened this case: read the conversation again "
                    "before you send, so the member does not get two answers.",
                    "%(names)s started writing a reply after you opened this case: read the conversation again "
                    "before you send, so the member does not get two answers.", len(late)) % {"names": ", ".join(late)}
