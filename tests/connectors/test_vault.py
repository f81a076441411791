"""Connection secrets: encrypted at rest, shown masked, never in errors; the CLI that sets them."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from careloop.community.models import Source
from careloop.connectors.base import PermanentFailure, connector_for
from careloop.connectors.health import describe
from careloop.connectors.vault import PREFIX, mask, masked_settings, secret

TOKEN = "syt_bm90LWEtcmVhbC10b2tlbg_abcdefghijklmnop_1a2b3c"


def raw_settings(source: Source) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT settings FROM community_source WHERE id = %s", [source.id])
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value)


def test_secrets_are_encrypted_at_rest_and_masked_when_shown(make_source):
    source = make_source("matrix", homeserver="https://matrix.example.org", access_token=TOKEN)
    stored = raw_settings(source)
    assert TOKEN not in stored and PREFIX in stored and "https://matrix.example.org" in stored
    assert secret(source, "access_token") == TOKEN
    shown = masked_settings(source)
    assert shown["access_token"] == "••••2b3c" and shown["homeserver"] == "https://matrix.example.org"
    assert mask("short") == "••••"


def test_another_key_cannot_read_them_and_says_what_to_do(make_source, monkeypatch):
    source = make_source("discourse", base_url="https://forum.example.org", api_key="k" * 40)
    monkeypatch.setenv("CARELOOP_ENCRYPTION_KEY", "a-different-key")
    with pytest.raises(PermanentFailure, match="another key") as failure:
        secret(source, "api_key")
    assert "k" * 10 not in str(failure.value)
    assert masked_settings(source)["api_key"].endswith("(cannot decrypt: key changed)")


def test_the_source_commands_add_check_list_without_showing_secrets(cli, db, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", "from-the-environment-0123456789")
    result = cli("source", "add", "shop", "--kind", "webhook", "--secret-env", "secret=HOOK_SECRET")
    assert "added source shop" in result.output and "/hooks/shop/" in result.output
    result = cli("source", "add", "chat", "--kind", "matrix", "--set", "homeserver=http://127.0.0.1:9",
                 "--set", "rooms=#help:localhost,#general:localhost", "--secret", "access_token",
                 input=TOKEN + "\n")
    assert TOKEN not in result.output
    chat = Source.objects.get(name="chat")
    assert chat.settings["rooms"] == ["#help:localhost", "#general:localhost"]
    assert secret(chat, "access_token") == TOKEN

    listing = cli("source", "list", "--json")
    assert TOKEN not in listing.output and "from-the-environment" not in listing.output
    assert {row["name"] for row in json.loads(listing.output)} == {"shop", "chat"}

    from click.testing import CliRunner

    from careloop.cli import main

    failed = CliRunner().invoke(main, ["source", "check", "chat"])
    assert failed.exit_code == 1 and "cannot reach" in failed.output and TOKEN not in failed.output
    chat.refresh_from_db()
    assert describe(chat).startswith("failing since") and TOKEN not in chat.last_error
    assert "receives signed posts" in cli("source", "check", "shop").output

    cli("source", "set", "chat", "--set", "rooms=")
    chat.refresh_from_db()
    assert "rooms" not in chat.settings


def test_files_and_webhooks_cannot_send(make_source):
    from careloop.connectors.base import CannotDo, OutgoingMessage

    for kind in ("files", "webhook"):
        with pytest.raises(CannotDo):
            connector_for(make_source(kind, secret="x")).send(
                OutgoingMessage(kind="private", recipient="m", body="hi", idempotency_key="k"))
