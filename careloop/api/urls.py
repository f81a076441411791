from django.urls import path, re_path

from careloop.api import views

app_name = "api"
urlpatterns = [
    path("health", views.health, name="health"),
    path("cases", views.cases, name="cases"),
    path("cases/<int:case_id>", views.case, name="case"),
    path("cases/<int:case_id>/reach-out", views.reach_out, name="reach_out"),
    path("cases/<int:case_id>/assign", views.assign, name="assign"),
    path("cases/<int:case_id>/notes", views.notes, name="notes"),
    path("cases/<int:case_id>/mark-done", views.mark_done, name="mark_done"),
    path("cases/<int:case_id>/member-reply", views.member_reply, name="member_reply"),
    path("cases/<int:case_id>/items", views.items, name="items"),
    path("cases/<int:case_id>/items/<int:item_id>/done", views.item_done, name="item_done"),
    path("cases/<int:case_id>/ticket", views.ticket, name="ticket"),
    path("cases/<int:case_id>/judge", views.judge, name="judge"),
    path("cases/<int:case_id>/dismiss", views.dismiss, name="dismiss"),
    path("cases/<int:case_id>/moderate", views.moderate, name="moderate"),
    path("cases/<int:case_id>/reopen", views.reopen, name="reopen"),
    path("posts/<int:post_id>/open-case", views.open_case, name="open_case"),
    path("cases/<int:case_id>/messages/<int:message_id>/retry", views.retry_message, name="retry_message"),
    path("cases/<int:case_id>/messages/<int:message_id>/cancel", views.cancel_message, name="cancel_message"),
    path("score", views.score, name="score"),
    path("score/jobs/<int:job_id>", views.score_job, name="score_job"),
    # anything else under /api/, line breaks (%0A) included: a JSON 404, not the web UI's page
    re_path(r"^(?P<rest>[\s\S]*)$", views.not_found),
]
