"""Small template helpers for careloop's pages."""

from __future__ import annotations

from datetime import datetime
from typing import TypeGuard
from urllib.parse import urlencode

import nh3
from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

register = template.Library()


@register.filter
def ago(value: datetime | None) -> str:
    """'3 hours ago': the largest unit only, which is what a glance at a list needs."""
    if not value:
        return ""
    from django.utils import timezone

    if abs((timezone.now() - value).total_seconds()) < 60:  # not "0 minutes ago" ("vor 0 Minuten")
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}


@register.filter
def duration_since(value: datetime | None) -> str:
    """'3 hours': how long since, the largest unit only; under the column heading "Waiting" ("Wartet")."""
    return timesince(value, depth=1) if value else ""


STATE_LABELS = {
    "new": pgettext_lazy("case state", "New"),
    "reaching_out": pgettext_lazy("case state", "Reaching out"),
    "acting": pgettext_lazy("case state", "Acting"),
    "following_up": pgettext_lazy("case state", "Following up"),
    "resolved": pgettext_lazy("case state", "Resolved"),
    "dismissed": pgettext_lazy("case state", "Dismissed"),
    "moderated": pgettext_lazy("case state", "Moderated"),
}

EVENT_LABELS = {
    "opened": gettext_lazy("Case opened"),
    "transition": gettext_lazy("State changed"),
    "message_out": gettext_lazy("Message sent"),
    "message_in": gettext_lazy("Member replied"),
    "note": gettext_lazy("Note"),
    "assigned": gettext_lazy("Assigned"),
    "action": gettext_lazy("Action"),
    "member_added": gettext_lazy("Member added"),
    "ticket": gettext_lazy("Ticket linked"),
    "scheduled": gettext_lazy("Scheduled"),
    "overdue": gettext_lazy("Overdue"),
    "error": gettext_lazy("Error"),
}


MESSAGE_LABELS = {  # an outbox message's purpose, channel and status, as the case page lists them
    "dm": pgettext_lazy("message", "private message"),
    "email": pgettext_lazy("message", "e-mail"),
    "call": pgettext_lazy("message", "call offer"),
    "public": pgettext_lazy("message", "in the thread"),
    "outreach": pgettext_lazy("message", "Outreach"),
    "public_note": pgettext_lazy("message", "Public note"),
    "call_offer": pgettext_lazy("message", "Call offer"),
    "follow_up": pgettext_lazy("message", "Follow-up"),
    "reminder": pgettext_lazy("message", "Reminder"),
    "closing": pgettext_lazy("message", "Closing message"),
    "warning": pgettext_lazy("message", "Warning"),
    "queued": pgettext_lazy("message", "queued"),
    "sending": pgettext_lazy("message", "sending"),
    "sent": pgettext_lazy("message", "sent"),
    "failed": pgettext_lazy("message", "failed"),
    "unsure": pgettext_lazy("message", "unsure: check on the platform before retrying"),
    "cancelled": pgettext_lazy("message", "cancelled"),
}


@register.filter
def message_label(value: str) -> str:
    """An outbox message's purpose, channel or status in the reader's language."""
    return str(MESSAGE_LABELS.get(value, value.replace("_", " ")))


@register.filter
def state_label(value: str) -> str:
    """A case state in the reader's language."""
    return str(STATE_LABELS.get(value, value))


TAG_COLOURS = {"grey": pgettext_lazy("colour", "grey"), "blue": pgettext_lazy("colour", "blue"),
               "green": pgettext_lazy("colour", "green"), "yellow": pgettext_lazy("colour", "yellow"),
               "orange": pgettext_lazy("colour", "orange"), "red": pgettext_lazy("colour", "red"),
               "purple": pgettext_lazy("colour", "purple")}


@register.filter
def tag_colour(value: str) -> str:
    """A tag's colour (cases.models.Tag.Colour) in the reader's language."""
    return str(TAG_COLOURS.get(value, value))


@register.filter
def event_label(value: str) -> str:
    return str(EVENT_LABELS.get(value, value.replace("_", " ")))


@register.filter
def detail(value: object) -> str:
    """One value of a timeline event's details in words: a list as "a; b", a reason as its text."""
    if isinstance(value, dict):
        return str(value.get("text") or ", ".join(f"{k}: {v}" for k, v in value.items()))
    if isinstance(value, list | tuple):
        return "; ".join(detail(v) for v in value)
    return "" if value is None else str(value)


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)} %"


@register.filter
def urlencode_dict(value: dict[str, str]) -> str:
    """Query-string of a dict of filters (empty values left out)."""
    return urlencode({k: v for k, v in value.items() if v})


TEMPLATE_LABELS = {
    "outreach": gettext_lazy("Private outreach"),
    "public_note": gettext_lazy("Public note"),
    "call_offer": gettext_lazy("Offer a call"),
    "follow_up": gettext_lazy("Follow-up question"),
    "reminder": gettext_lazy("Reminder"),
    "closing": gettext_lazy("Closing message"),
    "warning": gettext_lazy("Private warning"),
}


@register.filter
def template_label(name: str) -> str:
    return str(TEMPLATE_LABELS.get(name, name.replace("_", " ")))


@register.filter
def lookup(mapping: dict | None, key: object) -> object:
    return (mapping or {}).get(key)


# Posts are hostile input. Their text is shown escaped; where a platform gave HTML (kept in post.extra["html"],
# e.g. Discourse's cooked text) it is cleaned by nh3 down to a few harmless tags first.
ALLOWED_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "s"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def clean_html(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow ugc")


@register.filter
def post_body(post) -> str:
    html = post.extra.get("html") if isinstance(post.extra, dict) else None
    if isinstance(html, str) and html.strip():
        return mark_safe(clean_html(html))  # noqa: S308 - cleaned by nh3 just above
    return linebreaksbr(post.text, autoescape=True)


WEB_SCHEMES = ("http://", "https://")


def is_web_link(url: object) -> TypeGuard[str]:
    """An http(s) address: the only kind written into an href (a post's `javascript:` URL must not run)."""
    return isinstance(url, str) and url.strip().lower().startswith(WEB_SCHEMES) and not any(
        c in url for c in "\x00\r\n\t")


@register.filter
def web_link(url: object) -> str:
    """The address when it is http or https, else "" (so `{% if x|web_link %}` leaves the link out)."""
    return url.strip() if is_web_link(url) else ""


@register.filter
def thread_name(thread) -> str:
    """A thread's title, or for a chat thread without one its room and day ("Chat in #support, 3 Dec 2026"),
    never a platform id like "ct-239"."""
    if thread is None:
        return ""
    if thread.title:
        return thread.title
    from django.utils import formats, timezone

    day = formats.date_format(timezone.localtime(thread.started_at), "j M Y") if thread.started_at else ""
    if thread.channel and day:
        return _("Chat in #%(channel)s, %(day)s") % {"channel": thread.channel, "day": day}
    if thread.channel:
        return _("Chat in #%(channel)s") % {"channel": thread.channel}
    if day:
        return _("Conversation of %(day)s") % {"day": day}
    return _("Conversation without a title")


@register.filter
def reason(value: object) -> str:
    """One of a case's reasons in the reader's language (careloop/web/reasons.py)."""
    from careloop.web.reasons import reason_text

    return reason_text(value)
