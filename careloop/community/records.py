"""Reading the import format: JSON lines or CSV in, validated post records (or a precise error per line) out.

A line that cannot be used becomes a LineError naming the file, the line, the field and what was expected;
the reader then goes on with the next line. Nothing here touches the database.

The format (docs/import-format.md): one object per post with `source`, `id`, `thread_id`, `parent_id`
(nullable), `author` {`id`, `name`, optional `handle`}, `created_at` (ISO 8601 with a zone), `text`, and
optionally `title`, `url`, `channel`, `language`, `reactions`, `edited_at`, `deleted`. Unknown fields are
kept in the post's `extra`.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson

from careloop.community.json_input import BadJson, check

MAX_LINE_BYTES = 16 * 1024 * 1024  # a line longer than this is refused before it is parsed
MAX_ID_CHARS = 255
MAX_URL_CHARS = 2000
KNOWN_FIELDS = frozenset(
    {"source", "id", "thread_id", "parent_id", "author", "created_at", "text", "title", "url", "channel",
     "language", "reactions", "edited_at", "deleted"}
)
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
ZONE_EXAMPLE = "2026-05-03T14:02:00+02:00"
TEAM_ROLES = frozenset({"staff", "team", "moderator", "admin", "community_manager"})


@dataclass(frozen=True)
class LineError:
    """One line that could not be imported, said so that a person can find and fix it."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Reaction:
    by_id: str
    by_name: str
    kind: str


@dataclass
class PostRecord:
    """A validated post, in plain Python types, with where it came from."""

    file: str
    line: int
    source: str
    id: str
    thread_id: str
    parent_id: str
    author_id: str
    author_name: str
    author_handle: str
    created_at: datetime
    text: str
    author_is_team: bool | None = None  # None: the line does not say (author.role absent)
    title: str = ""
    url: str = ""
    channel: str = ""
    language: str = ""
    edited_at: datetime | None = None
    deleted: bool = False
    reactions: list[Reaction] = field(default_factory=list)
    reactions_raw: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.id)


class FieldError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def _clean_text(value: str, name: str) -> str:
    """Refuse what no database can store: NUL characters and unpaired surrogates."""
    nul = value.find("\x00")
    if nul >= 0:
        raise FieldError(name, f"contains a NUL character at position {nul}; remove it (databases cannot store it)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FieldError(
            name, f"contains invalid Unicode (an unpaired surrogate {value[exc.start]!a} at position {exc.start})"
        ) from None
    return value


