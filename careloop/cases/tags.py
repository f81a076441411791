"""Tags: the team's labels on cases ("refund", "app 2.3"), each in a colour of a small fixed palette.

- `add_tag(case, actor, name, colour="")` → the Tag (created on first use; the colour picked from the palette
  when not given); an ACTION event "tag_added" on the case's timeline. Adding a tag the case has is a no-op.
- `remove_tag(case, actor, name)` → True when the case had it; an ACTION event "tag_removed".
- `tag_names(text)` → the clean name of a tag as typed (spaces collapsed, at most NAME_CHARS).

Who: agents, managers and admins, on any case (roles.Action.TAG); viewers read tags only.
"""

from __future__ import annotations

import zlib
from typing import Any

from django.db import transaction

from careloop.cases import state
from careloop.cases.models import Case, CaseEvent, Tag
from careloop.cases.roles import Action, require_on_case

NAME_CHARS = 40
PALETTE = tuple(Tag.Colour.values)


def clean_name(text: str) -> str:
    """The tag's name as typed, spaces collapsed; raises ValueError when empty."""
    name = " ".join(str(text or "").split())[:NAME_CHARS]
    if not name:
        raise ValueError("the tag has no name")
    return name


def colour_for(name: str) -> str:
    """A colour of the palette for a new tag, the same for the same name (grey left for the team to choose)."""
    choices = PALETTE[1:]
    return choices[zlib.crc32(name.lower().encode()) % len(choices)]


def get_or_create(name: str, colour: str = "") -> Tag:
    name = clean_name(name)
    if colour and colour not in PALETTE:
        raise ValueError(f"unknown colour {colour!r}; choose one of {', '.join(PALETTE)}")
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None:
        tag, _created = Tag.objects.get_or_create(name=name, defaults={"colour": colour or colour_for(name)})
    return tag


def add_tag(case: Case, actor: Any, name: str, colour: str = "") -> Tag:
    """Put the tag on the case (created on first use), recorded on the case's timeline."""
    require_on_case(actor, Action.TAG, case)
    with transaction.atomic():
        tag = get_or_create(name, colour)
        if not case.tags.filter(pk=tag.pk).exists():
            case.tags.add(tag)
            state.record(case, CaseEvent.Kind.ACTION, actor, what="tag_added", tag=tag.name)
    return tag


def remove_tag(case: Case, actor: Any, name: str) -> bool:
    """Take the tag off the case; True when it had it (recorded on the timeline), False otherwise."""
    require_on_case(actor, Action.TAG, case)
    with transaction.atomic():
        tag = case.tags.filter(name__iexact=" ".join(str(name or "").split())).first()
        if tag is None:
            return False
        case.tags.remove(tag)
        state.record(case, CaseEvent.Kind.ACTION, actor, what="tag_removed", tag=tag.name)
    return True
