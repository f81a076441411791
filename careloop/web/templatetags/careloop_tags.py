"""Small template helpers for careloop's pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(value: datetime | None) -> str:
    """'3 hours ago': the largest unit only, which is what a glance at a list needs."""
    if not value:
        return ""
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}
