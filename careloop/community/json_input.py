"""JSON from outside (webhook bodies, API bodies, import lines): bounded depth, values every database stores.

PostgreSQL refuses a NUL character or an unpaired surrogate anywhere in a JSON value, and deep nesting
exhausts the stack of whoever walks it (the parser, the encoder, the database). So no document nests more
than MAX_DEPTH levels (a post object is level 1), and check() names the first value that cannot be stored.
A list of posts is split before it is parsed (split_list), so one bad post is that post's error, not the
request's.
"""

from __future__ import annotations

import math
import re
from typing import Any

import orjson

MAX_DEPTH = 64


class BadJson(ValueError):
    """One value (or element, or body) that cannot be taken, with the field it is in."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _string_problem(value: str) -> str | None:
    nul = value.find("\x00")
    if nul >= 0:
        return f"contains a NUL character at position {nul}; remove it (databases cannot store it)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains invalid Unicode (an unpaired surrogate {value[exc.start]!a} at position {exc.start})"
    return None


def check(value: Any, field: str, *, level: int = 1) -> None:
    """Raise BadJson naming the first string (key or value) with a NUL or an unpaired surrogate, the first
    number that is not finite, or the first value nested deeper than MAX_DEPTH (`level` is the value's own)."""
    stack: list[tuple[Any, str, int]] = [(value, field, level)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            problem = _string_problem(item)
            if problem:
                raise BadJson(where, problem)
        elif isinstance(item, float) and not math.isfinite(item):
            raise BadJson(where, f"is {item}; expected a finite number")
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                where = where if len(where) <= 60 else where[:60] + "…"
                raise BadJson(where, f"is nested more than {MAX_DEPTH} levels deep; at most {MAX_DEPTH}")
            if isinstance(item, dict):
                for key, sub in item.items():
                    name = str(key)
                    problem = _string_problem(name)
                    if problem:
                        raise BadJson(where, f"has a key that {problem}")
                    stack.append((sub, f"{where}.{name}" if where else name, depth + 1))
            else:
                stack.extend((sub, f"{where}[{i}]", depth + 1) for i, sub in enumerate(item))


def depth(value: Any) -> int:
    """How many levels of lists and objects a parsed value nests (a scalar is 0)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item)
    return deepest


def loads(raw: bytes | str) -> Any:
    """Parse one JSON document of at most MAX_DEPTH levels; BadJson("body", why) otherwise."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        reason = "it is nested too deep" if "depth" in str(exc) or "recursion" in str(exc) else exc
        raise BadJson("body", f"is not valid JSON ({reason})") from None
    if depth(value) > MAX_DEPTH:
        raise BadJson("body", f"is nested more than {MAX_DEPTH} levels deep; at most {MAX_DEPTH}")
    return value


_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|"|[\[\]{},]', re.DOTALL)


def split_list(raw: bytes) -> list[Any]:
    """A body holding one post or a list of posts, as a list whose items are parsed posts or a BadJson each.

    A well-formed body is parsed in one go. Otherwise, if it is a list, its elements are found by their
    brackets and commas (outside strings) and parsed one by one, so an element that is not JSON, holds
    an unpaired surrogate or nests too deep is that element's error. Raises BadJson for a body that is
    not JSON as a whole.
    """
    try:
        value = loads(raw)
    except BadJson as whole:
        elements = _elements(raw)
        if elements is None:
            raise whole from None
        out: list[Any] = []
        for span, levels in elements:
            if levels > MAX_DEPTH:
                out.append(BadJson("line", f"is nested more than {MAX_DEPTH} levels deep; at most {MAX_DEPTH}"))
                continue
            try:
                out.append(orjson.loads(span))
            except orjson.JSONDecodeError as exc:
                out.append(BadJson("line", f"is not valid JSON ({exc})"))
        return out
    return value if isinstance(value, list) else [value]


def _elements(raw: bytes) -> list[tuple[bytes, int]] | None:
    """The top-level elements of a list body with how deep each nests; None when the body is no list."""
    start = len(raw) - len(raw.lstrip())
    if raw[start:start + 1] != b"[":
        return None
    found: list[tuple[bytes, int]] = []
    level = 0
    begin = start + 1
    deepest = 0
    for match in _TOKEN.finditer(raw, start):
        token = match.group()
        if token == b'"':
            return None  # a string that never ends
        if token[:1] == b'"':
            continue
        if token in (b"[", b"{"):
            level += 1
            deepest = max(deepest, level - 1)
        elif token in (b"]", b"}"):
            level -= 1
            if level == 0:
                span = raw[begin:match.start()]
                if span.strip() or found:
                    found.append((span, deepest))
                return found if not raw[match.end():].strip() else None
            if level < 0:
                return None
        elif level == 1:  # a comma between elements
            found.append((raw[begin:match.start()], deepest))
            begin, deepest = match.end(), 0
    return None
