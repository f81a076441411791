"""Fast multi-row writes for ingest, where the ORM's per-object cost would dominate.

The ORM builds and prepares every value of every row through model instances (tens of microseconds a row);
ingest writes hundreds of thousands of rows, so it hands plain tuples to the driver's executemany instead.
Values are adapted with the same backend adapters the ORM uses, so what lands is exactly what the ORM
would write. Datetimes are the caller's to adapt, once per value, with datetime_adapter(): a post's time is
written to several tables and adapting it once per row was a tenth of an import's time.

On PostgreSQL the rows go in with COPY into a temporary staging table of the session, then one
INSERT ... SELECT (ON CONFLICT DO NOTHING where asked) moves them into the real table in the caller's order:
one statement instead of one per row, with the same conflict handling and the same lock order as before
(docs/decisions/0003-ingest-bulk-writes.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction

# PostgreSQL: from this many rows on, COPY through the staging table; fewer (a webhook's post, its interactions)
# go in as before, one pipelined INSERT per row, which is one round trip instead of three.
COPY_MIN_ROWS = 100


def _sqlite_datetime(value: datetime | None) -> str | None:
    """What Django's SQLite backend stores for an aware datetime (UTC, no zone), without its per-call overhead."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return str(value)


def _json_adapter(field: models.JSONField) -> Callable[[Any], Any]:
    """The field's own adaptation, with the empty list and object (most rows) adapted once and reused."""
    empty = {"list": field.get_db_prep_save([], connection), "dict": field.get_db_prep_save({}, connection)}

    def adapt(value: Any) -> Any:
        if value is None:
            return None
        if not value and type(value) in (list, dict):
            return empty[type(value).__name__]
        return field.get_db_prep_save(value, connection)

    return adapt


def _column(model: type[models.Model], name: str) -> tuple[models.Field, str]:
    """The field `name` of `model` and its column, or a ValueError when it has none (the far side of a relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is no column of its table")
    return field, field.column


class BulkWriter:
    """INSERT (or UPDATE by id) of many rows of one model, for the named fields, as one executemany."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], *, ignore_conflicts: bool = False) -> None:
        self.model = model
        found = [_column(model, name) for name in fields]
        self.fields = [field for field, _ in found]
        self.columns = [column for _, column in found]
        self.ignore_conflicts = ignore_conflicts

    def _adapters(self) -> list[Callable[[Any], Any] | None]:
        out: list[Callable[[Any], Any] | None] = []
        for f in self.fields:
            out.append(_json_adapter(f) if isinstance(f, models.JSONField) else None)
        return out

    def _adapt(self, rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        """The rows with their JSON values adapted (only those columns are touched: a generator over every
        value of every row was a tenth of the client's time on PostgreSQL)."""
        adapters = [(i, a) for i, a in enumerate(self._adapters()) if a is not None]
        if not adapters:
            return list(rows)
        out: list[Sequence[Any]] = []
        for row in rows:
            values = list(row)
            for i, adapt in adapters:
                values[i] = adapt(values[i])
            out.append(values)
        return out

    def insert(self, rows: Sequence[Sequence[Any]], rows_per_statement: int = 250) -> int:
        """Insert rows, in the order given, and say how many went in (fewer than given when ignore_conflicts
        skipped some).

        SQLite: many rows per statement (one parse per `rows_per_statement` rows). PostgreSQL: from
        COPY_MIN_ROWS rows on, COPY into a staging table, then one INSERT ... SELECT in the given order (see
        copy_insert); fewer rows one INSERT per row, pipelined and prepared by psycopg's executemany."""
        if not rows:
            return 0
        qn = connection.ops.quote_name
        columns = ", ".join(qn(column) for column in self.columns)
        one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        conflict = " ON CONFLICT DO NOTHING" if self.ignore_conflicts else ""
        head = f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) VALUES "
        adapted = self._adapt(rows)
        if connection.vendor == "postgresql" and len(adapted) >= COPY_MIN_ROWS:
            return self.copy_insert(adapted)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.executemany(head + one + conflict, adapted)
                return cursor.rowcount  # psycopg: the sum over all the statements
            written = 0
            for start in range(0, len(adapted), rows_per_statement):
                chunk = adapted[start:start + rows_per_statement]
                cursor.execute(head + ", ".join([one] * len(chunk)) + conflict, [v for row in chunk for v in row])
                written += cursor.rowcount
            return written

    def copy_insert(self, adapted: Sequence[Sequence[Any]]) -> int:
        """PostgreSQL: COPY the adapted rows into this session's staging table for the model (temporary,
        emptied at every commit and before every use), each with its position, then INSERT ... SELECT them
        into the table in that order.

        Everything the table checks (unique keys, foreign keys, NOT NULL, lengths) is checked by that
        INSERT, as for a plain INSERT; conflicts are skipped when ignore_conflicts. Rows are inserted in the
        caller's order, so concurrent imports that sort their rows by key still wait for each other instead
        of deadlocking. A value PostgreSQL or psycopg refuses raises Django's DataError / IntegrityError."""
        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        stage = qn(f"careloop_stage_{self.model._meta.db_table}")
        columns = ", ".join(qn(column) for column in self.columns)
        conflict = " ON CONFLICT DO NOTHING" if self.ignore_conflicts else ""
        # Its own transaction (a savepoint inside the caller's): the staging table empties at every commit, so
        # under autocommit the rows would be gone between the COPY and the INSERT.
        with transaction.atomic(), connection.cursor() as cursor:
            # One round trip (no parameters: psycopg sends both statements as one simple query). The staging
            # table has the table's column types but none of its constraints, so COPY itself refuses only
            # what the column types refuse; it disappears with a rolled-back transaction that created it.
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "  # noqa: S608 - our names
                f"SELECT {columns}, 0 AS careloop_position FROM {table} WITH NO DATA; TRUNCATE {stage}"
            )
            # wrap_database_errors: psycopg's errors (a NUL in a text, a value too long) as Django's
            with connection.wrap_database_errors, \
                    cursor.cursor.copy(f"COPY {stage} ({columns}, careloop_position) FROM STDIN") as copy:
                for position, row in enumerate(adapted):
                    copy.write_row((*row, position))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608 - our names
                f"ORDER BY careloop_position{conflict}"
            )
            return cursor.rowcount


def datetime_adapter() -> Callable[[datetime | None], Any]:
    """How to pass a datetime to the current database in a raw statement."""
    return _sqlite_datetime if connection.vendor == "sqlite" else connection.ops.adapt_datetimefield_value
