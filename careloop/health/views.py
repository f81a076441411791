"""GET /metrics: careloop's figures for Prometheus (careloop.health.metrics; docs/operator-guide.md, "Metrics").

Off by default — the figures name the sources, and say how busy the team is — so without CARELOOP_METRICS_TOKEN the
path answers 404 as if it did not exist. With it, a request must carry "Authorization: Bearer <the token>"; any
other answers 401. No session, no login: a scraper is not a user.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from careloop.health.metrics import CONTENT_TYPE, metrics_text


def _authorized(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.CARELOOP_METRICS_TOKEN
    if not token:
        raise Http404("metrics are off (CARELOOP_METRICS_TOKEN is not set)")
    if not _authorized(request, token):
        response = HttpResponse("a bearer token is needed (Authorization: Bearer <CARELOOP_METRICS_TOKEN>)\n",
                                status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="careloop metrics"'
        return response
    response = HttpResponse(metrics_text(), content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response
