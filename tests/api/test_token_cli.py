"""`careloop api token create|list|revoke`: a token printed once, usable at once, revocable."""

from __future__ import annotations

import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from careloop.api.models import ApiToken
from tests.conftest import CARELOOP

pytestmark = pytest.mark.django_db


def test_create_list_and_revoke_a_token(cli, make_user, community):
    make_user("agent", "ben")
    made = cli("api", "token", "create", "ben", "--name", "helpdesk sync")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("cl_")
    row = ApiToken.objects.get(user__username="ben")
    assert row.name == "helpdesk sync" and token not in (row.digest, row.prefix)

    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/cases").status_code == 200

    listed = cli("api", "token", "list")
    assert listed.exit_code == 0 and "ben" in listed.output and row.prefix in listed.output
    assert token not in listed.output

    revoked = cli("api", "token", "revoke", str(row.pk))
    assert revoked.exit_code == 0 and "Revoked" in revoked.output
    assert client.get("/api/cases").status_code == 401
    assert cli("api", "token", "revoke", str(row.pk)).exit_code != 0


def test_no_token_for_an_unknown_or_inactive_user(cli, make_user):
    missing = cli("api", "token", "create", "nobody")
    assert missing.exit_code != 0 and "there is no user 'nobody'" in missing.output
    user = make_user("viewer", "gone")
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    inactive = cli("api", "token", "create", "gone")
    assert inactive.exit_code != 0 and "not an active user" in inactive.output
    assert not ApiToken.objects.exists()


def test_the_installed_command_makes_a_token_in_a_real_process(process_env):
    user = get_user_model().objects.create_user("carla", "", "a-long-password")
    done = subprocess.run([*CARELOOP, "api", "token", "create", "carla"], env=process_env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert token.startswith("cl_") and "shown only now" in done.stderr
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/cases")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert ApiToken.objects.get().user == user
