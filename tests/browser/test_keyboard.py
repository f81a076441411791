"""Issue 15, item 7, in a real browser: j/k through the queue and Enter opens the case; r puts the cursor in the
composer, Ctrl+Enter sends; letter keys do nothing while typing; ? shows the keys; after a step the case page
comes back to the panel it was taken in, not to the top. Each queue row shows its service-level timer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from careloop.cases.models import OutboxMessage
from careloop.cases.state import open_case
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_j_k_enter_then_r_and_ctrl_enter_sends(page, live_server, community, recording):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    set_role(manager, "manager")
    posts, members = community["posts"], community["members"]
    open_case(source=posts["4"].source, member=members["dave"], post=posts["4"], topic="support", risk=0.2,
              language="en")  # a third row

    sign_in(page, live_server, "maria")
    links = page.locator("table.queue a.case-link")
    assert links.count() == 3
    hrefs = [links.nth(i).get_attribute("href") for i in range(3)]
    assert page.locator("table.queue .timer").count() == 3  # each row's service level, in words
    assert "first contact due in" in page.locator("table.queue").inner_text()

    page.keyboard.press("j")
    page.keyboard.press("j")
    current = page.locator("table.queue tr.kbd-current")
    assert current.count() == 1 and current.locator("a.case-link").get_attribute("href") == hrefs[1]
    page.keyboard.press("k")
    assert current.locator("a.case-link").get_attribute("href") == hrefs[0]
    assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[0]  # a visible focus
    screenshot(page, "queue-keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{hrefs[0]}")

    page.keyboard.press("?")
    assert page.locator("#key-help").is_visible() and "Ctrl" in page.locator("#key-help").inner_text()
    page.keyboard.press("Escape")
    assert not page.locator("#key-help").is_visible()

    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "message"
    page.keyboard.type("Hi, just checking: j and k and r stay in the text.")
    assert page.input_value("#message").endswith("j and k and r stay in the text.")
    assert page.url == f"{live_server.url}{hrefs[0]}"  # typing j/k did not move anywhere
    page.keyboard.press("Control+Enter")
    page.locator(".messages", has_text="Message queued for sending.").wait_for()
    assert page.url.endswith(f"{hrefs[0]}#reach")  # back at the composer, not the top of the page
    assert page.locator("section.composer .messages", has_text="Message queued").count() == 1  # said there, too
    assert OutboxMessage.objects.filter(body__endswith="stay in the text.").count() == 1

    page.fill("#note", "a note from the keyboard")
    page.locator("#note").press("Control+Enter")
    page.locator(".messages", has_text="Note added.").wait_for()
    assert page.url.endswith("#act")
    assert page.evaluate("window.scrollY") > 0
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
