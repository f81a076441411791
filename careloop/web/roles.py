"""The web's door to the role rules (careloop/cases/roles.py): `@require(action)` on a view, and the rules'
names for the views and templates."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from careloop.cases.roles import (  # noqa: F401 - the names the web's views and templates use
    RANK,
    WORKS_CASES,
    Action,
    AssignmentRefused,
    Role,
    can,
    check_assignment,
    ensure_roles,
    permissions,
    require_on_case,
    role_of,
    set_role,
    works_cases,
)


class SignedInRequest(HttpRequest):
    """The request of a view behind @login_required or @require(): its user is signed in (for the type checker;
    django-stubs' own advice, as a request's user may otherwise be AnonymousUser)."""

    user: User


def require(action: Action | str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: log in first, then 403 unless the user may do `action` (the case check is the view's)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, action):
                raise PermissionDenied(f"your role may not {Action(action).value}")
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate
