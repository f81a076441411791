"""`careloop api token …`: personal API tokens (docs/api.md). Calls careloop.api.tokens, like the API does."""

from __future__ import annotations

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


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. 'helpdesk sync'.")
def create(username: str, name: str) -> None:
    """Make a token for USERNAME and print it (once: only its hash is stored).

    The token can do what the user's role allows (admin, manager, agent, viewer), nothing more.
    """
    _setup()
    from django.contrib.auth import get_user_model

    from careloop.api.tokens import create_token
    from careloop.cases.roles import role_of

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"there is no user {username!r} (careloop createuser {username})")
    try:
        row, token = create_token(user, name)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Token {row.pk} for {username} ({role_of(user)}); it is shown only now, keep it safe:", err=True)
    click.echo(token)


@token_group.command("list")
@click.argument("username", required=False)
def list_tokens(username: str | None) -> None:
    """Tokens (all, or USERNAME's): id, user, first characters, name, made, last used. Never the token."""
    _setup()
    from careloop.api.models import ApiToken

    rows = ApiToken.objects.select_related("user").order_by("user__username", "created_at", "id")
    if username:
        rows = rows.filter(user__username=username)
    for row in rows:
        used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never used"
        click.echo(f"{row.pk:>5}  {row.user.get_username():<20} {row.prefix}…  {row.name or '-':<24} "
                   f"made {row.created_at:%Y-%m-%d %H:%M}  {used}")


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
