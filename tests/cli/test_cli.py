"""The command line: help that reads like documentation, users, status."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User


def test_help_lists_the_commands_in_the_order_a_newcomer_needs_them(cli):
    out = cli("--help").output
    assert "careloop demo" in out and "DATABASE_URL" in out
    commands = out[out.index("Commands:"):]
    assert commands.index("import") < commands.index("serve") < commands.index("demo")


@pytest.mark.parametrize("command", ["import", "serve", "worker", "demo", "createuser", "status", "migrate"])
def test_every_command_explains_itself(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0 and len(result.output) > 200


def test_import_help_documents_the_summary_and_exit_codes(cli):
    out = cli("import", "--help").output
    assert "imported N, updated U, unchanged K, failed F" in out
    assert "0 every line imported, 1 some lines failed" in out


@pytest.mark.django_db
def test_createuser(cli):
    result = cli("createuser", "anna", "--email", "anna@example.org", "--password", "correct horse battery")
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="anna")
    assert user.check_password("correct horse battery") and not user.is_superuser
    again = cli("createuser", "anna", "--password", "correct horse battery")
    assert again.exit_code == 1 and "exists already" in again.output
    short = cli("createuser", "ben", "--password", "short")
    assert short.exit_code == 1 and "too short" in short.output


@pytest.mark.django_db
def test_createuser_admin_prompts_for_the_password(cli):
    result = cli("createuser", "root", "--admin", input="a-good-password\na-good-password\n")
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="root").is_superuser


@pytest.mark.django_db
def test_status_says_where_the_data_is(cli):
    out = cli("status").output
    assert "data folder" in out and "posts         0" in out and "never seen" in out
