"""How careloop finds a member's other accounts fast (careloop/cases/people.py): three expressions over Member,
each with an index (Member.Meta), so that "the same e-mail address", "the same handle" and "the same name" are
index lookups, not a read of every member.

The expressions carry their constants in their SQL text, never as query parameters: SQLite (and PostgreSQL)
use an index on an expression only for the very same expression, and `LTRIM(x, ?)` is not `LTRIM(x, '@')`.

- EmailKey: the e-mail address in the member's `extra` ("email"), else the external id (an e-mail account's id is
  its address; no other platform's id equals an address), lower-case.
- HandleKey: the handle as platforms differ on it: lower-case, leading "@" gone, cut at the first ":" or "@"
  ("@Mara:matrix.org", "mara@mastodon.social", "@mara", "Mara" → "mara").
- NameKey: the display name, lower-case.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, Func
from django.db.models.functions import Lower


class _Cut(Func):
    """x up to the first `sep` (all of x without one): SUBSTR(x, 1, INSTR(x || sep, sep) - 1)."""

    sep = ":"
    function = "SUBSTR"

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        find = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
        template = f"SUBSTR(%(expressions)s, 1, {find}(%(expressions)s || '{self.sep}', '{self.sep}') - 1)"
        return super().as_sql(compiler, connection, template=template, **extra)


class _CutColon(_Cut):
    sep = ":"


class _CutAt(_Cut):
    sep = "@"


class _NoLeadingAt(Func):
    function = "LTRIM"
    template = "LTRIM(%(expressions)s, '@')"


class _EmailOf(Func):
    """LOWER(extra's "email" as text, else external_id), in each database's words for a JSON key."""

    output_field = CharField()

    def _key(self, compiler: Any, json_key: str) -> tuple[str, tuple]:
        extra_sql, extra_params = compiler.compile(self.source_expressions[0])
        id_sql, id_params = compiler.compile(self.source_expressions[1])
        return f"LOWER(COALESCE({json_key.format(extra_sql)}, {id_sql}))", (*extra_params, *id_params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        return self._key(compiler, "JSON_EXTRACT({}, '$.email')")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        return self._key(compiler, "({} ->> 'email')")


def EmailKey() -> Func:  # noqa: N802 - reads as the expression it builds
    return _EmailOf(F("extra"), F("external_id"))


def HandleKey() -> Func:  # noqa: N802
    return _CutAt(_CutColon(_NoLeadingAt(Lower("handle"))))


def NameKey() -> Func:  # noqa: N802
    return Lower("display_name")


def handle_key(handle: str) -> str:
    """HandleKey in Python, for the member whose other accounts are sought."""
    key = (handle or "").lower().lstrip("@")
    for sep in (":", "@"):
        key = key.split(sep, 1)[0]
    return key
