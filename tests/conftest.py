"""Fixtures shared by the suite: post lines in the import format, the CLI, and processes that share the test DB."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from careloop.cli import main


def post(n: int | str, *, thread: str = "t1", parent: str | None = None, author: str = "a1", text: str | None = None,
         source: str = "forum", at: str = "2026-05-03T10:00:00+00:00", **extra) -> dict:
    """One post in the import format, with sensible defaults."""
    record = {
        "source": source, "id": str(n), "thread_id": thread, "parent_id": parent,
        "author": {"id": author, "name": f"Member {author}", "handle": f"h_{author}"},
        "created_at": at, "text": text if text is not None else f"post number {n}",
    }
    record.update(extra)
    return record


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    def write(records: list[dict | str | bytes], name: str = "posts.jsonl") -> Path:
        path = tmp_path / name
        with path.open("wb") as f:
            for r in records:
                if isinstance(r, bytes):
                    f.write(r.rstrip(b"\n") + b"\n")
                elif isinstance(r, str):
                    f.write(r.encode() + b"\n")
                else:
                    f.write(json.dumps(r, ensure_ascii=False).encode() + b"\n")
        return path

    return write


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run `careloop ARGS` in-process against the test database."""
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture
def process_env(transactional_db) -> Iterator[dict[str, str]]:
    """Environment for a `careloop` child process that works on this test's database (committed data)."""
    from django.conf import settings
    from django.db import connection

    env = {k: v for k, v in os.environ.items() if k not in ("CARELOOP_TASKS_IMMEDIATE", "DJANGO_SETTINGS_MODULE")}
    env["CARELOOP_HOME"] = str(settings.HOME)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    yield env


CARELOOP = [sys.executable, "-m", "careloop"]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a German page rendered by one test leaves the thread's active
    translation on German (LocaleMiddleware does not switch it back), which would leak into the next test."""
    yield
    from django.utils import translation

    translation.deactivate()


ROUND_THE_LOOP = ("reaching_out", "acting", "following_up", "resolved")


def carry(case, to: str, **details) -> None:
    """Carry a case to state `to` through the one door (state.transition), round the loop as a team would: resolved
    after reaching out, acting and following up (the member reached another way, as the loop's guard asks);
    dismissed with a reason. Tests set fields beside the state (dates, ratings) themselves, never the state."""
    from careloop.cases.state import transition

    if to == "dismissed":
        transition(case, to, actor_label="test", **{"reason": details.pop("reason", "not_complaint"), **details})
        return
    path = ROUND_THE_LOOP[:ROUND_THE_LOOP.index(to) + 1]
    for step in path[path.index(case.state) + 1 if case.state in path else 0:]:
        transition(case, step, actor_label="test", **{"reached_another_way": "by phone", **details})
