"""The API's plumbing: who is calling, the JSON body, and errors as `{"error": ...}` with the right status.

- A request with `Authorization: Bearer <token>` is that token's user; it needs no CSRF token (a browser
  never adds that header by itself, so another site cannot forge it). A wrong or unknown token is a 401,
  whatever session cookie comes with it; so is an expired one (the answer says when it expired). A read-only
  token's write (anything but GET/HEAD/OPTIONS) is a 403, whatever the user's role. More than
  CARELOOP_API_RATE_PER_MINUTE requests with one token in a clock minute are a 429 with Retry-After
  (careloop.api.tokens).
- A request without it uses the browser's session (the web UI's login); then a POST must carry the CSRF
  token, exactly as a form in the web UI does.
- Bodies are JSON objects (a form is a 415) of at most CARELOOP_API_MAX_BODY bytes (default 1 MiB); a longer
  body is refused with 413 before it is read. Unknown fields, wrong types, strings that are too long or hold
  NUL characters are a 400 naming the field, before anything is called: a refused request stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

import orjson
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from careloop.api.tokens import RateLimited, TokenRefused, count_request, token_row
from careloop.cases.roles import Action, can


def max_body_bytes() -> int:
    return int(settings.CARELOOP_API_MAX_BODY)


class ApiError(Exception):
    """Answer the request with this status and message (and stop)."""

    def __init__(self, status: int, message: str, *, headers: Mapping[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.extra = extra


def error(status: int, message: str, *, headers: Mapping[str, str] | None = None, **extra: Any) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def ok(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check, called by hand for session requests; a failure is its reason, not a page."""

    def _reject(self, request: HttpRequest, reason: str) -> str:
        return reason


def _csrf_failure(request: HttpRequest) -> str | None:
    check = _CsrfCheck(lambda r: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda r: HttpResponse(), (), {})  # type: ignore[return-value]


def signed_in(request: HttpRequest) -> User:
    """The user authenticate() let in (a view's request has one; else the same 401 as there)."""
    if not isinstance(request.user, User):
        raise ApiError(401, "log in, or send 'Authorization: Bearer <token>' (careloop api token create USER)")
    return request.user


def authenticate(request: HttpRequest) -> None:
    """Set request.user from the bearer token, or keep the session's user (and check CSRF on a POST)."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "send the token as 'Authorization: Bearer <token>'")
        try:
            row = token_row(token.strip(), request.method or "GET")
            count_request(row)
        except TokenRefused as exc:
            raise ApiError(exc.status, exc.message, **exc.extra) from None
        except RateLimited as exc:
            raise ApiError(429, f"too many requests: at most {exc.limit} a minute with one token; "
                                f"try again in {exc.retry_after} s", headers={"Retry-After": str(exc.retry_after)},
                           limit=exc.limit, retry_after=exc.retry_after) from None
        request.user = row.user
        return
    if not request.user.is_authenticated:
        raise ApiError(401, "log in, or send 'Authorization: Bearer <token>' (careloop api token create USER)")
    if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
        reason = _csrf_failure(request)
        if reason:
            raise ApiError(403, f"CSRF check failed: {reason}; a session request needs the CSRF token "
                                "(X-CSRFToken header), a token request does not")


def endpoint(methods: tuple[str, ...], action: Action | None = Action.VIEW, *, public: bool = False
             ) -> Callable[[Callable[..., JsonResponse]], Callable[..., HttpResponse]]:
    """An API view: allowed methods, who may call it (`can(user, action)`), and errors as JSON."""

    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    response = error(405, f"use {' or '.join(methods)} here")
                    response["Allow"] = ", ".join(methods)
                    return response
                if not public:
                    authenticate(request)
                    if action is not None and not can(request.user, action):
                        raise ApiError(403, f"your role may not {Action(action).value}")
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return error(exc.status, exc.message, headers=exc.headers, **exc.extra)
            except PermissionDenied as exc:
                return error(403, str(exc) or "your role may not do this")

        return csrf_exempt(wrapped)  # CSRF is checked in authenticate(), for session requests only

    return decorate


# ----------------------------------------------------------------------------------------------- the body
def read_json(request: HttpRequest, limit: int | None = None) -> dict[str, Any]:
    """The body as a JSON object; 413 when too big (checked before reading), 400 when not a JSON object."""
    limit = limit or max_body_bytes()
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise ApiError(415, f"the body is a form ({request.content_type}); send JSON with "
                            "'Content-Type: application/json'")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, "the Content-Length header is not a number") from None
    if declared > limit:
        raise ApiError(413, f"the body is {declared} bytes; the limit is {limit}", limit=limit)
    body = request.read(limit + 1)
    if len(body) > limit:
        raise ApiError(413, f"the body is over the limit of {limit} bytes", limit=limit)
    if not body.strip():
        return {}
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"the body must be a JSON object, not {_type_name(data)}")
    return data


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", int: "a whole number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Field:
    """One field of a body: its type, whether it must be there, and its bounds."""

    kind: type | tuple[type, ...]
    required: bool = False
    max_chars: int = 10_000
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False


def fields(data: Mapping[str, Any], spec: Mapping[str, Field]) -> dict[str, Any]:
    """Check `data` against `spec`: every problem is a 400 that names the field. Missing optional fields are
    left out of the result."""
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise ApiError(400, f"unknown field {unknown[0]!r}; this endpoint takes {', '.join(sorted(spec))}"
                       if spec else f"unknown field {unknown[0]!r}; this endpoint takes no body")
    out: dict[str, Any] = {}
    for name, field in spec.items():
        if name not in data:
            if field.required:
                raise ApiError(400, f"the field {name!r} is missing")
            continue
        value = data[name]
        if value is None and field.nullable:
            out[name] = None
            continue
        out[name] = check_value(name, value, field)
    return out


def check_value(name: str, value: Any, field: Field) -> Any:
    kinds = field.kind if isinstance(field.kind, tuple) else (field.kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        wanted = " or ".join(_type_name(k()) for k in kinds if not (k is int and float in kinds))
        raise ApiError(400, f"the field {name!r} must be {wanted}, not {_type_name(value)}")
    if isinstance(value, str):
        if len(value) > field.max_chars:
            raise ApiError(400, f"the field {name!r} is {len(value)} characters; at most {field.max_chars}")
        if "\x00" in value:
            raise ApiError(400, f"the field {name!r} contains a NUL character")
        if field.choices and value not in field.choices:
            raise ApiError(400, f"the field {name!r} must be one of {', '.join(field.choices)}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if field.minimum is not None and value < field.minimum:
            raise ApiError(400, f"the field {name!r} must be at least {field.minimum:g}")
        if field.maximum is not None and value > field.maximum:
            raise ApiError(400, f"the field {name!r} must be at most {field.maximum:g}")
    return value
