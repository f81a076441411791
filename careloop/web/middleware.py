"""A Content-Security-Policy on every response: posts are hostile input, so even if an escaping bug let markup
through, the browser would run no inline script and load nothing from elsewhere."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):  # Django's admin uses inline scripts of its own
            response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class UserLanguageMiddleware:
    """The UI speaks the language the user chose in their settings; without a choice, the browser's.

    Runs after authentication (LocaleMiddleware runs before it and cannot see the user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        user = getattr(request, "user", None)
        language = ""
        if user is not None and user.is_authenticated:
            from careloop.web.models import Preference

            language = Preference.objects.filter(user=user).values_list("language", flat=True).first() or ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on what a logged-in user sees and on every API answer: a shared computer's
    browser cache or a proxy must not keep members' posts and cases after the user logged out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


class NulQueryMiddleware:
    """A NUL character (%00) in the query string is refused with 400 before any view reads it: no field takes one,
    and PostgreSQL refuses it in a text comparison (a filter such as `?source=%00` was a 500 there; the probe,
    bench/probe.py, found it). The API answers in JSON like its other errors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
                "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            message = "a query parameter holds a NUL character (%00); no parameter takes one"
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
