from django.urls import path

from careloop.web import views

app_name = "web"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("cases/<int:case_id>/tone", views.tone, name="tone"),
    path("cases/<int:case_id>/step", views.case_action, name="case_action"),
    path("members/<int:member_id>/", views.member, name="member"),
    path("threads/", views.threads, name="threads"),
    path("threads/<int:thread_id>/", views.thread, name="thread"),
    path("posts/<int:post_id>/open-case", views.open_case, name="open_case"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/responses/", views.canned_response, name="canned_response_add"),
    path("settings/responses/<int:response_id>/", views.canned_response, name="canned_response"),
    path("settings/sources/<int:source_id>/test", views.test_source, name="test_source"),
    path("me/", views.preferences, name="preferences"),
    path("health", views.health, name="health"),
]
