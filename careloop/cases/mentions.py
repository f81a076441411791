"""@mentions in internal notes: a teammate named with @username is told, in the app and by e-mail.

- `find(text, usernames)` → the mentions in a note as `Found(username, start, end)`, in order: "@mara" where
  "mara" is a teammate's username (any case: "@Mara" finds mara). An unknown @word is plain text; so is an "@"
  inside an e-mail address (mara@example.org) or a web address (https://example.org/@mara). Punctuation after
  the name ("@mara," "@mara." "(@mara)") is not part of it.
- `mentioned(text, usernames)` → the usernames, each once, in the order they first appear.
- `team_usernames()` → who a note can mention: every active user's username.
- `notify(event, author, usernames)` → one Mention per teammate named on the note event (never the author: a
  self-mention is highlighted, nobody is told); each one's e-mail queued after the commit (when they have an
  address). The note is written whatever the mail server does.
- `send_email(mention_id)` → what the task runs: the e-mail through Django's mail settings, sent at most once;
  a failure is kept on the Mention (`email_error`) and on the case's timeline, never raised.
- `unread(user)`, `for_user(user)`, `mark_read(mention, user)`, `mark_case_read(user, case_id)` (the case page
  opened: its notifications are read), `mark_all_read(user)`: the notifications page and its badge.

The note step (act.add_note) calls these, so every door (web page, API, command line) mentions alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet

from careloop.cases import clock, state
from careloop.cases.models import CaseEvent, Mention

log = logging.getLogger(__name__)

# "@" then a username's characters (Django's: letters, digits and . + - _), when the "@" does not follow a
# character of a word, an address or a path: not the "@" of mara@example.org, nor of https://host/@mara.
MENTION = re.compile(r"(?<![\w@.+\-/:])@([\w.+\-]+)")
TRAILING = ".+-"  # what ends a sentence or a clause after a name ("@mara." "@mara-"), never part of it there
EXCERPT_CHARS = 200


@dataclass(frozen=True)
class Found:
    """One mention: the username as stored, and where "@name" stands in the text (start at the "@")."""

    username: str
    start: int
    end: int


def _resolve(word: str, known: dict[str, str]) -> str | None:
    """The username `word` names, trying it whole, then without trailing punctuation ("mara." → "mara")."""
    while word:
        name = known.get(word.casefold())
        if name is not None:
            return name
        if word[-1] not in TRAILING:
            return None
        word = word[:-1]
    return None


def find(text: str, usernames: Iterable[str]) -> list[Found]:
    """Every mention of a known username in `text`, in order (see the module docstring)."""
    known = {name.casefold(): name for name in usernames if name}
    if not text or not known or "@" not in text:
        return []
    out = []
    for match in MENTION.finditer(text):
        name = _resolve(match.group(1), known)
        if name is not None:
            out.append(Found(name, match.start(), match.start() + 1 + len(name)))
    return out


def mentioned(text: str, usernames: Iterable[str]) -> list[str]:
    """The usernames mentioned in `text`, each once, in the order they first appear."""
    return list(dict.fromkeys(f.username for f in find(text, usernames)))


def team_usernames() -> list[str]:
    """Who a note can mention: every active user (a viewer too: they read the case and the notification)."""
    return list(get_user_model().objects.filter(is_active=True).order_by("username")
                .values_list("username", flat=True))


def excerpt(text: str) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS - 1].rstrip() + "…"


_email_task: Callable[[int], Any] | None = None  # careloop.cases.tasks.email_mention_task, see use_task()


def use_task(task: Callable[[int], Any]) -> None:
    """The Huey task that e-mails one mention (careloop.cases.tasks.email_mention_task), handed in when Django
    starts (CasesConfig.ready): that task module calls this one, so this one does not import it."""
    global _email_task
    _email_task = task


def _queue_email(mention_id: int) -> None:
    task = _email_task
    if task is None:
        raise RuntimeError("no task to e-mail mentions with: the cases app is not ready (CasesConfig.ready)")
    try:
        task(mention_id)
    except Exception:  # noqa: BLE001 - the queue is down: the note stands, the e-mail is not sent; say so
        log.exception("could not queue the e-mail of mention %s", mention_id)
        Mention.objects.filter(pk=mention_id, emailed_at__isnull=True).update(
            email_error="the task queue could not be reached; the e-mail was not sent")


def notify(event: CaseEvent, author: Any, usernames: Iterable[str]) -> list[Mention]:
    """A Mention for each teammate named on the note `event`, except its author; their e-mails after commit."""
    names = [n for n in dict.fromkeys(usernames) if n != getattr(author, "get_username", lambda: None)()]
    if not names:
        return []
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names, is_active=True)}
    text = (event.details or {}).get("text", "")
    made = [Mention.objects.create(case_id=event.case_id, event=event, recipient=users[n],
                                   author=author if getattr(author, "pk", None) else None,
                                   excerpt=excerpt(text), created_at=event.at)
            for n in names if n in users]
    for m in made:
        if m.recipient.email:
            transaction.on_commit(partial(_queue_email, m.pk))
    return made


def case_url(case_id: int) -> str:
    """Where the case is in the web app: CARELOOP_URL's address when it is set, else its path."""
    path = f"/cases/{case_id}/"
    base = (getattr(settings, "CARELOOP_URL", "") or "").rstrip("/")
    return base + path


