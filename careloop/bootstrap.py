"""Starting careloop in a process: its data folder, Django, and a database schema that is up to date.

Every door that runs outside the web server (the `careloop` command and its sub-commands in the apps, the
worker, benchmarks, helper scripts) starts with `setup()` and then `prepare_database()`. It lives here, not in
cli.py, so that the apps' sub-commands (`careloop case`, `careloop source`, `careloop api`) need not import the
command line they are part of (../shared/design/layers.json: steps, platforms and the API know no command line).

Django is imported inside the functions: `setup()` must run before it (and before any model), and
`careloop --help` should not pay for it.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

EXIT_ENVIRONMENT = 3


def setup(home: str | Path | None = None) -> None:
    """Point careloop at its data folder and start Django. Must run before any model is imported."""
    if home is not None:
        os.environ["CARELOOP_HOME"] = str(Path(home).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careloop.settings")
    import django

    django.setup()


class EnvironmentTrouble(click.ClickException):
    """What careloop needs around it (the database, the task queue) cannot be reached: exit status 3."""

    exit_code = EXIT_ENVIRONMENT


def queue_failure(exc: BaseException) -> bool:
    """Is this the task queue failing (Redis or RabbitMQ down or on a wrong address, the queue file unwritable)?"""
    import sqlite3

    from dramatiq.errors import BrokerConnectionError
    from pika.exceptions import AMQPError
    from redis.exceptions import RedisError

    return isinstance(exc, RedisError | sqlite3.OperationalError | AMQPError | BrokerConnectionError)


def describe_queue() -> str:
    from huey.contrib.djhuey import HUEY

    from careloop import tasks_engine

    if tasks_engine.engine() == tasks_engine.DRAMATIQ:
        return f"{tasks_engine.describe()}, queues {', '.join(tasks_engine.queue_names())}"
    url = os.environ.get("REDIS_URL")
    if url:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return f"Redis {parts.hostname or 'localhost'}:{parts.port or 6379}, queue '{HUEY.name}'"
    return f"SQLite queue {getattr(HUEY.storage, 'filename', '?')}"


def prepare_database(*, migrate: bool | None = None, verbose: bool = False) -> None:
    """Bring the schema up to date. On the embedded SQLite this happens by itself; on PostgreSQL only when asked
    (several processes migrating one shared database at once would race), otherwise a clear error."""
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        reason = " ".join(str(exc).split())  # psycopg's message runs over several lines
        raise EnvironmentTrouble(f"cannot reach the database ({describe_database()}): {reason}") from None
    if not plan:
        return
    if migrate is None:
        migrate = connection.vendor == "sqlite"
    if not migrate:
        raise click.ClickException(
            f"the database ({describe_database()}) needs {len(plan)} migration(s); run `careloop migrate` first"
        )
    if verbose:
        click.echo(f"Preparing the database ({describe_database()})…", err=True)
    call_command("migrate", interactive=False, verbosity=0)


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.settings_dict['NAME']}"
    s = connection.settings_dict
    return f"PostgreSQL {s.get('USER') or ''}@{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{s['NAME']}"
