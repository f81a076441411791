"""Two-factor logins (django-otp TOTP): set up from Your settings with a QR code, then the code after the password;
wrong codes refused with a clear message and throttled; required for roles when configured; the CLI's escape
hatch; password lock-out (django-axes) and API tokens unaffected."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from careloop.web.roles import Role, set_role

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-password-1"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the phone app shows (steps_ahead: the next 30 s step's, which the default tolerance accepts: a
    code is good once, so a second login within the same step needs the next one)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def make_user(name: str = "anna", role: str = "manager"):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", PASSWORD)
    set_role(user, Role(role))
    return user


def with_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="careloop", confirmed=True)


def password_step(client: Client, name: str = "anna", password: str = PASSWORD, **extra):
    return client.post("/login/", {"username": name, "password": password, **extra})


def unthrottle(device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def test_set_up_from_your_settings_with_a_qr_code_then_the_login_asks_for_the_code():
    user = make_user()
    client = Client()
    assert password_step(client).status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    settings_page = client.get("/me/").content.decode()
    assert "Off: your password alone logs you in." in settings_page and 'href="/me/two-factor/"' in settings_page

    page = client.get("/me/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'class="qr"' in html  # the QR code, inline
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in main  # drawn on the server: no script in the page's content
    uri = re.search(r'<code class="totp-uri">([^<]+)</code>', html).group(1).replace("&amp;", "&")
    assert uri.startswith("otpauth://totp/careloop%3Aanna?secret=") and "issuer=careloop" in uri
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert client.get("/me/two-factor/").content.decode().count(uri.split("secret=")[1].split("&")[0]) >= 1
    assert TOTPDevice.objects.filter(user=user).count() == 1  # reloading keeps the same key

    wrong = client.post("/me/two-factor/", {"action": "confirm", "otp_token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    unthrottle(device)
    on = client.post("/me/two-factor/", {"action": "confirm", "otp_token": code_for(device)}, follow=True)
    assert "Two-factor login is on" in on.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert "On: you log in with your password and a code" in client.get("/me/").content.decode()

    # From now on: the password alone does not log in; the code does.
    client.post("/logout/")
    fresh = Client()
    step_one = password_step(fresh, next="/threads/")
    assert step_one.status_code == 302 and step_one["Location"] == "/login/code/"
    assert "_auth_user_id" not in fresh.session  # not logged in yet
    assert fresh.get("/").status_code == 302  # no page without the code
    assert "Two-factor code" in fresh.get("/login/code/").content.decode()
    done = fresh.post("/login/code/", {"otp_token": code_for(device, steps_ahead=1)})
    assert done.status_code == 302 and done["Location"] == "/threads/"
    assert fresh.session["_auth_user_id"] == str(user.pk)
    assert fresh.get("/").status_code == 200


def test_a_wrong_code_is_refused_clearly_and_repeated_wrong_codes_must_wait():
    user = make_user()
    device = with_device(user)
    client = Client()
    password_step(client)
    wrong = client.post("/login/code/", {"otp_token": "123 456"})
    assert wrong.status_code == 200
    assert "That code is not right. Type the code your app shows now" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    too_soon = client.post("/login/code/", {"otp_token": code_for(device)})  # within the 1 s wait
    assert too_soon.status_code == 429 and "Too many wrong codes in a row. Wait" in too_soon.content.decode()
    assert "_auth_user_id" not in client.session
    unthrottle(device)
    right = client.post("/login/code/", {"otp_token": code_for(device)})
    assert right.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_a_code_is_good_once_and_the_code_page_expires():
    user = make_user()
    device = with_device(user)
    first = Client()
    password_step(first)
    code = code_for(device)
    assert first.post("/login/code/", {"otp_token": code}).status_code == 302
    second = Client()
    password_step(second)
    replay = second.post("/login/code/", {"otp_token": code})
    assert "That code is not right" in replay.content.decode() and "_auth_user_id" not in second.session

    late = Client()
    password_step(late)
    session = late.session
    session["careloop_2fa_pending"]["since"] -= 3600
    session.save()
    expired = late.post("/login/code/", {"otp_token": code_for(device, steps_ahead=1)}, follow=True)
    assert "The login took too long" in expired.content.decode() and "_auth_user_id" not in late.session
    assert Client().get("/login/code/").status_code == 302  # no password step: back to the password


def test_the_password_lock_out_still_counts_and_comes_before_the_code():
    user = make_user()
    with_device(user)
    client = Client()
    for n in range(10):
        assert "do not match" in password_step(client, password=f"guess-{n}").content.decode()
    locked = password_step(client, password="guess-10")
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.content.decode()
    assert password_step(client).status_code == 429  # the right password: still locked out, no code page
    assert "careloop_2fa_pending" not in client.session


def test_required_for_managers_sends_them_to_the_set_up_first(settings):
    settings.CARELOOP_REQUIRE_2FA = "manager"
    manager, agent = make_user("mia", "manager"), make_user("aaron", "agent")
    client = Client()
    password_step(client, "mia")
    queue = client.get("/threads/")
    assert queue.status_code == 302 and queue["Location"].startswith("/me/two-factor/?next=%2Fthreads%2F")
    page = client.get(queue["Location"]).content.decode()
    assert "Your role must log in with two-factor" in page and "<svg" in page
    assert client.get("/api/cases").status_code == 401  # the session's API calls too
    device = TOTPDevice.objects.get(user=manager)
    done = client.post("/me/two-factor/", {"action": "confirm", "otp_token": code_for(device), "next": "/threads/"})
    assert done.status_code == 302 and done["Location"] == "/threads/"
    assert client.get("/threads/").status_code == 200

    other = Client()  # an agent is below the required role: the password is enough
    password_step(other, "aaron")
    assert other.get("/threads/").status_code == 200
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_required_for_admins_covers_a_superuser_and_the_admin_login(settings):
    settings.CARELOOP_REQUIRE_2FA = "admin"
    root = get_user_model().objects.create_superuser("root", "", PASSWORD)
    device = with_device(root)
    client = Client()
    # Django's admin login checks only the password: the session still owes the code on every page.
    assert client.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 302
    owed = client.get("/admin/")
    assert owed.status_code == 302 and owed["Location"].startswith("/login/code/?next=%2Fadmin%2F")
    assert client.post("/login/code/", {"otp_token": code_for(device), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_api_tokens_are_not_affected(settings):
    from careloop.api.tokens import create_token

    settings.CARELOOP_REQUIRE_2FA = "viewer"
    user = make_user("bot", "manager")
    with_device(user)
    _row, token = create_token(user, "script")
    answer = Client().get("/api/cases", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.content


def test_turning_it_off_needs_a_current_code():
    user = make_user()
    device = with_device(user)
    client = Client()
    password_step(client)
    client.post("/login/code/", {"otp_token": code_for(device)})
    refused = client.post("/me/two-factor/", {"action": "off", "otp_token": "000000"})
    assert "That code is not right" in refused.content.decode() and TOTPDevice.objects.filter(user=user).exists()
    unthrottle(device)
    off = client.post("/me/two-factor/", {"action": "off", "otp_token": code_for(device, steps_ahead=1)},
                      follow=True)
    assert "Two-factor login is off" in off.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()  # (the page offers a new one)


def test_reset_2fa_is_the_escape_hatch_for_a_locked_out_admin(cli):
    root = get_user_model().objects.create_superuser("root", "", PASSWORD)
    with_device(root)
    result = cli("reset-2fa", "root")
    assert result.exit_code == 0 and "Two-factor login is off for root (1 device(s) removed)" in result.output
    assert not TOTPDevice.objects.filter(user=root).exists()
    client = Client()
    assert password_step(client, "root").status_code == 302 and client.session["_auth_user_id"] == str(root.pk)
    assert "had no two-factor login set up" in cli("reset-2fa", "root").output
    missing = cli("reset-2fa", "nobody")
    assert missing.exit_code == 1 and "no user named 'nobody'" in missing.output


def test_the_pages_are_german_for_a_german_user():
    from careloop.web.models import Preference

    user = make_user()
    Preference.objects.create(user=user, language="de")
    client = Client()
    client.force_login(user)
    page = client.get("/me/two-factor/").content.decode()
    assert "Zwei-Faktor-Anmeldung" in page and "That code" not in page
    device = with_device(make_user("ben"))
    german = Client(headers={"Accept-Language": "de"})
    password_step(german, "ben")
    wrong = german.post("/login/code/", {"otp_token": "000000"}).content.decode()
    assert "Dieser Code stimmt nicht" in wrong
    assert device.pk


def test_the_wait_after_many_wrong_codes_is_no_longer_than_the_password_lock_out():
    user = make_user()
    device = with_device(user)
    # Someone with the password guessed 30 codes: django-otp alone would make the owner wait 2^29 s (17 years).
    last_guess = timezone.now() - timedelta(minutes=16)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=30,
                                                   throttling_failure_timestamp=last_guess)
    client = Client()
    password_step(client)
    assert client.post("/login/code/", {"otp_token": code_for(device)}).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=30,
                                                   throttling_failure_timestamp=timezone.now())
    again = Client()
    password_step(again)
    assert again.post("/login/code/", {"otp_token": code_for(device, steps_ahead=1)}).status_code == 429
