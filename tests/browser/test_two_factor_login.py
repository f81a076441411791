"""Two-factor in a real browser: set up an app from Your settings (the QR code drawn inline, no script error
under the CSP), log out, log in with the password and then the code; a wrong code is refused in words."""

from __future__ import annotations

import base64
import time

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP

from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def code_from_key(typed_key: str, *, steps_ahead: int = 0) -> str:
    """What a phone app shows for the key the page lets you type in."""
    key = typed_key.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_set_up_two_factor_then_log_in_with_the_code(page, live_server):
    user = User.objects.create_user("tanja", "tanja@example.org", "a-long-password")
    set_role(user, "admin")
    sign_in(page, live_server, "tanja")
    page.goto(f"{live_server.url}/me/")
    page.click("text=Set up two-factor login")
    qr = page.locator("div.qr svg")
    qr.wait_for()
    assert qr.bounding_box()["width"] >= 150  # drawn, at a size a phone can scan
    screenshot(page, "two-factor-set-up")
    page.click("text=Cannot scan? Type the key instead")
    key = page.locator("code.totp-key").inner_text()
    page.fill("#id_otp_token", code_from_key(key))
    page.click("text=Turn two-factor on")
    page.locator(".messages", has_text="Two-factor login is on").wait_for()

    page.click("button:has-text('Log out')")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "tanja")
    page.fill("#id_password", "a-long-password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/login/code/")
    page.fill("#id_otp_token", "000000")
    page.click("button[type=submit]")
    page.locator("p.error", has_text="That code is not right").wait_for()
    time.sleep(1.2)  # django-otp's wait after one wrong code
    page.fill("#id_otp_token", code_from_key(key, steps_ahead=1))  # the set-up used this step's code
    screenshot(page, "two-factor-code")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("a.who", has_text="tanja").count() == 1
    assert not page.console_errors, page.console_errors
