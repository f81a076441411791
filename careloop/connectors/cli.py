"""`careloop source …`: connect a place (Matrix, Discourse, Mastodon, Slack, e-mail, a webhook), check it, poll it."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import click

from careloop.bootstrap import prepare_database, setup

LIST_SETTINGS = frozenset({"rooms", "team", "hashtags", "accounts", "channels", "threads", "subreddits"})
KINDS = ("files", "webhook", "matrix", "discourse", "email", "mastodon", "slack", "github", "discord", "reddit")


def _start() -> None:
    setup()
    prepare_database()


def _parse_settings(pairs: tuple[str, ...]) -> dict:
    values: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected key=value, got {pair!r}", param_hint="--set")
        if value.startswith(("[", "{")):
            try:
                values[key] = json.loads(value)
                continue
            except ValueError as exc:
                raise click.BadParameter(f"{key}: not valid JSON ({exc})", param_hint="--set") from None
        values[key] = [v.strip() for v in value.split(",") if v.strip()] if key in LIST_SETTINGS else value
    return values


def _secrets(prompted: tuple[str, ...], from_env: tuple[str, ...]) -> dict:
    values = {}
    for key in prompted:
        values[key] = click.prompt(f"{key} (not shown)", hide_input=True)
    for pair in from_env:
        key, sep, var = pair.partition("=")
        if not sep or var not in os.environ:
            raise click.BadParameter(f"expected key=ENV_VAR with ENV_VAR set, got {pair!r}",
                                     param_hint="--secret-env")
        values[key] = os.environ[var]
    return values


def _source(name: str):  # noqa: ANN202 - a Source
    from careloop.community.models import Source

    try:
        return Source.objects.get(name=name)
    except Source.DoesNotExist:
        raise click.ClickException(f"no source named {name!r}; `careloop source list` shows them") from None


settings_options = [
    click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE",
                 help="A setting, e.g. homeserver=https://matrix.example.org or rooms=#help:example.org,#general:…"),
    click.option("--secret", "prompted", multiple=True, metavar="KEY",
                 help="A secret setting (access_token, api_key, webhook_secret, password, secret, bot_token, "
                      "signing_secret), asked for without echo."),
    click.option("--secret-env", "from_env", multiple=True, metavar="KEY=ENV_VAR",
                 help="A secret setting read from an environment variable (for scripts)."),
]


def with_settings(f):  # noqa: ANN001, ANN201
    for option in reversed(settings_options):
        f = option(f)
    return f


@click.group("source", short_help="Connect places: Matrix, Discourse, Mastodon, e-mail, webhooks.")
def source_group() -> None:
    """Connect the places your community lives in (docs/connectors.md).

    \b
      careloop source add chat --kind matrix --set homeserver=https://matrix.example.org \\
          --set rooms='#help:example.org' --secret access_token
      careloop source check chat        test the connection
      careloop source sync chat --follow   listen (long-poll) until Ctrl-C; the worker polls every minute anyway
      careloop source list              every source, its health and its settings (secrets masked)
    """


@source_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--display-name", default="")
@with_settings
def add(name: str, kind: str, display_name: str, pairs: tuple[str, ...], prompted: tuple[str, ...],
        from_env: tuple[str, ...]) -> None:
    """Add a source (or change the kind and settings of one that imports created)."""
    _start()
    from careloop.community.models import Source
    from careloop.connectors.base import webhook_routes
    from careloop.connectors.vault import update_settings

    values = {**_parse_settings(pairs), **_secrets(prompted, from_env)}
    source, created = Source.objects.get_or_create(name=name, defaults={"kind": kind,
                                                                       "display_name": display_name or name})
    if not created and source.kind != kind:
        source.kind = kind
        source.save(update_fields=["kind"])
    update_settings(source, values)
    click.echo(f"{'added' if created else 'updated'} source {name} ({kind})")
    route = webhook_routes().get(kind)
    if kind == "webhook" and route:
        click.echo(f"posts go to POST {route.path(name)} signed with its secret (docs/connectors.md)")
    elif kind == "discourse" and route:
        click.echo(f"point Discourse's webhook at {route.path(name)} with the same webhook_secret")
    elif route:
        click.echo(f"{route.label} posts go to POST {route.path(name)} (docs/connectors.md)")


@source_group.command("set")
@click.argument("name")
@with_settings
def set_settings(name: str, pairs: tuple[str, ...], prompted: tuple[str, ...], from_env: tuple[str, ...]) -> None:
    """Change settings of a source (KEY= with nothing after it removes one)."""
    _start()
    from careloop.connectors.vault import update_settings

    source = _source(name)
    given = {**_parse_settings(pairs), **_secrets(prompted, from_env)}
    values = {k: (v if v not in ("", []) else None) for k, v in given.items()}
    update_settings(source, values)
    click.echo(f"updated source {name}")


@source_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_sources(as_json: bool) -> None:
    """Every source: kind, health, and settings with secrets masked."""
    _start()
    from careloop.community.models import Source
    from careloop.connectors.health import describe
    from careloop.connectors.vault import masked_settings

    rows: list[dict[str, Any]] = [{"name": s.name, "kind": s.kind, "enabled": s.enabled, "health": describe(s),
                                   "settings": masked_settings(s)} for s in Source.objects.order_by("name")]
    if as_json:
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['name']}  ({row['kind']}{'' if row['enabled'] else ', disabled'})  {row['health']}")
        for key, value in row["settings"].items():
            click.echo(f"    {key}: {json.dumps(value, ensure_ascii=False)}")


@source_group.command("check")
@click.argument("name")
def check(name: str) -> None:
    """Test the connection; the answer is kept as the source's health."""
    _start()
    from careloop.connectors.base import ConnectorError, connector_for
    from careloop.connectors.health import record_error, record_success

    source = _source(name)
    try:
        said = connector_for(source).check()
    except ConnectorError as exc:
        record_error(source, str(exc))
        raise click.ClickException(f"{name}: {exc}") from None
    record_success(source)
    click.echo(f"{name}: {said}")


