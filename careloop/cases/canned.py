"""Canned responses: the texts the team keeps ready for the composer, edited in the settings page.

Each has a name ("Offer a call"), a language (en, de, or one CARELOOP_TEMPLATES adds) and a body with the
message templates' placeholders ({member_name}, {quote}, {manager_name}, {community}, {call_time}) and any
bracketed prompt the manager fills in before sending ("[a time that suits you]"): the send guard
(templates.unfilled) stops a message that still holds one, whichever way it got into the draft.

The first time they are asked for, they are seeded once from the message templates as they are then — the
shipped wording with CARELOOP_TEMPLATES laid over it — so an install sees the same texts as before. From then
on the table is what the composer offers: a later change to CARELOOP_TEMPLATES no longer reaches it (edit the
canned response instead). The case loop's own messages (the follow-up, reminder and closing careloop sends by
itself, `careloop case` on the command line) still use the message templates of templates.py.

Who may: managers and admins create, change and delete (roles.Action.RESPONSES); whoever may send on a case
uses them there; everyone reads them.
"""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from careloop.cases import templates
from careloop.cases.models import CannedResponse, Seeding
from careloop.cases.roles import Action, can

SEEDED = "canned_responses"
NAME_CHARS = 100
BODY_CHARS = 5000
# The names the seeded responses get, in their own language (the same words the settings page used before).
LABELS = {
    "outreach": gettext_lazy("Private outreach"),
    "public_note": gettext_lazy("Public note"),
    "call_offer": gettext_lazy("Offer a call"),
    "follow_up": gettext_lazy("Follow-up question"),
    "reminder": gettext_lazy("Reminder"),
    "closing": gettext_lazy("Closing message"),
    "warning": gettext_lazy("Private warning"),
}


class CannedResponseError(ValueError):
    """A canned response that cannot be saved, with what to change in words (English: the web's form says it in
    the reader's language from `code` and `params`); `field` is the one to change: name, language or body."""

    def __init__(self, message: str, field: str = "body", code: str = "", **params: object) -> None:
        super().__init__(message % params if params else message)
        self.field, self.code, self.params = field, code, params


def ensure_seeded() -> None:
    """Seed the canned responses from the message templates, once (deleting them all does not bring them back)."""
    if Seeding.objects.filter(name=SEEDED).exists():
        return
    try:
        with transaction.atomic():
            Seeding.objects.create(name=SEEDED)
            rows = []
            for language, texts in templates.templates().items():
                with translation.override(language):
                    for key in templates.NAMES:
                        if key in texts:
                            rows.append(CannedResponse(name=str(LABELS[key])[:NAME_CHARS], language=language,
                                                       body=texts[key], template=key))
            CannedResponse.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # another request seeded at the same moment
        return


def responses(language: str | None = None) -> list[CannedResponse]:
    """All canned responses (of one language), by language and name; each with its `label` (see label())."""
    ensure_seeded()
    query = CannedResponse.objects.all()
    if language:
        query = query.filter(language=_lang(language))
    found = list(query)
    for response in found:
        response.label = label(response)
    return found


def label(response: CannedResponse) -> str:
    """The name shown: a seeded response the team has not renamed is named in the reader's language ("Offer a
    call" reads "Anruf anbieten" in the German UI, as the templates were before); any other as it was typed."""
    if response.template in LABELS:
        with translation.override(_lang(response.language) or "en"):
            seeded = str(LABELS[response.template])
        if response.name == seeded:
            return str(LABELS[response.template])
    return response.name


def for_case_language(language: str | None) -> list[CannedResponse]:
    """What the composer offers for a member writing `language`: that language's responses, else English."""
    return responses(language) or responses("en")


def get(response_id: int | str) -> CannedResponse | None:
    ensure_seeded()
    try:
        return CannedResponse.objects.filter(pk=int(response_id)).first()
    except (TypeError, ValueError):
        return None


