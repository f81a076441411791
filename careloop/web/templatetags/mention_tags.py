"""Template helpers of internal notes and notifications (careloop/cases/mentions.py) and of a member's contact
details (careloop/cases/contact.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from careloop.cases import contact, mentions

register = template.Library()


@register.simple_tag
def unread_notifications(user: Any) -> int:
    """The signed-in user's unread notifications: the badge in the page header (one indexed count)."""
    return mentions.unread(user)


@register.filter
def with_mentions(text: str, names: list[str] | str | None) -> SafeString:
    """The note's text, escaped, its line breaks kept, each @mention of `names` (a list, or one username)
    highlighted."""
    text = str(text or "")
    found = mentions.find(text, [names] if isinstance(names, str) else names or [])
    parts: list[str] = []
    at = 0
    for f in found:
        parts.append(linebreaksbr(text[at:f.start], autoescape=True))
        parts.append(f'<mark class="mention">{escape(text[f.start:f.end])}</mark>')
        at = f.end
    parts.append(linebreaksbr(text[at:], autoescape=True))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


@register.filter
def contact_of(member: Any) -> dict[str, str]:
    """The member's e-mail address and phone as held now ({"email": "", "phone": ""} when none)."""
    return contact.contact_of(member)


@register.simple_tag
def contact_changes(member: Any, limit: int = 10) -> list:
    """The latest changes of the member's contact details, newest first."""
    return list(member.contact_changes.select_related("changed_by")[:limit])


@register.simple_tag(takes_context=True)
def typed_contact(context: Any, member: Any) -> dict[str, str]:
    """What was typed into the member's contact form when it was refused (once), else what is held now."""
    request = context.get("request")
    kept = request.session.pop(f"careloop-contact-{member.pk}", None) if request is not None else None
    return kept if isinstance(kept, dict) else contact.contact_of(member)


@register.simple_tag
def team_usernames() -> list[str]:
    """The usernames the note composer offers after "@" (every active user)."""
    return mentions.team_usernames()
