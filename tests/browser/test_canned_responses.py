"""Canned responses in a real browser: a manager edits one in the settings page, then on a case types a draft,
puts the cursor inside it and inserts the canned response there: both texts stay, the draft around the insert.
Without JavaScript, "Use" adds it after the draft and the draft stays too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from careloop.cases.models import CannedResponse
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EDITED = "Glad it's sorted, {member_name}! If it comes back, tell me on [a day that suits you]. {manager_name}"


def test_edit_a_canned_response_then_insert_it_at_the_cursor_of_a_draft(page, live_server, community):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password", first_name="Maria")
    set_role(manager, "manager")
    case = community["billing"]
    sign_in(page, live_server, "maria")

    page.goto(f"{live_server.url}/settings/")
    row = page.locator("table.canned tr", has_text="Closing message").filter(has_text="Glad it's sorted")
    row.get_by_role("link", name="Edit").click()
    page.wait_for_url("**/settings/?edit=*")
    form = page.locator("#canned-form")
    assert "Edit “Closing message”" in form.inner_text()
    form.locator("textarea[name=body]").fill("Hi {member}, sorted?")  # a mistake first: refused in words
    form.locator("button.primary").click()
    page.locator("#body-error").wait_for()
    assert "“{member}” is not a placeholder careloop knows" in page.locator("#body-error").inner_text()
    page.locator("#canned-form textarea[name=body]").fill(EDITED)
    page.locator("#canned-form input[name=name]").fill("Glad it's sorted")
    page.locator("#canned-form button.primary").click()
    page.locator(".messages", has_text="Canned response “Glad it's sorted” saved.").wait_for()
    assert CannedResponse.objects.get(name="Glad it's sorted", language="en").body == EDITED
    screenshot(page, "canned-responses-settings")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    message = page.locator("#message")
    message.fill("Hi Anna, first my own words.\nAnd a last line of mine.")
    message.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("End")  # the cursor at the end of the first line
    page.select_option("#template", label="Glad it's sorted")
    page.click("#template-picker button[type=submit]")
    assert page.url == f"{live_server.url}/cases/{case.pk}/"  # no reload
    draft = message.input_value()
    assert draft == ("Hi Anna, first my own words.\n\nGlad it's sorted, Member anna! If it comes back, tell me on "
                     "[a day that suits you]. Maria\nAnd a last line of mine.")
    selected = page.evaluate("(() => { const m = document.getElementById('message');"
                             " return m.value.slice(m.selectionStart, m.selectionEnd); })()")
    assert selected == "[a day that suits you]"  # ready to be typed over
    page.keyboard.type("Friday")
    assert "tell me on Friday. Maria\nAnd a last line of mine." in message.input_value()
    assert message.input_value().startswith("Hi Anna, first my own words.\n\n")
    screenshot(page, "canned-response-inserted")
    assert not page.console_errors, page.console_errors


def test_without_javascript_use_adds_it_after_the_draft(browser, live_server, community):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password", first_name="Maria")
    set_role(manager, "manager")
    case = community["billing"]
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, live_server, "maria")
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        page.fill("#message", "My own words stay.")
        page.select_option("#template", "call_offer")
        page.click("#template-picker button[type=submit]")
        page.wait_for_url(f"{live_server.url}/cases/{case.pk}/#message")
        draft = page.input_value("#message")
        assert draft.startswith("My own words stay.\n\nHi Member anna, I'm Maria from the")
        assert "Would a short call on [a time that suits you] work for you?" in draft
        assert not case.outbox.exists()
        page.click("#outreach button.primary")  # the placeholder guard still stops the send
        assert "placeholder to fill in: [a time that suits you]" in page.locator(".messages .error").inner_text()
        assert page.input_value("#message") == draft
    finally:
        context.close()
