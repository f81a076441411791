"""The manager's day in a real browser: log in, open the queue, open a case, reach out (the tone check warns),
assign, mark done, the member answers they are satisfied, the case is resolved."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from careloop.cases import outbox
from careloop.cases.follow_up import read_replies
from careloop.cases.models import Case, CaseState
from careloop.community.models import Source
from careloop.connectors.base import PermanentFailure, PrivateReply
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_from_the_queue_to_a_resolved_case(page, live_server, community, recording):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password", first_name="Maria")
    set_role(manager, "manager")
    case = community["billing"]

    sign_in(page, live_server, "maria")
    assert page.locator("h1").inner_text() == "What needs you now"
    row = page.locator("table.queue tr", has_text="complaint about billing")
    assert "2 members agree" in row.inner_text()
    screenshot(page, "queue")
    row.locator("a.case-link").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator(".post.complaint").inner_text().count("I was charged twice") == 1
    page.locator(".metoo summary").click()
    assert page.locator(".metoo .post").count() == 2

    # reach out, with a draft from the template and a harsh sentence the tone check flags
    page.select_option("#template", "outreach")
    page.click("#template-picker button[type=submit]")
    assert page.url == f"{live_server.url}/cases/{case.pk}/"  # added to the composer, no reload
    assert "Hi Member anna" in page.input_value("#message")
    page.fill("#message", "Calm down. As I already said, the charge is refunded.")
    warning = page.locator("#tone .tone.warn")
    warning.wait_for()
    assert "Calm down" in warning.inner_text() and "Kinder:" in warning.inner_text()
    screenshot(page, "case")
    page.fill("#message", "Hi Anna, I am sorry about the double charge. I have asked billing to refund it.")
    page.locator("#tone .tone.ok").wait_for()
    page.click("#outreach button[type=submit]")
    page.locator(".messages", has_text="Message queued for sending.").wait_for()
    assert page.locator("#case-state").inner_text() == "Reaching out"
    outbox.send_due()  # the worker's part (with tasks run inline it has already sent it)
    assert len(recording.sent) == 1
    assert recording.sent[0].body.startswith("Hi Anna, I am sorry")

    # act: take the case, then mark the fix done
    page.select_option("#assign-user", str(manager.pk))
    page.click("form:has(#assign-user) button[type=submit]")
    page.locator(".messages", has_text="Assigned.").wait_for()
    assert page.locator("#case-assignee").inner_text() == "maria"
    page.click("#mark-done")
    page.locator(".messages", has_text="a follow-up is scheduled").wait_for()
    assert page.locator("#case-state").inner_text() == "Following up"

    # the member answers privately on the platform; the worker reads it
    recording.replies.append(PrivateReply(sender=case.member.external_id, body="Yes, it's sorted now, thank you! 5/5",
                                          external_id="reply-1", at=datetime.now(UTC)))
    assert read_replies(Source.objects.get(pk=case.source_id)) == 1
    page.reload()
    assert page.locator("#case-state").inner_text() == "Resolved"
    assert "anna replied" in page.locator("section.timeline-section").inner_text()  # the member, by name
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_a_message_that_failed_is_retried_from_the_case_page(page, live_server, community, recording):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    set_role(manager, "manager")
    case = community["billing"]
    sign_in(page, live_server, "maria")
    page.goto(f"{live_server.url}/cases/{case.pk}/")

    # the first message, with the note in the thread ticked; the platform refuses the private message
    page.fill("#message", "Hi Anna, I am sorry about the double charge. Could you tell me more?")
    assert "sent you a private message" in page.input_value("textarea[name=public_note]")
    page.check("#post-public")
    recording.failures.append(PermanentFailure("the member does not accept direct messages"))
    page.click("#outreach button[type=submit]")
    page.locator(".messages", has_text="Message and note for the thread queued for sending.").wait_for()
    outbox.send_due()
    page.reload()
    failed = page.locator(".outbox-list .message.failed")
    assert "does not accept direct messages" in failed.inner_text()
    assert page.locator(".outbox-list .message.sent", has_text="Public note").count() == 1
    failed.scroll_into_view_if_needed()
    screenshot(page, "case-messages")

    failed.locator("button[value=retry_message]").click()
    page.locator(".messages", has_text="The message is queued again.").wait_for()
    outbox.send_due()
    page.reload()
    assert page.locator(".outbox-list .message.sent").count() == 2
    assert page.locator(".outbox-list button").count() == 0
    assert sorted(m.kind for m in recording.sent) == ["private", "public_reply"]
    assert page.dialogs == [] and not page.console_errors, page.console_errors


def test_dashboard_draws_its_charts_offline(page, live_server, community):
    user = User.objects.create_user("vera", "", "a-long-password")
    set_role(user, "viewer")
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(live_server.url)
               else route.continue_())  # nothing from outside: the charts must come from the package
    sign_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("body[data-charts=drawn]")
    assert page.locator("canvas").count() + page.locator(".nodata").count() == 8
    assert page.locator("canvas").count() >= 2  # cases and active members have data (the posts are unscored)
    assert page.evaluate("document.getElementById('chart-cases').width") > 100
    screenshot(page, "dashboard")
    assert page.console_errors == []