def send_email(mention_id: int) -> bool:
    """E-mail the mentioned teammate (once): True when it went out. A failure is recorded, never raised."""
    now = clock.now()
    # claimed with one conditional UPDATE: two runs of the task send it once
    if not Mention.objects.filter(pk=mention_id, emailed_at__isnull=True, email_error="").update(emailed_at=now):
        return False
    mention = Mention.objects.select_related("recipient", "author", "case__member").get(pk=mention_id)
    who = mention.author.get_username() if mention.author else "careloop"
    address = mention.recipient.email
    subject = f"[careloop] {who} mentioned you on case {mention.case_id}"
    body = (f"{who} mentioned you in an internal note on case {mention.case_id} ({mention.case.member}):\n\n"
            f"{mention.excerpt}\n\nOpen the case: {case_url(mention.case_id)}\n")
    try:
        if not address:
            raise ValueError(f"{mention.recipient.get_username()} has no e-mail address")
        send_mail(subject, body, None, [address])
    except Exception as exc:  # noqa: BLE001 - a mail server down must not lose the mention, nor stop the worker
        error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("mention %s: the e-mail to %s failed: %s", mention_id, address, error)
        Mention.objects.filter(pk=mention_id).update(emailed_at=None, email_error=error)
        state.record(mention.case, CaseEvent.Kind.ERROR, actor_label="careloop", what="mention_email",
                     to_user=mention.recipient.get_username(), error=error)
        return False
    return True


def for_user(user: Any) -> QuerySet[Mention]:
    """The user's notifications, newest first."""
    return (Mention.objects.filter(recipient_id=user.pk).select_related("author", "case__member")
            .order_by("-created_at", "-id"))


def unread(user: Any) -> int:
    """How many of the user's notifications are not read yet (the badge in the page header)."""
    if not getattr(user, "pk", None):
        return 0
    return Mention.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def mark_read(mention: Mention, user: Any) -> bool:
    """Mark the user's own notification read (once); False when it was read already or is someone else's."""
    if mention.recipient_id != getattr(user, "pk", None):
        return False
    return bool(Mention.objects.filter(pk=mention.pk, read_at__isnull=True).update(read_at=clock.now()))


def mark_case_read(user: Any, case_id: int) -> int:
    """Opening the case reads its notifications too: the user's unread mentions on it are marked read (one indexed
    look first: a case page that has none writes nothing)."""
    unread_here = Mention.objects.filter(recipient_id=getattr(user, "pk", None), case_id=case_id,
                                         read_at__isnull=True)
    if not getattr(user, "pk", None) or not unread_here.exists():
        return 0
    return unread_here.update(read_at=clock.now())


def mark_all_read(user: Any) -> int:
    return Mention.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=clock.now())
