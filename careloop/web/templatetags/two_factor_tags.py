"""`{% load two_factor_tags %}`: whether a user logs in with a code (careloop.web.two_factor)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def has_two_factor(user: Any) -> bool:
    from careloop.web.two_factor import has_two_factor as confirmed

    return bool(getattr(user, "is_authenticated", False)) and confirmed(user)
