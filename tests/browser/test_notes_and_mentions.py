"""Internal notes with @mentions in a real browser: jonas writes a note naming @mara (the composer offers her
name after "@"); mara signs in, sees the badge, opens the notification, lands on the note; the badge is gone.
And a member's e-mail address set from the case page's member card makes e-mail outreach possible."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from careloop.cases import act
from careloop.cases.models import Mention, OutboxMessage
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_jonas_mentions_mara_and_she_is_told(page, live_server, community):
    for name, role in (("jonas", "manager"), ("mara", "agent"), ("priya", "agent")):
        set_role(User.objects.create_user(name, f"{name}@example.org", "a-long-password"), role)
    case = community["billing"]

    sign_in(page, live_server, "jonas")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    note = page.locator("#note")
    note.click()
    note.press_sequentially("The refund is booked. @ma")
    options = page.locator("#note-mentions li")
    options.first.wait_for()
    assert options.all_inner_texts() == ["@mara"]  # priya and jonas do not start with "ma"
    note.evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(page, "notes-mention-composer-desktop")
    note.press("Enter")  # takes the name, does not send the form
    assert note.input_value() == "The refund is booked. @mara "
    note.press_sequentially("can you call Anna tomorrow? Write to anna@example.org if she prefers.")
    page.click("form:has(input[name=do][value=note]) button[type=submit]")
    page.locator(".messages", has_text="Note added.").wait_for()

    card = page.locator("li.event.note .note-card").last
    assert card.locator(".note-label").inner_text().lower() == "internal note · only the team sees it"
    assert card.locator("mark.mention").all_inner_texts() == ["@mara"]  # the e-mail address is not a mention
    background = card.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(255, 248, 219)"  # the yellow note card, not a chat bubble or a plain entry
    assert page.locator("#unread-badge").count() == 0  # jonas was not mentioned
    in_chat = page.locator("#chat li.turn-note")  # in the conversation too, as a note among the messages
    assert in_chat.locator("mark.mention").inner_text() == "@mara" and in_chat.locator(".bubble").count() == 0
    assert in_chat.locator(".note-card").evaluate("el => getComputedStyle(el).backgroundColor") == background
    in_chat.evaluate("el => el.closest('section').scrollIntoView({block: 'start'})")
    screenshot(page, "notes-in-conversation-desktop")
    card.evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(page, "notes-mention-desktop")

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mara@example.org"]
    assert f"jonas mentioned you on case {case.pk}" in mail.outbox[0].subject

    page.click("form.logout button[type=submit]")
    sign_in(page, live_server, "mara")
    assert page.locator("#unread-badge").inner_text() == "1"
    page.click("#notifications-link")
    item = page.locator("li.notification.unread")
    assert f"jonas mentioned you on case {case.pk}" in item.inner_text()
    assert "The refund is booked. @mara can you call Anna tomorrow?" in item.locator(".note-excerpt").inner_text()
    assert item.locator("mark.mention").inner_text() == "@mara"
    screenshot(page, "notifications-desktop")
    item.locator("a.open-notification").click()
    mention = Mention.objects.get()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/#event-{mention.event_id}$"))
    assert page.locator(f"#event-{mention.event_id} mark.mention").inner_text() == "@mara"
    assert page.locator("#unread-badge").count() == 0
    page.click("#notifications-link")
    assert page.locator("li.notification.unread").count() == 0 and page.locator("li.notification").count() == 1
    assert not page.console_errors


def test_setting_the_missing_address_makes_e_mail_outreach_possible(page, live_server, community, recording):
    set_role(User.objects.create_user("jonas", "jonas@example.org", "a-long-password"), "manager")
    case = community["billing"]
    sign_in(page, live_server, "jonas")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "no address yet" in page.locator("#email-channel-address").inner_text()
    page.fill("#message", "Hello Anna, sorry about the double charge.")
    page.check("input[name=channel][value=email]")
    page.click("#outreach button.primary")
    page.locator(".messages .error", has_text="has no e-mail address yet").wait_for()
    assert page.locator("#message").input_value() == "Hello Anna, sorry about the double charge."  # kept
    assert not OutboxMessage.objects.exists()

    page.click(".contact-edit summary")  # folded until asked for: the Act panel stays near
    page.fill("#contact-email", "anna at example")
    page.click("#save-contact")
    page.locator(".messages .error", has_text="is not an e-mail address").wait_for()
    assert page.locator("#contact-email").input_value() == "anna at example"
    page.fill("#contact-email", "anna@example.org")
    page.click("#save-contact")
    page.locator(".messages", has_text="Contact details of").wait_for()
    assert page.locator("#member-email").inner_text() == "anna@example.org"
    assert page.locator("#email-channel-address").inner_text() == "(anna@example.org)"
    assert "E-mail address changed" in page.locator("section.timeline-section").inner_text()

    page.fill("#message", "Hello Anna, sorry about the double charge.")
    page.check("input[name=channel][value=email]")
    page.click("#outreach button.primary")
    page.locator(".messages", has_text="Message queued for sending.").wait_for()
    message = OutboxMessage.objects.get()
    assert (message.channel, message.recipient) == ("email", "anna@example.org")


def test_notes_and_notifications_fit_a_phone(browser, live_server, community):
    jonas = User.objects.create_user("jonas", "jonas@example.org", "a-long-password")
    set_role(jonas, "manager")
    set_role(User.objects.create_user("mara", "mara@example.org", "a-long-password"), "agent")
    case = community["billing"]
    long_link = "https://tickets.example.org/" + "x" * 80  # one long word: it must wrap, not widen the page
    act.add_note(case, jonas, "@mara " + "a long note without many breaks " * 12 + long_link)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, live_server, "mara")
        assert page.locator("#unread-badge").inner_text() == "1"
        for path in ("/notifications/", f"/cases/{case.pk}/"):
            page.goto(live_server.url + path)
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{path}: {width[0]} px wide on a {width[1]} px screen"
            if path == "/notifications/":
                screenshot(page, "notifications-390")
        card = page.locator("li.event.note .note-card").last.bounding_box()
        assert card and card["x"] >= 0 and card["x"] + card["width"] <= 390, card
    finally:
        context.close()
