from django.urls import path

from careloop.web import views

app_name = "web"
urlpatterns = [
    path("", views.threads, name="threads"),
    path("threads/<int:thread_id>/", views.thread, name="thread"),
    path("health", views.health, name="health"),
]
