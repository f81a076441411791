"""Validation of single records, as webhooks and connectors will hand them over (already parsed)."""

from __future__ import annotations

import gzip
import json

import pytest

from careloop.community.records import FieldError, read_file, validate
from tests.conftest import post


def check(obj, **kw):
    return validate(obj, "hook", 1, kw.get("max_text_chars", 100_000))


def test_a_valid_post_keeps_its_fields_and_extras():
    record = check(post(7, parent="6", title="T", url="https://x/7", channel="help", language="DE",
                        reactions=[{"by": {"id": "m2", "name": "Max"}, "type": "heart"}], vendor={"a": 1}))
    assert (record.id, record.parent_id, record.language, record.channel) == ("7", "6", "de", "help")
    assert record.created_at.utcoffset().total_seconds() == 0
    assert [(r.by_id, r.by_name, r.kind) for r in record.reactions] == [("m2", "Max", "heart")]
    assert record.extra == {"vendor": {"a": 1}}


def test_numbers_are_accepted_as_ids():
    record = check(post(1) | {"id": 42, "thread_id": 9, "author": {"id": 5}})
    assert (record.id, record.thread_id, record.author_id) == ("42", "9", "5")


@pytest.mark.parametrize("obj, field, words", [
    (post(1, text="bad \ud800 text"), "text", "unpaired surrogate"),
    (post(1) | {"author": {"id": "a", "name": "x\udcff"}}, "author.name", "unpaired surrogate"),
    (post(1, title="t\x00"), "title", "NUL"),
    (post(1) | {"id": True}, "id", "string or number"),
    (post(1) | {"id": "  "}, "id", "blank"),
    (post(1) | {"id": "x" * 300}, "id", "at most 255"),
    (post(1, url="u" * 3000), "url", "at most 2,000"),
    (post(1) | {"created_at": 1714730400}, "created_at", "ISO 8601"),
    (post(1, edited_at="soon"), "edited_at", "ISO 8601"),
    (post(1, reactions=[{"type": "+1"}]), "reactions[0].by", "missing"),
    (post(1, reactions=["+1"]), "reactions[0]", "expected an object"),
    (post(1) | {"author": "anna"}, "author", "expected an object"),
])
def test_bad_fields_are_named(obj, field, words):
    with pytest.raises(FieldError) as caught:
        check(obj)
    assert caught.value.field == field
    assert words in caught.value.message


def test_the_text_limit_is_a_setting():
    with pytest.raises(FieldError, match="at most 10"):
        check(post(1, text="x" * 11), max_text_chars=10)


def test_gzip_files_are_read(tmp_path):
    path = tmp_path / "posts.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps(post(1)) + "\r\n" + json.dumps(post(2)) + "\n")
    parsed = list(read_file(str(path)))
    assert [p[2]["id"] for p in parsed] == ["1", "2"]


def test_format_is_sniffed_on_standard_input(tmp_path, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        b"source,id,thread_id,author.id,created_at,text\nforum,1,t,a,2026-05-03T10:00:00Z,hi\n")))
    parsed = list(read_file("-"))
    assert parsed[0][0] == "<stdin>" and parsed[0][2]["author"] == {"id": "a"}


def test_a_csv_row_short_of_the_deleted_column_is_a_post_not_deleted(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("source,id,thread_id,author.id,created_at,text,deleted\n"
                    "forum,1,t,a,2026-05-03T10:00:00Z,hi\n"
                    "forum,2,t,a,2026-05-03T10:01:00Z,gone,true\n", encoding="utf-8")
    parsed = list(read_file(str(path)))
    assert [(p[2]["id"], p[2]["deleted"]) for p in parsed] == [("1", False), ("2", True)]
