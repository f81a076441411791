"""Logins are rate limited (django-axes): the 11th wrong password in a row is refused with a clear message, in
the user's language; the right password works again once the lock-out is over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-1"


@pytest.fixture
def anna():
    return get_user_model().objects.create_user("anna", "", PASSWORD)


def attempt(client: Client, password: str, **headers):
    return client.post("/login/", {"username": "anna", "password": password}, headers=headers)


def test_the_eleventh_wrong_password_is_refused_and_the_right_one_works_after_the_lock_out(anna, settings):
    assert settings.AXES_FAILURE_LIMIT == 10 + 1  # CARELOOP_LOGIN_FAILURES=10, then refused
    client = Client()
    for n in range(10):
        wrong = attempt(client, f"guess-{n}")
        assert wrong.status_code == 200 and "do not match" in wrong.content.decode(), n
    eleventh = attempt(client, "guess-10")
    assert eleventh.status_code == 429
    page = eleventh.content.decode()
    assert "Too many wrong passwords for this user name" in page and "blocked for 15 minutes" in page
    # Locked out: even the right password is refused now, with the same message, and no session is made.
    right_too_early = attempt(client, PASSWORD)
    assert right_too_early.status_code == 429 and "Too many wrong passwords" in right_too_early.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock-out is over (its 15 minutes passed): the right password logs in, and the count starts again.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    logged_in = attempt(client, PASSWORD)
    assert logged_in.status_code == 302 and client.session["_auth_user_id"] == str(anna.pk)
    assert not AccessAttempt.objects.exists()


def test_another_address_is_not_locked_out_by_someone_guessing(anna):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(11):
        attempt(guesser, f"guess-{n}")
    assert attempt(guesser, PASSWORD).status_code == 429
    assert attempt(Client(REMOTE_ADDR="198.51.100.7"), PASSWORD).status_code == 302


def test_the_message_is_in_german_for_a_german_browser(anna):
    from django.utils import translation

    client = Client(headers={"Accept-Language": "de"})
    try:
        for n in range(11):
            response = attempt(client, f"guess-{n}")
    finally:
        translation.deactivate()  # the request's language must not stay on for the tests after this one
    assert response.status_code == 429
    assert "Zu viele falsche Passwörter für diesen Benutzernamen" in response.content.decode()
