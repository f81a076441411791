"""Webhook endpoints, mounted under /hooks/ (careloop/urls.py)."""

from django.urls import path

from careloop.connectors import views

app_name = "connectors"
urlpatterns = [
    path("discourse/<slug:source_name>/", views.receive_discourse, name="discourse"),
    path("discourse/<slug:source_name>", views.receive_discourse),  # senders often leave the slash off
    path("<slug:source_name>/", views.receive_posts, name="webhook"),
    path("<slug:source_name>", views.receive_posts),
]
