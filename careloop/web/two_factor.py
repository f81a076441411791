"""Two-factor logins: a TOTP app's 6-digit code after the password (django-otp's TOTP devices).

- Setting it up (`/me/two-factor/`, from Your settings): careloop makes an unconfirmed TOTP device, shows its
  otpauth:// URI and a QR code (inline SVG drawn by segno on the server: no script, nothing loaded from
  elsewhere), and confirms the device once the user types a code from their app.
- Logging in (`LoginView`, then `login_code`): the password is checked as before (django-axes counts wrong ones
  and locks out); a user with a confirmed device is then *not* logged in yet: the session only remembers who
  passed the password, for PENDING_SECONDS, and the code page logs them in once the code is right. Wrong codes
  are throttled by django-otp (after n wrong codes in a row the next is checked only after 2^(n-1) s, at most
  the password lock-out's 15 minutes), a code is good once, and a code page left too long starts over at the
  password.
- Required (`CARELOOP_REQUIRE_2FA=admin|manager|agent|viewer`): a logged-in user of that role or above without
  a device is sent to the set-up page by `TwoFactorMiddleware` before any other page; a session that passed the
  password another way (Django's admin login) without the code is sent to the code page.
- API requests with a token (`Authorization: Bearer …`) are not affected; an API request on the browser's
  session is refused (401) while that session still owes its code or its set-up.
- Locked out (phone lost): an admin runs `careloop reset-2fa NAME` (`reset`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from careloop.cases.roles import RANK, Role, role_of

PENDING = "careloop_2fa_pending"  # session: who passed the password and still owes the code
PENDING_SECONDS = 300
DEVICE_NAME = "careloop"
CODE_FIELD = "otp_token"
# Paths a user who owes a code or a set-up may still reach: the login pages, logging out, the set-up page, and
# what is no one's page (static files, health, the platforms' webhooks).
OPEN_PATHS = ("/login/", "/logout/", "/me/two-factor/", "/static/", "/health", "/hooks/", "/api/health")


# ------------------------------------------------------------------------------------------------ rules
def required_for(user: Any) -> bool:
    """Must this user log in with a code (CARELOOP_REQUIRE_2FA names the lowest role that must)?"""
    level = getattr(settings, "CARELOOP_REQUIRE_2FA", "")
    role = role_of(user)
    return bool(level) and role is not None and RANK[role] >= RANK[Role(level)]


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def reset(user: Any) -> int:
    """Remove every TOTP device of the user (the CLI's escape hatch): they log in with the password alone, and
    set up again at once if their role requires it. The number of devices removed."""
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def qr_svg(uri: str) -> str:
    """The otpauth URI as a QR code, an inline <svg> (no style attributes: the CSP allows no inline style)."""
    code = segno.make(uri, error="m")
    return code.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr",
                           title=_("QR code for your authenticator app"))


def grouped_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing it into an app by hand."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def _common(request: HttpRequest) -> dict:
    from careloop.web.views import _common as page_context  # the top bar's role and the footer's worker

    return page_context(request)


def _code(request: HttpRequest) -> str:
    return "".join(request.POST.get(CODE_FIELD, "").split())


def _wrong_code_message(device: TOTPDevice) -> str | None:
    """Why no code can be checked right now (throttled after wrong codes), or None. The wait doubles with each
    wrong code but never lasts longer than the password lock-out (AXES_COOLOFF_TIME, 15 minutes): someone who has
    the password and guesses codes cannot lock the owner out for days."""
    from django.utils import timezone

    last = device.throttling_failure_timestamp
    if last is not None and timezone.now() - last > settings.AXES_COOLOFF_TIME:
        device.throttle_reset()
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (info or {}).get("locked_until")
    seconds = max(1, round((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return ngettext("Too many wrong codes in a row. Wait %(seconds)s second, then type the code your app shows now.",
                    "Too many wrong codes in a row. Wait %(seconds)s seconds, then type the code your app shows now.",
                    seconds) % {"seconds": seconds}


def check_code(user: Any, device: TOTPDevice, code: str) -> tuple[bool, str, int]:
    """(right, message, status): the code checked against the device, each code good once. Wrong codes in a row
    are throttled (django-otp): a try before the wait is over is not checked (429)."""
    waiting = _wrong_code_message(device)
    if waiting:
        return False, waiting, 429
    if not code:
        return False, _("Type the 6-digit code your authenticator app shows."), 200
    if verify_token(user, device.persistent_id, code) is None:
        return False, _("That code is not right. Type the code your app shows now (it changes every 30 seconds); "
                        "if every code is refused, check that your phone's clock is right."), 200
    return True, "", 200


# ------------------------------------------------------------------------------------------------ logging in
class LoginView(auth_views.LoginView):
    """Django's login, with the code asked for after the password when the user has a device."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not has_two_factor(user):
            return super().form_valid(form)
        self.request.session.cycle_key()  # a new session id once the password was right, as a login does
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "since": time.time(),
                                         "next": self.get_success_url()}
        return redirect("login_code")


