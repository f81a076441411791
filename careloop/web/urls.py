from django.urls import path

from careloop.web import notifications, organise, people, views

app_name = "web"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/bulk", organise.bulk_step, name="bulk"),
    path("queue/views", organise.save_view, name="save_view"),
    path("queue/views/<int:view_id>/delete", organise.delete_view, name="delete_view"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("cases/<int:case_id>/tags", organise.case_tags, name="case_tags"),
    path("cases/<int:case_id>/tone", views.tone, name="tone"),
    path("cases/<int:case_id>/presence", views.case_presence, name="case_presence"),
    path("cases/<int:case_id>/step", views.case_action, name="case_action"),
    path("members/<int:member_id>/", views.member, name="member"),
    path("members/<int:member_id>/contact", notifications.member_contact, name="member_contact"),
    path("members/<int:member_id>/link", people.link_member, name="member_link"),
    path("members/<int:member_id>/unlink", people.unlink_member, name="member_unlink"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read", notifications.read_all, name="notifications_read"),
    path("notifications/<int:mention_id>/", notifications.open_notification, name="notification"),
    path("threads/", views.threads, name="threads"),
    path("threads/<int:thread_id>/", views.thread, name="thread"),
    path("posts/<int:post_id>/open-case", views.open_case, name="open_case"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/responses/", views.canned_response, name="canned_response_add"),
    path("settings/responses/<int:response_id>/", views.canned_response, name="canned_response"),
    path("settings/sources/<int:source_id>/test", views.test_source, name="test_source"),
    path("settings/service-levels/", views.service_levels, name="service_levels"),
    path("me/", views.preferences, name="preferences"),
    path("health", views.health, name="health"),
]
