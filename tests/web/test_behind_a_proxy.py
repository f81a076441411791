"""Behind a reverse proxy that terminates TLS, logging in works: the browser's https:// origin is trusted."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.test import Client

from careloop.home import csrf_trusted_origins


def test_public_allowed_hosts_are_trusted_as_https_origins():
    assert csrf_trusted_origins(["127.0.0.1", "localhost", "[::1]"], None) == []
    assert csrf_trusted_origins(["careloop.example.org", "127.0.0.1", ".example.net"], None) == [
        "https://careloop.example.org", "https://*.example.net"]
    assert csrf_trusted_origins(["careloop.example.org"], "https://a.example, http://b.example ") == [
        "https://a.example", "http://b.example"]


def test_a_login_through_an_https_proxy_is_accepted(db, settings):
    settings.ALLOWED_HOSTS = ["careloop.example.org"]
    settings.CSRF_TRUSTED_ORIGINS = csrf_trusted_origins(settings.ALLOWED_HOSTS, None)
    get_user_model().objects.create_user("anna", "", "a-long-password-1")
    client = Client(enforce_csrf_checks=True, HTTP_HOST="careloop.example.org")
    page = client.get("/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/login/", {"username": "anna", "password": "a-long-password-1",
                                       "csrfmiddlewaretoken": token},
                           HTTP_ORIGIN="https://careloop.example.org", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 302
    untrusted = client.post("/login/", {"username": "anna", "password": "a-long-password-1",
                                        "csrfmiddlewaretoken": token}, HTTP_ORIGIN="https://evil.example")
    assert untrusted.status_code == 403