def _pending_user(request: HttpRequest) -> tuple[Any, dict] | None:
    pending = request.session.get(PENDING)
    if not pending:
        return None
    if time.time() - pending.get("since", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: the 6-digit code from the user's app."""
    if request.user.is_authenticated:  # logged in by the password elsewhere (Django's admin login), code owed
        user, pending = request.user, {"next": request.GET.get("next") or request.POST.get("next") or ""}
        if request.user.is_verified() or not has_two_factor(user):  # type: ignore[attr-defined]  # OTPMiddleware's
            return redirect(_safe_next(request, pending["next"]))
    else:
        found = _pending_user(request)
        if found is None:
            messages.error(request, _("The login took too long or was not started: log in with your password "
                                      "again."))
            return redirect("login")
        user, pending = found
    device = confirmed_device(user)
    if device is None:  # the device was removed meanwhile (careloop reset-2fa): the password was enough
        return _finish(request, user, None, pending)
    error, status = "", 200
    if request.method == "POST":
        right, error, status = check_code(user, device, _code(request))
        if right:
            return _finish(request, user, device, pending)
    return render(request, "registration/login_code.html",
                  {"error": error, "next": pending.get("next", ""), "code_field": CODE_FIELD}, status=status)


def _finish(request: HttpRequest, user: Any, device: TOTPDevice | None, pending: dict) -> HttpResponse:
    if not request.user.is_authenticated:
        auth_login(request, user, backend=pending.get("backend") or request.session.get(BACKEND_SESSION_KEY))
    request.session.pop(PENDING, None)
    if device is not None:
        otp_login(request, device)
    return redirect(_safe_next(request, pending.get("next", "")))


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


# ------------------------------------------------------------------------------------------------ setting it up
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Your settings → Two-factor login: set up an app (QR code, confirm with a code), or turn it off."""
    user = request.user
    device = confirmed_device(user)
    action = request.POST.get("action", "")
    error = ""
    if device is not None:
        if request.method == "POST" and action == "off":
            right, error, _status = check_code(user, device, _code(request))
            if right:
                reset(user)
                messages.success(request, _("Two-factor login is off. You log in with your password alone."))
                return redirect("two_factor")
        return render(request, "web/two_factor.html", {**_common(request), "device": device, "error": error,
                                                       "code_field": CODE_FIELD, "required": required_for(user)})
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if request.method == "POST" and action == "again" and pending is not None:
        pending.delete()
        pending = None
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    if request.method == "POST" and action == "confirm":
        right, error, _status = check_code(user, pending, _code(request))
        if right:
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, pending)  # this session has just shown a code
            messages.success(request, _("Two-factor login is on. From now on, log in with your password and a "
                                        "code from your app."))
            return redirect(_safe_next(request, request.POST.get("next", "")) if request.POST.get("next")
                            else "two_factor")
    uri = pending.config_url
    return render(request, "web/two_factor.html", {
        **_common(request), "device": None, "uri": uri, "qr": qr_svg(uri), "key": grouped_key(pending), "error": error,
        "code_field": CODE_FIELD, "required": required_for(user),
        "next": request.GET.get("next") or request.POST.get("next", ""),
    })


# ------------------------------------------------------------------------------------------------ the guard
class TwoFactorMiddleware:
    """Before any page: a session that owes its code goes to the code page, a user whose role requires
    two-factor and has none set up goes to the set-up page. After django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.refusal(request) or self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(OPEN_PATHS):
            return None
        api = request.path.startswith("/api/")
        if api and request.headers.get("Authorization"):
            return None  # a token request: the token is the credential, the session is not used
        if user.is_verified():
            return None
        if has_two_factor(user):
            if api:
                return JsonResponse({"error": "this session has not given its two-factor code yet: log in again, "
                                              "or use a token"}, status=401)
            return redirect(f"{reverse('login_code')}?{urlencode({'next': request.get_full_path()})}")
        if required_for(user):
            if api:
                return JsonResponse({"error": "your role must use two-factor login: set it up at /me/two-factor/ "
                                              "first, or use a token"}, status=401)
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}")
        return None
