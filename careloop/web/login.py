"""The login's guard: after CARELOOP_LOGIN_FAILURES wrong passwords in a row for one user name from one address
(django-axes counts them), that pair is refused for CARELOOP_LOGIN_LOCKOUT_MINUTES with a message saying so."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

LOCKED_OUT_STATUS = 429


def lockout_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The login page again, with why the login was refused and when to try again (429)."""
    minutes = lockout_minutes()
    message = ngettext(
        "Too many wrong passwords for this user name. Logging in is blocked for %(minutes)s minute; "
        "try again after that, or ask an admin to unlock it (careloop manage axes_reset_username NAME).",
        "Too many wrong passwords for this user name. Logging in is blocked for %(minutes)s minutes; "
        "try again after that, or ask an admin to unlock it (careloop manage axes_reset_username NAME).",
        minutes,
    ) % {"minutes": minutes}
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render(request, "registration/login.html",
                  {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
                  status=LOCKED_OUT_STATUS)