@source_group.command("sync")
@click.argument("name")
@click.option("--follow", is_flag=True, help="Keep listening (long-poll) until Ctrl-C.")
@click.option("--timeout-ms", default=30_000, show_default=True, help="Long-poll time per request.")
def sync(name: str, follow: bool, timeout_ms: int) -> None:
    """Fetch new posts from a polled source (Matrix) now; --follow streams them (a kind that can)."""
    _start()
    from careloop.connectors.base import ConnectorError, Receiving, receiving
    from careloop.connectors.tasks import backoff_after, describe_receiving, sync_source

    source = _source(name)
    way = Receiving.STREAM if follow else Receiving.POLL
    if way not in receiving(source.kind):
        raise click.ClickException(f"{name} ({source.kind}) cannot be {'followed' if follow else 'synced'}: "
                                   f"{describe_receiving(source.kind)}")
    failures = 0
    while True:
        try:
            result = sync_source(source, timeout_ms=timeout_ms if follow else 0)
            failures = 0
            if result.lines or not follow:
                click.echo(f"{name}: {result.summary()}")
        except ConnectorError as exc:
            if not follow:
                raise click.ClickException(f"{name}: {exc}") from None
            failures += 1
            wait = backoff_after(failures).total_seconds()
            click.echo(f"{name}: {exc}; trying again in {wait:.0f} s", err=True)
            time.sleep(wait)
        if not follow:
            return


@click.group("secrets", short_help="The key connector secrets are encrypted with: rotate it.")
def secrets_group() -> None:
    """The key the connectors' secrets (tokens, passwords) are encrypted with at rest.

    \b
    Rotating it (docs/operator-guide.md, "Rotating the encryption key"):
      1. careloop secrets new-key            a new random key
      2. set CARELOOP_ENCRYPTION_KEY=<new> and CARELOOP_ENCRYPTION_OLD_KEYS=<old> for every careloop process,
         restart them (they read secrets with either key, write them with the new one)
      3. careloop secrets rotate             every stored secret re-encrypted with the new key, in one transaction
      4. remove CARELOOP_ENCRYPTION_OLD_KEYS, restart
    """


@secrets_group.command("new-key")
def new_key() -> None:
    """Print a new random key for CARELOOP_ENCRYPTION_KEY (nothing is stored or changed)."""
    import secrets

    click.echo(secrets.token_urlsafe(48))


@secrets_group.command("rotate")
@click.option("--dry-run", is_flag=True, help="Only count what would be re-encrypted; write nothing.")
def rotate(dry_run: bool) -> None:
    """Re-encrypt every stored secret with the current key (CARELOOP_ENCRYPTION_KEY, else the signing key).

    Secrets are read with the current key or any key in CARELOOP_ENCRYPTION_OLD_KEYS (comma-separated); secret
    settings still stored in plain text are encrypted too. All in one transaction: if any secret can be read
    with none of the keys, they are named, nothing is changed, and the exit status is 1.
    """
    _start()
    from careloop.connectors.vault import RotationFailed, old_key_materials, rotate_secrets

    try:
        report = rotate_secrets(dry_run=dry_run)
    except RotationFailed as exc:
        raise click.ClickException(
            f"{exc}. Nothing was changed: add the key they were stored with to CARELOOP_ENCRYPTION_OLD_KEYS, "
            "or set them again with `careloop source set`.") from None
    verb = "would re-encrypt" if dry_run else "re-encrypted"
    click.echo(f"{verb} {report.rotated} secret(s) from an old key, {'would encrypt' if dry_run else 'encrypted'} "
               f"{report.sealed} stored in plain text; {report.current} already under the current key "
               f"({report.sources} source(s))")
    if not dry_run and old_key_materials():
        click.echo("Every secret is under the current key now: remove CARELOOP_ENCRYPTION_OLD_KEYS and restart "
                   "careloop.")
