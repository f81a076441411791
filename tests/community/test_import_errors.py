"""Bad lines: each one named with file, line, field and what was expected; every good line still imports."""

from __future__ import annotations

import json

import pytest

from careloop.community.models import Post
from tests.conftest import post

pytestmark = pytest.mark.django_db


BROKEN = {
    "invalid JSON": (b'{"source": "forum", "id": ', "line", "not valid JSON"),
    "not an object": (b"[1, 2, 3]", "line", "expected a JSON object"),
    "missing id": (json.dumps({k: v for k, v in post("x").items() if k != "id"}).encode(), "id", "missing"),
    "missing author": (json.dumps({k: v for k, v in post("x").items() if k != "author"}).encode(), "author",
                       "missing"),
    "author id missing": (json.dumps(post("x") | {"author": {"name": "n"}}).encode(), "author.id", "missing"),
    "missing text": (json.dumps({k: v for k, v in post("x").items() if k != "text"}).encode(), "text", "missing"),
    "bad timestamp": (json.dumps(post("x", at="yesterday")).encode(), "created_at", "ISO 8601"),
    "no zone": (json.dumps(post("x", at="2026-05-03T10:00:00")).encode(), "created_at", "no time zone"),
    "NUL byte": (json.dumps(post("x", text="a\u0000b")).encode(), "text", "NUL"),
    "lone surrogate": (b'{"source":"forum","id":"x","thread_id":"t","author":{"id":"a"},'
                       b'"created_at":"2026-05-03T10:00:00Z","text":"bad \\ud800 here"}', "line", "surrogate"),
    "latin-1 line": (json.dumps(post("x", text="Grüße")).encode().replace(b"\\u00fc", "ü".encode("latin-1")),
                     "line", "not valid UTF-8"),
    "huge text": (json.dumps(post("x", text="A" * (10 * 1024 * 1024))).encode(), "text", "at most 100,000"),
    "self parent": (json.dumps(post("x", parent="x")).encode(), "parent_id", "cannot answer itself"),
    "bad reactions": (json.dumps(post("x", reactions="lots")).encode(), "reactions", "expected a list"),
    "bad language": (json.dumps(post("x", language="english please")).encode(), "language", "language code"),
    "number as text": (json.dumps(post("x") | {"text": 42}).encode(), "text", "expected a string"),
    "deleted not bool": (json.dumps(post("x", deleted="yes")).encode(), "deleted", "true or false"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_each_kind_of_bad_line_is_named(cli, write_jsonl, case):
    line, field, expected = BROKEN[case]
    path = write_jsonl([post(1), line, post(2)])
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "imported 2, updated 0, unchanged 0, failed 1"
    message = next(m for m in result.stderr.splitlines() if m.startswith(f"{path}:2:"))
    assert message.startswith(f"{path}:2: {field}: "), message
    assert expected in message
    assert sorted(Post.objects.values_list("external_id", flat=True)) == ["1", "2"]


def test_twenty_broken_lines_among_a_thousand(cli, write_jsonl, tmp_path):
    kinds = list(BROKEN.values())
    lines: list = []
    broken_at = []
    for n in range(1, 1001):
        if n % 50 == 0:
            lines.append(kinds[(n // 50) % len(kinds)][0])
            broken_at.append(n)
        else:
            lines.append(post(n, thread=f"t{n % 40}", author=f"m{n % 33}"))
    path = write_jsonl(lines)
    errors_file = tmp_path / "errors.jsonl"
    result = cli("import", str(path), "--errors", str(errors_file))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "imported 980, updated 0, unchanged 0, failed 20"
    named = sorted(int(m.split(":")[1]) for m in result.stderr.splitlines() if m.startswith(str(path)))
    assert named == broken_at
    saved = [json.loads(line) for line in errors_file.read_text().splitlines()]
    assert [e["line"] for e in saved] == broken_at and all(e["field"] and e["message"] for e in saved)
    assert Post.objects.count() == 980


def test_a_line_longer_than_the_reader_takes_is_skipped_without_reading_it_whole(cli, write_jsonl, monkeypatch):
    from careloop.community import records

    monkeypatch.setattr(records, "MAX_LINE_BYTES", 1000)
    path = write_jsonl([post(1), json.dumps(post(2, text="x" * 5000)), post(3)])
    result = cli("import", str(path))
    assert result.stdout.splitlines()[-1] == "imported 2, updated 0, unchanged 0, failed 1"
    assert f"{path}:2: line: is longer than" in result.stderr


def test_blank_lines_and_a_byte_order_mark_are_fine(cli, write_jsonl):
    path = write_jsonl([b"\xef\xbb\xbf" + json.dumps(post(1)).encode(), b"", b"   ", post(2)])
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "imported 2, updated 0, unchanged 0, failed 0"


def test_hostile_content_is_stored_exactly_as_written(cli, write_jsonl):
    texts = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "e\u0301\u200f\u202e evil \U0001f600",
             "Robert'); DROP TABLE community_post;--"]
    cli("import", str(write_jsonl([post(n, text=t) for n, t in enumerate(texts, 1)])))
    assert [p.text for p in Post.objects.order_by("external_id")] == texts


def test_usage_errors_exit_2(cli, tmp_path):
    from click.testing import CliRunner

    from careloop.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["import"]).exit_code == 2
    assert runner.invoke(main, ["import", str(tmp_path / "missing.jsonl")]).exit_code == 2
    assert runner.invoke(main, ["import", str(tmp_path)]).exit_code == 2
    assert runner.invoke(main, ["import", "-", "-"]).exit_code == 2


def test_a_csv_without_required_columns_says_which(cli, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id,text\n1,hello\n")
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: header: is missing the column(s) author.id, created_at, source, thread_id" in result.stderr


UNSTORABLE = {
    "NUL in an unknown field": (json.dumps(post("x", extra_note="a\u0000b")).encode(), "extra_note", "NUL"),
    "surrogate in a reaction": (json.dumps(post("x")).encode()[:-1] + b', "reactions": [{"kind": "\\udc00"}]}',
                                "line", "surrogate"),  # the reader refuses it before the fields are read
    "NUL in a key": (json.dumps(post("x") | {"meta": {"k\u0000": 1}}).encode(), "meta", "NUL"),
    "nested too deep": (json.dumps(post("x")).encode()[:-1] + b', "meta": ' + b"[" * 100 + b"]" * 100 + b"}",
                        "meta", "nested more than"),
}


@pytest.mark.parametrize("case", UNSTORABLE)
def test_a_value_no_database_stores_costs_its_line_only(cli, write_jsonl, case):
    """On PostgreSQL too: a NUL or a lone surrogate in JSON that is kept as it is would make the database refuse
    the whole batch; it is refused with its line, naming the field, and the other lines import."""
    line, field, expected = UNSTORABLE[case]
    path = write_jsonl([post(1), line, post(2)])
    result = cli("import", str(path))
    assert result.exit_code == 1, result.stderr
    assert result.stdout.splitlines()[-1] == "imported 2, updated 0, unchanged 0, failed 1"
    message = next(m for m in result.stderr.splitlines() if m.startswith(f"{path}:2:"))
    assert message.startswith(f"{path}:2: {field}"), message
    assert expected in message and len(message) < len(str(path)) + 200
    assert sorted(Post.objects.values_list("external_id", flat=True)) == ["1", "2"]


def test_a_line_the_database_refuses_is_found_by_halving_the_batch(cli, write_jsonl, monkeypatch):
    """What validation does not know the database may still refuse: the batch is written in halves down to that
    one line, which is named; every other line is stored, and caches hold nothing of the rolled-back tries."""
    from django.db import DataError

    from careloop.community import ingest

    real = ingest.Importer._write_batch

    def refuse_one(self, batch):
        if any(r.id == "13" for r in batch):
            real(self, batch)  # the rows are written, then the transaction is rolled back
            raise DataError("invalid input syntax for type json")
        return real(self, batch)

    monkeypatch.setattr(ingest.Importer, "_write_batch", refuse_one)
    path = write_jsonl([post(n, thread=f"t{n % 3}", author=f"a{n % 4}") for n in range(1, 41)])
    result = cli("import", str(path))
    assert result.exit_code == 1, result.stderr
    assert result.stdout.splitlines()[-1] == "imported 39, updated 0, unchanged 0, failed 1"
    assert f"{path}:13: line: the database refused this post (invalid input syntax for type json)" in result.stderr
    stored = set(Post.objects.values_list("external_id", flat=True))
    assert stored == {str(n) for n in range(1, 41)} - {"13"}
    assert all(p.thread_id and p.author_id for p in Post.objects.all())