def _id(value: Any, name: str, *, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            raise FieldError(name, "is missing; expected a non-empty string or number")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(name, f"expected a string or number, got {type(value).__name__}")
    text = _clean_text(str(value).strip(), name)
    if not text:
        raise FieldError(name, "is blank; expected a non-empty string or number")
    if len(text) > MAX_ID_CHARS:
        raise FieldError(name, f"is {len(text)} characters long; at most {MAX_ID_CHARS}")
    return text


def _web_address(value: Any) -> str:
    """A post's `url`: an http(s) address or nothing; another scheme (`javascript:`, `data:`) is the line's error."""
    url = _optional_str(value, "url", MAX_URL_CHARS)
    if url and (not re.match(r"(?i)\s*https?://\S", url) or re.search(r"[\x00-\x1f]", url)):
        raise FieldError("url", f"must be an http:// or https:// address, not {url[:40]!r}")
    return url


def _optional_str(value: Any, name: str, limit: int | None = None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(name, f"expected a string, got {type(value).__name__}")
    value = _clean_text(value, name)
    if limit is not None and len(value) > limit:
        raise FieldError(name, f"is {len(value):,} characters long; at most {limit:,}")
    return value


def _timestamp(value: Any, name: str) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(name, f"expected an ISO 8601 time with a zone, e.g. {ZONE_EXAMPLE}; got {value!r:.60}")
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(
            name, f"expected an ISO 8601 time with a zone, e.g. {ZONE_EXAMPLE}; got {value!r:.60}"
        ) from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise FieldError(
            name, f"has no time zone; expected e.g. {ZONE_EXAMPLE} or 2026-05-03T12:02:00Z; got {value!r:.60}"
        )
    return when


def _reactions(value: Any) -> list[Reaction]:
    """Reactions as a list of {"by": id or {id, name}, "type": "+1"}; a plain {emoji: count} map is kept as given."""
    if value is None or isinstance(value, dict):
        return []
    if not isinstance(value, list):
        raise FieldError("reactions", f"expected a list of {{by, type}} objects, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise FieldError(f"reactions[{i}]", f"expected an object {{by, type}}, got {type(item).__name__}")
        by = item.get("by")
        by_name = ""
        if isinstance(by, dict):
            by_name = _optional_str(by.get("name"), f"reactions[{i}].by.name", 255)
            by = by.get("id")
        by_id = _id(by, f"reactions[{i}].by")
        kind = _optional_str(item.get("type", ""), f"reactions[{i}].type", 100) or "reaction"
        out.append(Reaction(by_id, by_name, kind))
    return out


def validate(obj: Any, file: str, line: int, max_text_chars: int) -> PostRecord:
    """Turn one parsed object into a PostRecord, or raise FieldError naming the first bad field."""
    if not isinstance(obj, dict):
        raise FieldError("line", f"expected a JSON object with the post's fields, got {type(obj).__name__}")
    author = obj.get("author")
    if author is None:
        raise FieldError("author", "is missing; expected an object {\"id\": ..., \"name\": ...}")
    if not isinstance(author, dict):
        raise FieldError("author", f"expected an object {{\"id\": ..., \"name\": ...}}, got {type(author).__name__}")
    if "text" not in obj:
        raise FieldError("text", "is missing; expected the post's text (a string, may be empty)")
    text = obj["text"]
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise FieldError("text", f"expected a string, got {type(text).__name__}")
    if len(text) > max_text_chars:
        raise FieldError(
            "text", f"is {len(text):,} characters long; at most {max_text_chars:,} (CARELOOP_MAX_POST_CHARS)"
        )
    deleted = obj.get("deleted", False)
    if not isinstance(deleted, bool):
        raise FieldError("deleted", f"expected true or false, got {deleted!r:.30}")
    language = _optional_str(obj.get("language"), "language", 16)
    if language and not LANGUAGE_RE.match(language):
        raise FieldError("language", f"expected a language code such as en, de or pt-BR; got {language!r}")
    post_id = _id(obj.get("id"), "id")
    parent_id = _id(obj.get("parent_id"), "parent_id", required=False)
    if parent_id == post_id:
        raise FieldError("parent_id", "names the post itself; a post cannot answer itself")
    author_id = _id(author.get("id"), "author.id")
    edited = obj.get("edited_at")
    extra = {k: v for k, v in obj.items() if k not in KNOWN_FIELDS}
    _storable(extra, obj.get("reactions"))
    return PostRecord(
        file=file,
        line=line,
        source=_id(obj.get("source"), "source"),
        id=post_id,
        thread_id=_id(obj.get("thread_id"), "thread_id"),
        parent_id=parent_id,
        author_id=author_id,
        author_name=_optional_str(author.get("name"), "author.name", 255),
        author_handle=_optional_str(author.get("handle"), "author.handle", 255),
        author_is_team=(_optional_str(author.get("role"), "author.role", 50).lower() in TEAM_ROLES
                        if author.get("role") is not None else None),
        created_at=_timestamp(obj.get("created_at"), "created_at"),
        text=_clean_text(text, "text"),
        title=_optional_str(obj.get("title"), "title", 10_000),
        url=_web_address(obj.get("url")),
        channel=_optional_str(obj.get("channel"), "channel", 200),
        language=language.lower(),
        edited_at=_timestamp(edited, "edited_at") if edited not in (None, "") else None,
        deleted=deleted,
        reactions=_reactions(obj.get("reactions")),
        reactions_raw=obj.get("reactions"),
        extra=extra,
    )


def _storable(extra: dict[str, Any], reactions: Any) -> None:
    """Unknown fields and the reactions are stored as JSON: refuse what a database would refuse in them (a NUL,
    an unpaired surrogate, a number that is not finite) and values nested too deep, naming the field."""
    try:
        check(extra, "", level=1)  # a field's name is a key of the line: its problem is the line's
        check(reactions, "reactions", level=2)
    except BadJson as exc:
        raise FieldError(exc.field or "line", exc.message) from None


# ---------------------------------------------------------------------------------------------- reading files

Parsed = tuple[str, int, Any] | LineError  # (file, line, object) or an error for that line
Progress = Callable[[int], None]  # told how many more bytes were read


def open_input(path: str) -> tuple[IO[bytes], int | None]:
    """Open a file (or `-` for standard input) as bytes; gzip files are read transparently. Returns its size."""
    if path == "-":
        return sys.stdin.buffer, None
    p = Path(path)
    if p.suffix == ".gz":
        return gzip.open(p, "rb"), None  # type: ignore[return-value]
    return p.open("rb"), p.stat().st_size


def detect_format(path: str, head: bytes) -> str:
    """csv or jsonl, from the file name, else from the first non-blank character."""
    name = path.lower().removesuffix(".gz")
    if name.endswith((".csv", ".tsv")):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if stripped[:1] in (b"{", b"[", b"") else "csv"


def _read_lines(stream: IO[bytes], progress: Progress | None) -> Iterator[tuple[int, bytes | None]]:
    """Physical lines, numbered from 1; a line over MAX_LINE_BYTES is skipped whole and yielded as None."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        size = len(raw)
        if size > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # skip the rest of this very long line without holding it in memory
                more = stream.readline(1024 * 1024)
                size += len(more)
                if not more or more.endswith(b"\n"):
                    break
            if progress:
                progress(size)
            yield number, None
            continue
        if progress:
            progress(size)
        yield number, raw


def read_jsonl(stream: IO[bytes], name: str, progress: Progress | None = None) -> Iterator[Parsed]:
    for number, raw in _read_lines(stream, progress):
        if raw is None:
            yield LineError(name, number, "line", f"is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB; skipped")
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield LineError(
                name, number, "line",
                f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                "expected UTF-8 text: re-save the file as UTF-8",
            )
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            try:  # parse again without the line break, so the position reads "line 1 column N"
                orjson.loads(raw.rstrip(b"\r\n"))
            except orjson.JSONDecodeError as exc:
                reason = exc.args[0]
            yield LineError(
                name, number, "line", f"is not valid JSON ({reason}); expected one JSON object per line"
            )
            continue
        yield name, number, obj


def read_csv(stream: IO[bytes], name: str, progress: Progress | None = None) -> Iterator[Parsed]:
    """CSV with the same column names; `author.id`/`author.name` (or author_id/author_name) for the author.

    Bytes that are not UTF-8 are carried through as surrogate escapes and reported on the row they are in.
    """
    csv.field_size_limit(MAX_LINE_BYTES)

    class Counting(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:  # Any: the buffer protocol has no type of its own before Python 3.12
            data = stream.read(len(b))
            if progress and data:
                progress(len(data))
            b[: len(data)] = data
            return len(data)

    text = io.TextIOWrapper(io.BufferedReader(Counting()), encoding="utf-8-sig", errors="surrogateescape", newline="")
    lines = _Lines(text)
    reader = csv.reader(lines)
    try:
        header = next(reader, None) or []
        missing = {"source", "id", "thread_id", "created_at", "text"} - set(header)
        has_author = bool({"author.id", "author_id", "author"} & set(header))
        if missing or not has_author:
            wanted = sorted(missing | (set() if has_author else {"author.id"}))
            yield LineError(
                name, 1, "header", f"is missing the column(s) {', '.join(wanted)}; see docs/import-format.md"
            )
            return
        while True:
            lines.start_row()
            values = next(reader, None)
            if values is None:
                return
            number = lines.row_start
            if not values:
                continue
            swallowed = _swallowed_row(lines.row_lines, len(header))
            if swallowed is not None:  # an unclosed quote ran on into the rows after it: read those again
                column = header[min(len(values), len(header)) - 1] if header else "line"
                yield LineError(name, number, column,
                                f"has a quote that is not closed: it runs on to line {number + swallowed} "
                                "(which reads as a row of its own); close the quote or double it (\"\")")
                lines.push_back(lines.row_lines[1:], number + 1)
                continue
            if len(values) > len(header):
                yield LineError(name, number, "line", f"has {len(values)} columns; the header has {len(header)}")
                continue
            row = dict(zip(header, values, strict=False)) | {k: None for k in header[len(values):]}
            if not any(v for v in row.values()):
                continue
            bad = next((k for k, v in row.items() if v and re.search("[\udc80-\udcff]", v)), None)
            if bad is not None:
                yield LineError(name, number, bad, "is not valid UTF-8; expected UTF-8 text: re-save the file as UTF-8")
                continue
            yield name, number, _row_to_object(row)
    except csv.Error as exc:
        yield LineError(name, lines.row_start, "line", f"is not valid CSV ({exc})")


class _Lines:
    """The physical lines the CSV reader takes, numbered, with the ones of the current row kept, and lines put
    back to be read again (after an unclosed quote swallowed them)."""

    def __init__(self, text: Iterator[str]) -> None:
        self._text = text
        self._back: list[tuple[int, str]] = []
        self._next_number = 1
        self.row_start = 1
        self.row_lines: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._back:
            number, line = self._back.pop(0)
        else:
            line = next(self._text)
            number = self._next_number
            self._next_number += 1
        if not self.row_lines:
            self.row_start = number
        self.row_lines.append(line)
        return line

    def start_row(self) -> None:
        self.row_lines = []

    def push_back(self, lines: list[str], first_number: int) -> None:
        self._back[:0] = [(first_number + i, line) for i, line in enumerate(lines)]


def _swallowed_row(row_lines: list[str], columns: int) -> int | None:
    """Where a row of several lines holds a line that is a whole row by itself (as many columns as the
    header, no quote left open): the sign of a quote opened and never closed. Its offset, else None.

    A text over several lines is fine CSV; a line inside it that is itself a complete row almost never is."""
    if len(row_lines) < 2 or columns < 3:
        return None
    for offset, line in enumerate(row_lines[1:], 1):
        if line.count(",") < columns - 1:
            continue
        try:
            alone = next(csv.reader([line], strict=True), [])
        except csv.Error:
            continue
        if len(alone) == columns and line.count('"') % 2 == 0:
            return offset
    return None


def _row_to_object(row: dict[str, str | None]) -> dict[str, Any]:
    """A CSV row (None: a column the row is too short for) as an import object."""
    obj: dict[str, Any] = {}
    author: dict[str, Any] = {}
    for key, value in row.items():
        if key.startswith("author.") or key.startswith("author_"):
            if value != "":
                author[key[7:]] = value
        elif key == "author":
            if value:
                author.setdefault("id", value)
        elif key == "reactions" and value:
            try:
                obj[key] = orjson.loads(value)
            except orjson.JSONDecodeError:
                obj[key] = value
        elif key == "deleted":
            obj[key] = (value or "").strip().lower() in ("1", "true", "yes")  # a row short of it: not deleted
        elif value != "" or key == "text":
            obj[key] = value
    obj["author"] = author
    return obj


def read_file(path: str, fmt: str = "auto", progress: Progress | None = None) -> Iterator[Parsed]:
    """Every line of one file (or stdin) as a parsed object or a LineError."""
    name = "<stdin>" if path == "-" else path
    stream, _ = open_input(path)
    try:
        buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[type-var]
        if fmt == "auto":
            fmt = detect_format(path, buffered.peek(64)[:64])
        reader = read_csv if fmt == "csv" else read_jsonl
        yield from reader(buffered, name, progress)
    finally:
        if path != "-":
            stream.close()
