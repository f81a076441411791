"""Issue 15, item 6, in a real browser with two people: jonas opens a case, mara opens it and sees "jonas is viewing
this case"; jonas types in the composer and mara sees "jonas is writing a reply…" (and, since he began after she
opened the page, a warning in her composer); jonas leaves and, once his beats are older than the expiry, the line
is gone. The expiry and the beat are short here (settings); every wait is a poll with a generous timeout."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
WAIT = 20000  # ms: a busy machine may be slow; nothing here measures time


def _open(browser, live_server, name: str, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    sign_in(page, live_server, name)
    return context, page


def test_mara_sees_jonas_viewing_then_writing_then_gone(browser, live_server, community, settings):
    settings.CARELOOP_PRESENCE_POLL = 1
    settings.CARELOOP_PRESENCE_SECONDS = 4
    for name in ("jonas", "mara"):
        set_role(User.objects.create_user(name, f"{name}@example.org", "a-long-password"), "manager")
    url = f"{live_server.url}/cases/{community['billing'].pk}/"

    jonas_context, jonas = _open(browser, live_server, "jonas")
    jonas.goto(url)
    assert jonas.locator("#presence").is_hidden()  # nobody else yet
    mara_context, mara = _open(browser, live_server, "mara")
    mara.goto(url)
    line = mara.locator("#presence")
    assert "jonas is viewing this case" in line.inner_text()  # drawn with the page
    jonas.locator("#presence", has_text="mara is viewing this case").wait_for()  # his page's next beat
    assert mara.locator("#presence-warning").is_hidden()

    jonas.click("#message")
    jonas.keyboard.type("Hello Anna, I am sorry about the double charge")
    mara.locator("#presence", has_text="jonas is writing a reply…").wait_for()
    warning = mara.locator("#presence-warning")
    warning.wait_for()  # he began after she opened the page: a word before she sends too
    assert "jonas started writing a reply after you opened this case" in warning.inner_text()
    assert mara.locator("#outreach button.primary").is_enabled()  # a warning, not a block
    screenshot(mara, "case-presence-desktop")

    jonas_context.close()  # he leaves: no more beats
    mara.locator("#presence").wait_for(state="hidden")
    assert mara.locator("#presence-warning").is_hidden()
    assert not mara.console_errors, mara.console_errors
    mara_context.close()


def test_a_viewer_sees_who_writes_a_note_and_is_seen_viewing(browser, live_server, community, settings):
    settings.CARELOOP_PRESENCE_POLL = 1
    settings.CARELOOP_PRESENCE_SECONDS = 4
    set_role(User.objects.create_user("vera", "vera@example.org", "a-long-password"), "viewer")
    set_role(User.objects.create_user("mara", "mara@example.org", "a-long-password"), "manager")
    url = f"{live_server.url}/cases/{community['billing'].pk}/"
    vera_context, vera = _open(browser, live_server, "vera")
    vera.goto(url)
    assert vera.locator("#message").count() == 0  # a viewer has no composer, no note box
    mara_context, mara = _open(browser, live_server, "mara")
    mara.goto(url)
    assert "vera is viewing this case" in mara.locator("#presence").inner_text()
    mara.click("#note")
    mara.keyboard.type("checking the refund with billing")
    vera.locator("#presence", has_text="mara is writing a note…").wait_for()
    assert "vera is viewing this case" in mara.locator("#presence").inner_text()
    vera_context.close()
    mara_context.close()
