"""The composer never loses what the manager typed: a template is added at the cursor without a reload, a
placeholder left in the message stops the send with a clear message, and a refused send brings the draft back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from careloop.cases.models import OutboxMessage
from careloop.web.roles import set_role
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_draft_survives_a_template_choice_and_a_send_error(page, live_server, community, recording):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password", first_name="Maria")
    set_role(manager, "manager")
    case = community["billing"]
    sign_in(page, live_server, "maria")
    case_url = f"{live_server.url}/cases/{case.pk}/"
    page.goto(case_url)

    page.fill("#message", "Hi Anna, my own words first.")
    page.select_option("#template", "call_offer")
    page.click("#template-picker button[type=submit]")
    draft = page.input_value("#message")
    assert page.url == case_url  # no reload
    assert draft.startswith("Hi Anna, my own words first.\n\n")
    assert "Would a short call on [a time that suits you] work for you?" in draft
    selected = page.evaluate("(() => { const m = document.getElementById('message');"
                             " return m.value.slice(m.selectionStart, m.selectionEnd); })()")
    assert selected == "[a time that suits you]"  # ready to be typed over

    # the placeholder is still there: the send is stopped, the draft comes back as it was
    page.click("#outreach button[type=submit]")
    error = page.locator(".messages .error")
    error.wait_for()
    assert "placeholder to fill in: [a time that suits you]" in error.inner_text()
    assert page.input_value("#message") == draft
    assert not OutboxMessage.objects.filter(case=case).exists()

    # a send refused for another reason (no e-mail address) keeps the draft too
    filled = draft.replace("[a time that suits you]", "Tuesday at 15:00")
    page.fill("#message", filled)
    page.check("input[name=channel][value=email]")
    page.click("#outreach button[type=submit]")
    page.locator(".messages .error", has_text="has no e-mail address").wait_for()
    assert page.input_value("#message") == filled

    page.check("input[name=channel][value=dm]")
    page.click("#outreach button[type=submit]")
    page.locator(".messages", has_text="Message queued for sending.").wait_for()
    assert OutboxMessage.objects.get(case=case, kind="private").body == filled
    assert page.input_value("#message") == ""  # sent: the composer is free again
    assert not page.console_errors, page.console_errors


def test_a_case_whose_messages_all_failed_is_marked_done_only_by_saying_how_the_member_was_reached(
        page, live_server, community):
    from careloop.cases import outbox

    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    set_role(manager, "manager")
    case = community["billing"]  # an imported file's source: nothing can be sent to it
    sign_in(page, live_server, "maria")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.fill("#message", "Hi Anna, I am sorry about the double charge.")
    page.click("#outreach button[type=submit]")
    page.locator(".messages", has_text="Message queued for sending.").wait_for()
    outbox.send_due()
    page.reload()
    assert "cannot write back" in page.locator(".outbox-list .message.failed").inner_text()
    assert "No message has reached the member." in page.locator("#nothing-reached").inner_text()
    page.click(".outbox-list .message.failed a.write-again")  # the text of the failed message, back to edit
    page.wait_for_url("**/?again=*")
    assert page.input_value("#message") == "Hi Anna, I am sorry about the double charge."

    page.click("#mark-done")
    page.locator(".messages .error", has_text="No message has reached the member").wait_for()
    assert page.locator("#case-state").inner_text() == "Reaching out"

    page.fill("form:has(#mark-done) input[name=reached_another_way]", "by phone on Tuesday")
    page.click("#mark-done")
    page.locator(".messages", has_text="a follow-up is scheduled").wait_for()
    assert page.locator("#case-state").inner_text() == "Following up"
    assert "by phone on Tuesday" in page.locator("section.timeline-section").inner_text()
