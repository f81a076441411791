"""Webhook endpoints, mounted under /hooks/ (careloop/urls.py): one URL per connector kind that receives webhooks,
at the path its `webhook_route` names, all served by the one view `views.receive_webhook`.

Today: /hooks/discourse/<source>/ (Discourse) and /hooks/<source>/ (the generic webhook); each also without its
last slash, which senders often leave off. The kinds with a prefix come first, so that a prefix is never read as
a source name.
"""

from django.urls import URLPattern, path

from careloop.connectors import views
from careloop.connectors.base import webhook_routes

app_name = "connectors"


def webhook_patterns() -> list[URLPattern]:
    patterns: list[URLPattern] = []
    routes = sorted(webhook_routes().items(), key=lambda item: (item[1].prefix == "", item[1].prefix, item[0]))
    for kind, route in routes:
        patterns += [
            path(f"{route.prefix}<slug:source_name>/", views.receive_webhook, {"kind": kind}, name=kind),
            path(f"{route.prefix}<slug:source_name>", views.receive_webhook, {"kind": kind}),
        ]
    return patterns


urlpatterns = webhook_patterns()