def check(name: str, language: str, body: str, *, exclude: int | None = None) -> tuple[str, str, str]:
    """The cleaned (name, language, body), or CannedResponseError saying what to change."""
    name, language, body = (name or "").strip(), _lang(language or ""), (body or "").replace("\r\n", "\n").strip()
    if not name:
        raise CannedResponseError("Give the canned response a name.", "name", "no_name")
    if len(name) > NAME_CHARS:
        raise CannedResponseError("The name is too long: at most %(max)s characters.", "name", "long_name",
                                  max=NAME_CHARS)
    if not language or len(language) > 8 or not language.isalpha():
        raise CannedResponseError("Choose the language of the canned response.", "language", "no_language")
    if not body:
        raise CannedResponseError("Write the text of the canned response.", "body", "no_body")
    if len(body) > BODY_CHARS:
        raise CannedResponseError("The text is too long: at most %(max)s characters.", "body", "long_body",
                                  max=BODY_CHARS)
    known = ", ".join("{" + p + "}" for p in templates.PLACEHOLDERS)
    try:
        fields = [f for _text, f, _spec, _conv in string.Formatter().parse(body) if f is not None]
    except ValueError:
        raise CannedResponseError("A curly brace is not closed. Placeholders look like {member_name}; write a "
                                  "brace on its own as {{ or }}.", "body", "brace") from None
    for field_name in fields:
        if field_name not in templates.PLACEHOLDERS:
            raise CannedResponseError("“{%(name)s}” is not a placeholder careloop knows. Use one of: %(known)s.",
                                      "body", "placeholder", name=field_name, known=known)
    clash = CannedResponse.objects.filter(language=language, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise CannedResponseError("There is already a canned response named “%(name)s” in this language.",
                                  "name", "taken", name=name)
    return name, language, body


def _may_edit(actor: Any) -> None:
    if not can(actor, Action.RESPONSES):
        raise PermissionDenied("your role may not change canned responses; a manager or an admin can")


def create(actor: Any, name: str, language: str, body: str) -> CannedResponse:
    """A new canned response (managers and admins)."""
    _may_edit(actor)
    ensure_seeded()
    name, language, body = check(name, language, body)
    return CannedResponse.objects.create(name=name, language=language, body=body, updated_by=actor)


def update(actor: Any, response: CannedResponse | int, name: str, language: str, body: str) -> CannedResponse:
    """Change a canned response's name, language and text (managers and admins)."""
    _may_edit(actor)
    if not isinstance(response, CannedResponse):
        response = CannedResponse.objects.get(pk=response)
    response.name, response.language, response.body = check(name, language, body, exclude=response.pk)
    response.updated_by = actor
    response.save()
    return response


def delete(actor: Any, response: CannedResponse | int) -> None:
    """Delete a canned response (managers and admins); messages already written with it stay as they are."""
    _may_edit(actor)
    pk = response.pk if isinstance(response, CannedResponse) else response
    CannedResponse.objects.filter(pk=pk).delete()


def fill(response: CannedResponse, case: Any, actor: Any = None) -> str:
    """The canned response written out for this case: the member's name, the quote, the manager's name and the
    community filled in; a call time left as the prompt to fill in ("[a time that suits you]")."""
    from careloop.cases import reach_out

    language = _lang(response.language) or "en"
    values = reach_out.context(case, actor, call_time=templates.fill_in("call_time", language))
    try:
        return templates.render(response.template or "canned", language, text=response.body, **values).text
    except ValueError:  # a body stored before the check (by hand in the database): offered as it is
        return response.body


def added(draft: str, text: str) -> str:
    """The draft with `text` added after it (the composer without JavaScript): what was typed stays first."""
    draft = (draft or "").replace("\r\n", "\n").rstrip()
    return f"{draft}\n\n{text}" if draft else text


def _lang(language: str) -> str:
    return (language or "").split("-")[0].strip().lower()
