"""`careloop api token …`: personal API tokens (docs/api.md). Calls careloop.api.tokens, like the API does."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import click

from careloop.bootstrap import prepare_database, setup


def _setup() -> None:
    setup()
    prepare_database()


@click.group("api", short_help="The JSON API: personal tokens for tools that call it.")
def api_group() -> None:
    """The JSON API under /api/ (see docs/api.md)."""


@api_group.group("token")
def token_group() -> None:
    """Personal API tokens: a tool sends one as `Authorization: Bearer <token>` and acts as its user."""


def _when(moment) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. 'helpdesk sync'.")
@click.option("--expires-in", "expires_in", type=click.FloatRange(min=0, max=100 * 365), default=None,
              metavar="DAYS", help="Days until the token stops working (default: CARELOOP_API_TOKEN_DAYS, 90; "
                                   "0: never).")
@click.option("--never-expires", is_flag=True, help="The token does not expire (the same as --expires-in 0).")
@click.option("--read-only", is_flag=True, help="The token may only read (GET): every write is refused (403), "
                                                "whatever the user's role.")
def create(username: str, name: str, expires_in: float | None, never_expires: bool, read_only: bool) -> None:
    """Make a token for USERNAME and print it (once: only its hash is stored).

    The token can do what the user's role allows (admin, manager, agent, viewer), nothing more; with
    --read-only, only read. It expires after --expires-in DAYS (default 90, CARELOOP_API_TOKEN_DAYS).
    """
    if never_expires and expires_in not in (None, 0):
        raise click.UsageError("--never-expires and --expires-in DAYS contradict each other: choose one")
    _setup()
    from django.contrib.auth import get_user_model

    from careloop.api.tokens import create_token
    from careloop.cases.roles import role_of

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"there is no user {username!r} (careloop createuser {username})")
    options: dict[str, Any] = {"read_only": read_only}
    if never_expires:
        options["expires_in_days"] = None
    elif expires_in is not None:
        options["expires_in_days"] = expires_in
    try:
        row, token = create_token(user, name, **options)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    scope = "read-only" if row.read_only else "reads and writes as the role allows"
    expiry = f"expires {_when(row.expires_at)}" if row.expires_at else "never expires"
    click.echo(f"Token {row.pk} for {username} ({role_of(user)}; {scope}; {expiry}); it is shown only now, "
               "keep it safe:", err=True)
    click.echo(token)


@token_group.command("list")
@click.argument("username", required=False)
def list_tokens(username: str | None) -> None:
    """Tokens (all, or USERNAME's): id, user, first characters, name, scope, made, last used, expiry. Never the
    token."""
    _setup()
    from django.utils import timezone

    from careloop.api.models import ApiToken

    now = timezone.now()
    rows = ApiToken.objects.select_related("user").order_by("user__username", "created_at", "id")
    if username:
        rows = rows.filter(user__username=username)
    for row in rows:
        used = f"used {row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never used"
        if row.expires_at is None:
            expiry = "never expires"
        elif row.expires_at <= now:
            expiry = f"EXPIRED {_when(row.expires_at)}"
        else:
            expiry = f"expires {_when(row.expires_at)}"
        scope = "read-only " if row.read_only else "read-write"
        click.echo(f"{row.pk:>5}  {row.user.get_username():<20} {row.prefix}…  {row.name or '-':<24} {scope}  "
                   f"made {row.created_at:%Y-%m-%d %H:%M}  {used:<21}  {expiry}")


@token_group.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID (see `careloop api token list`): requests with it get 401 from now on."""
    _setup()
    from careloop.api.models import ApiToken
    from careloop.api.tokens import revoke_token

    try:
        row = revoke_token(token_id)
    except ApiToken.DoesNotExist:
        raise click.ClickException(f"there is no token {token_id}") from None
    click.echo(f"Revoked token {token_id} ({row.prefix}…) of {row.user.get_username()}.")
