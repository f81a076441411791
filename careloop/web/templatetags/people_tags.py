"""Template helpers of a member's linked accounts (careloop/cases/people.py): a link's reason in words."""

from __future__ import annotations

from typing import Any

from django import template

from careloop.web.people import match_words

register = template.Library()


@register.filter
def link_reason(item: Any) -> str:
    """A suggestion's match or a PersonLink record as words in the reader's language."""
    basis = getattr(item, "basis", "")
    value = getattr(item, "value", None)
    said: str = getattr(item, "detail", "") if value is None else value
    return match_words(basis, said) if basis else ""
