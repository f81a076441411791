"""Rotating the encryption key: secrets stay readable during the change (MultiFernet with the old keys), and
`careloop secrets rotate` re-encrypts every stored secret under the new key in one transaction."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from careloop.cli import main
from careloop.community.models import Source
from careloop.connectors.base import PermanentFailure
from careloop.connectors.vault import PREFIX, RotationFailed, rotate_secrets, seal_settings, secret
from tests.connectors.test_vault import raw_settings

OLD, NEW = "the-old-encryption-key-0123456789abcdef", "the-new-encryption-key-fedcba9876543210"
TOKEN = "syt_bm90LWEtcmVhbC10b2tlbg_abcdefghijklmnop_1a2b3c"


@pytest.fixture
def old_secrets(make_source, monkeypatch):
    monkeypatch.setenv("CARELOOP_ENCRYPTION_KEY", OLD)
    monkeypatch.delenv("CARELOOP_ENCRYPTION_OLD_KEYS", raising=False)
    chat = make_source("matrix", homeserver="https://matrix.example.org", access_token=TOKEN)
    forum = make_source("discourse", base_url="https://forum.example.org", api_key="k" * 40,
                        webhook_secret="w" * 32)
    return chat, forum


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_rotate_re_encrypts_every_secret_and_the_old_key_can_then_go(old_secrets, monkeypatch):
    chat, forum = old_secrets
    before = raw_settings(chat)
    monkeypatch.setenv("CARELOOP_ENCRYPTION_KEY", NEW)
    with pytest.raises(PermanentFailure, match="CARELOOP_ENCRYPTION_OLD_KEYS"):
        secret(chat, "access_token")  # the new key alone cannot read them
    monkeypatch.setenv("CARELOOP_ENCRYPTION_OLD_KEYS", f"some-older-key, {OLD}")
    assert secret(chat, "access_token") == TOKEN  # during the change: read with the old key

    dry = run("secrets", "rotate", "--dry-run")
    assert dry.exit_code == 0 and "would re-encrypt 3 secret(s)" in dry.output
    assert raw_settings(chat) == before

    result = run("secrets", "rotate")
    assert result.exit_code == 0, result.output
    assert "re-encrypted 3 secret(s) from an old key" in result.output
    assert "remove CARELOOP_ENCRYPTION_OLD_KEYS" in result.output
    assert raw_settings(chat) != before and TOKEN not in raw_settings(chat) and PREFIX in raw_settings(chat)

    monkeypatch.delenv("CARELOOP_ENCRYPTION_OLD_KEYS")  # the old key is gone: the new one reads everything
    chat.refresh_from_db()
    forum.refresh_from_db()
    assert secret(chat, "access_token") == TOKEN
    assert secret(forum, "api_key") == "k" * 40 and secret(forum, "webhook_secret") == "w" * 32
    assert chat.settings["homeserver"] == "https://matrix.example.org"  # the rest untouched
    again = run("secrets", "rotate")
    assert "re-encrypted 0 secret(s)" in again.output and "3 already under the current key" in again.output


def test_an_unreadable_secret_stops_the_rotation_and_nothing_changes(old_secrets, monkeypatch):
    # A secret stored under a key nobody named (lost), beside the two sources under OLD.
    monkeypatch.setenv("CARELOOP_ENCRYPTION_KEY", "a-key-nobody-wrote-down-0123456789")
    Source.objects.create(name="stray", kind="webhook", settings=seal_settings("webhook", {"secret": "s" * 32}))
    monkeypatch.setenv("CARELOOP_ENCRYPTION_KEY", NEW)
    monkeypatch.setenv("CARELOOP_ENCRYPTION_OLD_KEYS", OLD)
    before = {s.pk: raw_settings(s) for s in Source.objects.all()}
    with pytest.raises(RotationFailed, match="stray.secret"):
        rotate_secrets()
    assert {s.pk: raw_settings(s) for s in Source.objects.all()} == before  # one transaction: all or nothing
    result = run("secrets", "rotate")
    assert result.exit_code == 1 and "stray.secret" in result.output and "Nothing was changed" in result.output
    assert TOKEN not in result.output and "s" * 32 not in result.output


def test_secrets_stored_in_plain_text_are_encrypted_by_the_rotation(db, monkeypatch):
    monkeypatch.delenv("CARELOOP_ENCRYPTION_OLD_KEYS", raising=False)
    source = Source.objects.create(name="hook", kind="webhook", settings={"secret": "plain-old-secret-123"})
    report = rotate_secrets()
    assert report.sealed == 1 and report.changed == ["hook.secret"]
    source.refresh_from_db()
    assert "plain-old-secret" not in raw_settings(source) and secret(source, "secret") == "plain-old-secret-123"


def test_new_key_prints_a_long_random_key():
    first, second = run("secrets", "new-key").output.strip(), run("secrets", "new-key").output.strip()
    assert len(first) >= 60 and first != second


def test_rotating_the_signing_key_when_it_is_also_the_encryption_key(make_source, monkeypatch, settings):
    monkeypatch.delenv("CARELOOP_ENCRYPTION_KEY", raising=False)
    monkeypatch.delenv("CARELOOP_ENCRYPTION_OLD_KEYS", raising=False)
    settings.SECRET_KEY = "the-old-signing-key-0123456789abcdef0123456789"
    hook = make_source("webhook", secret="h" * 32)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-new-signing-key-0123456789abcdef9876543210", [
        "the-old-signing-key-0123456789abcdef0123456789"]
    assert secret(hook, "secret") == "h" * 32  # the fallback still reads it
    assert rotate_secrets().rotated == 1
    settings.SECRET_KEY_FALLBACKS = []
    hook.refresh_from_db()
    assert secret(hook, "secret") == "h" * 32
