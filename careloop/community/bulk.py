"""Fast multi-row writes for ingest, where the ORM's per-object cost would dominate.

The ORM builds and prepares every value of every row through model instances (tens of microseconds a row);
ingest writes hundreds of thousands of rows, so it hands plain tuples to the driver's executemany instead.
Values are adapted with the same backend adapters the ORM uses, so what lands is exactly what the ORM
would write. Datetimes are the caller's to adapt, once per value, with datetime_adapter(): a post's time is
written to several tables and adapting it once per row was a tenth of an import's time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models


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

    def _adapt(self, rows: Sequence[Sequence[Any]]) -> list[tuple]:
        adapters = self._adapters()
        if not any(adapters):
            return [tuple(row) for row in rows]
        return [tuple(v if a is None else a(v) for a, v in zip(adapters, row, strict=True)) for row in rows]

    def insert(self, rows: Sequence[Sequence[Any]], rows_per_statement: int = 250) -> int:
        """Insert rows and say how many went in (fewer than given when ignore_conflicts skipped some).

        SQLite: many rows per statement (one parse per `rows_per_statement` rows). PostgreSQL: one row per
        statement, pipelined and prepared by psycopg's executemany, which beats long statements whose
        placeholders psycopg would parse in Python every time."""
        if not rows:
            return 0
        qn = connection.ops.quote_name
        columns = ", ".join(qn(column) for column in self.columns)
        one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        conflict = " ON CONFLICT DO NOTHING" if self.ignore_conflicts else ""
        head = f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) VALUES "
        adapted = self._adapt(rows)
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


def datetime_adapter() -> Callable[[datetime | None], Any]:
    """How to pass a datetime to the current database in a raw statement."""
    return _sqlite_datetime if connection.vendor == "sqlite" else connection.ops.adapt_datetimefield_value
