"""PostgreSQL's bulk path: posts and interactions go in by COPY into a staging table, then one
INSERT ... SELECT ... ON CONFLICT DO NOTHING (careloop/community/bulk.py `BulkWriter.copy_insert`).

It must keep every promise of the row-by-row insert it replaced: the same rows, every bad line named, a second
import changing nothing, concurrent imports of the same posts ending with each post once, and any text a
PostgreSQL text can hold stored exactly. Skipped on SQLite, which keeps its multi-row INSERT path.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from careloop.community import bulk
from careloop.community.ingest import Importer, ImportResult
from careloop.community.models import Interaction, Member, Post, PostRevision, Source, Thread
from tests.conftest import CARELOOP, post


@pytest.fixture(autouse=True)
def _postgres_only(db, monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's (DATABASE_URL=postgres://...)")
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 1)  # these files are small: COPY every batch


def test_a_few_rows_go_in_row_by_row_and_many_by_copy(monkeypatch):
    """A webhook's post or two keep the one-round-trip insert; a file's batches go through COPY."""
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 50)
    copied: list[int] = []
    real = bulk.BulkWriter.copy_insert
    monkeypatch.setattr(bulk.BulkWriter, "copy_insert", lambda self, rows: copied.append(len(rows)) or real(self, rows))
    for size in (1, 49, 50, 120):
        importer = Importer(batch_size=1000)
        importer.feed(("f", n, post(f"{size}-{n}", thread=f"t{size}")) for n in range(size))
        assert importer.finish().imported == size
    assert copied == [50, 120]  # the posts of the two larger batches (replies to no one: no interactions)
    assert Post.objects.count() == 1 + 49 + 50 + 120


HOSTILE_TEXTS = [
    "tab\there and\ttwo", "back\\slash \\N \\. \\\\ \\t", "line one\nline two\r\nline three\rend",
    "\\N", "\\.", "", " leading and trailing ", "quote \" and ' and ` and ,;|",
    "e\u0301 \u200f\u202e RTL override \u200b zero-width \ufeff bom \u2028 line sep \u2029 para sep",
    "emoji \U0001f600\U0001f469\u200d\U0001f469\u200d\U0001f467 flags \U0001f1e9\U0001f1ea",
    "control \x01\x07\x1b[31m\x7f chars", "Robert'); DROP TABLE community_post;--",
    "\u00e4\u00f6\u00fc\u00df \u4e2d\u6587",
    "x" * 99_990 + "\t\\\n\u00e4",  # near CARELOOP_MAX_POST_CHARS (100,000)
]


def community_rows() -> dict[str, Any]:
    """Everything an import stores, keyed by platform ids rather than database ids (which differ run to run)."""
    sources = dict(Source.objects.values_list("id", "name"))
    members = {m.id: (sources[m.source_id], m.external_id) for m in Member.objects.all()}
    threads = {t.id: (sources[t.source_id], t.external_id) for t in Thread.objects.all()}
    posts = {p.id: (sources[p.source_id], p.external_id) for p in Post.objects.all()}
    return {
        "posts": sorted(
            (posts[p.id], threads[p.thread_id], posts.get(p.parent_id), p.parent_external_id, members[p.author_id],
             p.created_at, p.edited_at, p.deleted, p.text, p.url, p.language, json.dumps(p.reactions),
             json.dumps(p.extra, sort_keys=True), p.sentiment, p.model_version,
             p.scored_at is None, p.listened_at is None)  # when scored (tests score at once) differs run to run
            for p in Post.objects.all()
        ),
        "threads": sorted((threads[t.id], t.title, t.url, t.channel, t.post_count, t.started_at, t.last_post_at)
                          for t in Thread.objects.all()),
        "members": sorted((members[m.id], m.handle, m.display_name, m.is_team, m.first_seen_at, m.last_seen_at)
                          for m in Member.objects.all()),
        "interactions": sorted((sources[i.source_id], i.kind, members[i.actor_id], members[i.target_id],
                                posts[i.post_id], i.detail, i.created_at) for i in Interaction.objects.all()),
        "revisions": sorted((posts[r.post_id], r.text, r.edited_at) for r in PostRevision.objects.all()),
    }


def row_by_row_insert(self: bulk.BulkWriter, adapted: Any) -> int:
    """The insert COPY replaced: one INSERT per row, pipelined by psycopg's executemany (the reference)."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in self.columns)
    conflict = " ON CONFLICT DO NOTHING" if self.ignore_conflicts else ""
    sql = (f"INSERT INTO {qn(self.model._meta.db_table)} ({columns}) "  # noqa: S608 - our names
           f"VALUES ({', '.join(['%s'] * len(self.columns))}){conflict}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(adapted))
        return cursor.rowcount


def forget_community() -> None:
    for model in (Interaction, PostRevision, Post, Thread, Member, Source):
        model.objects.all().delete()


def mixed_file(write_jsonl: Callable[..., Path]) -> Path:
    """Good posts (replies before and after their parents, reactions, mentions, hostile texts, edits of a post in
    the same file) among bad lines of every kind the reader and validation name."""
    good = [post(1, title="Sync broken", channel="support", extra_note="tab\tand \\ backslash")]
    good += [post(f"r{n}", parent="1" if n % 3 else f"r{n - 1}", author=f"m{n % 7}", text=text,
                  at=f"2026-05-03T10:{n:02d}:00+00:00", reactions=[{"by": f"m{(n + 1) % 7}", "type": "+1\t\\"}])
             for n, text in enumerate(HOSTILE_TEXTS, start=1)]
    good += [post("late", parent="later-parent", author="m2", text="@h_m1 @h_m3 me too"),
             post("later-parent", author="m3"), post(1, text="edited\ttext", edited_at="2026-05-04T10:00:00+00:00")]
    bad = [
        json.dumps(post("nul", text="a\u0000b")), "{not json", json.dumps(post("nozone", at="2026-05-03T10:00:00")),
        json.dumps(post("x", extra_note="a\u0000b")), json.dumps({"id": "no-source"}), "[1, 2]",
        json.dumps(post("toolong", text="y" * 100_001)),
    ]
    lines: list[Any] = []
    for n, record in enumerate(good):
        lines.append(record)
        if n < len(bad):
            lines.append(bad[n])
    return write_jsonl(lines)


@pytest.mark.parametrize("batch_size", [5000, 3])
def test_copy_stores_the_same_rows_as_the_row_by_row_insert(cli, write_jsonl, monkeypatch, batch_size):
    path = mixed_file(write_jsonl)
    copied = cli("import", "--batch-size", str(batch_size), str(path))
    copied_rows = community_rows()
    forget_community()
    with monkeypatch.context() as m:
        m.setattr(bulk.BulkWriter, "copy_insert", row_by_row_insert)
        by_row = cli("import", "--batch-size", str(batch_size), str(path))

    assert copied.exit_code == by_row.exit_code == 1  # some lines failed, the rest imported
    assert copied.stdout.splitlines()[-1] == by_row.stdout.splitlines()[-1] == (
        f"imported {len(HOSTILE_TEXTS) + 3}, updated 1, unchanged 0, failed 7")
    named = [line for line in copied.stderr.splitlines() if line.startswith(str(path))]
    assert named == [line for line in by_row.stderr.splitlines() if line.startswith(str(path))]  # same words
    assert len(named) == 7
    assert [line[len(str(path)):].split(":")[1:3] for line in named] == [
        ["2", " text"], ["4", " line"], ["6", " created_at"], ["8", " extra_note"], ["10", " author"], ["12", " line"],
        ["14", " text"]]
    assert copied_rows == community_rows()
    assert len(copied_rows["posts"]) == len(HOSTILE_TEXTS) + 3 and len(copied_rows["revisions"]) == 1
    assert {i[1] for i in copied_rows["interactions"]} == {"reply", "reaction", "mention"}


def test_hostile_texts_round_trip_exactly(cli, write_jsonl):
    records = [post(n, text=text, author=f"a{n % 3}", extra_note=text, reactions=[{"by": "zz", "type": text[:50]}])
               for n, text in enumerate(HOSTILE_TEXTS)]
    result = cli("import", str(write_jsonl(records)))
    assert result.exit_code == 0, result.stderr
    stored = {p.external_id: p for p in Post.objects.all()}
    for n, text in enumerate(HOSTILE_TEXTS):
        assert stored[str(n)].text == text
        assert stored[str(n)].extra == {"extra_note": text}
    kinds = set(Interaction.objects.filter(kind=Interaction.Kind.REACTION).values_list("detail", flat=True))
    assert kinds == {text[:50] or "reaction" for text in HOSTILE_TEXTS}  # an empty type is a plain reaction


def test_a_nul_is_refused_and_named_as_before_and_the_batch_stored(cli, write_jsonl):
    """PostgreSQL text cannot hold U+0000: validation names the line (field and position) before COPY sees it."""
    result = cli("import", str(write_jsonl([post(1), post(2, text="bad\u0000here"), post(3)])))
    assert result.exit_code == 1
    assert "posts.jsonl:2: text: contains a NUL character at position 3" in result.stderr
    assert sorted(Post.objects.values_list("external_id", flat=True)) == ["1", "3"]


def test_a_value_copy_refuses_costs_its_line_only(monkeypatch):
    """Were a NUL to get past validation, psycopg's COPY refuses it with Django's DataError, and the batch is
    written in halves down to that line, which is named; the other lines are stored."""
    from careloop.community import records

    monkeypatch.setattr(records, "_clean_text", lambda value, name: value)  # validation lets the NUL through
    importer = Importer(batch_size=100)
    importer.feed(("f", n, post(n, author=f"m{n % 3}", text="bad\u0000nul" if n == 5 else f"post {n}"))
                  for n in range(1, 9))
    result = importer.finish()
    assert (result.imported, result.failed) == (7, 1), result.summary()
    [error] = result.errors
    assert (error.file, error.line, error.field) == ("f", 5, "line")
    assert error.message.startswith("the database refused this post (") and "NUL" in error.message
    assert sorted(Post.objects.values_list("external_id", flat=True)) == [str(n) for n in range(1, 9) if n != 5]


def test_a_second_import_changes_nothing(cli, write_jsonl):
    path = mixed_file(write_jsonl)
    cli("import", str(path))
    before = community_rows()
    stamps = sorted(Post.objects.values_list("external_id", "updated_at"))
    again = cli("import", str(path))
    assert again.stdout.splitlines()[-1] == f"imported 0, updated 0, unchanged {len(HOSTILE_TEXTS) + 4}, failed 7"
    assert community_rows() == before
    assert sorted(Post.objects.values_list("external_id", "updated_at")) == stamps


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_overlapping_files_at_once_store_each_post_once(tmp_path, process_env):
    """Two `careloop import` processes, started together on files that share half their posts (and threads and
    members), in batches of 200 so that their batches interleave: each post stored once, the counts exact."""
    def records(first: int, last: int) -> list[dict]:
        return [post(f"p{n}", thread=f"t{n // 25}", parent=f"p{n - 1}" if n % 25 else None, author=f"m{n % 90}",
                     at=f"2026-05-{1 + n // 1000:02d}T10:{n % 60:02d}:00+00:00", text=f"post {n}\twith\\tab",
                     reactions=[{"by": f"m{(n + 1) % 90}", "type": "+1"}] if n % 4 == 0 else [])
                for n in range(first, last)]

    files = []
    for name, span in (("a.jsonl", (0, 3000)), ("b.jsonl", (1500, 4500))):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records(*span)))
        files.append(path)
    procs = [subprocess.Popen([*CARELOOP, "import", "--quiet", "--batch-size", "200", str(f)], env=process_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err[-2000:]
    summaries = [_summary(out) for out, _ in outs]
    assert sum(s.imported for s in summaries) == Post.objects.count() == 4500
    assert all(s.failed == s.updated == 0 for s in summaries)
    assert sum(s.unchanged for s in summaries) == 1500  # each shared post stored by one import, found by the other
    assert Post.objects.values("source_id", "external_id").distinct().count() == 4500
    assert Member.objects.count() == 90 and Thread.objects.count() == 180
    for thread in Thread.objects.all():
        assert thread.post_count == Post.objects.filter(thread=thread).count() == 25
    assert not Post.objects.filter(parent__isnull=True).exclude(parent_external_id="").exists()
    expected_reactions = sum(1 for n in range(4500) if n % 4 == 0 and n % 90 != (n + 1) % 90)
    assert Interaction.objects.filter(kind=Interaction.Kind.REACTION).count() == expected_reactions


def _summary(stdout: str) -> ImportResult:
    words = stdout.strip().splitlines()[-1].replace(",", "").split()  # imported N updated U unchanged K failed F
    return ImportResult(imported=int(words[1]), updated=int(words[3]), unchanged=int(words[5]), failed=int(words[7]))


@pytest.mark.django_db(transaction=True)
def test_copy_outside_a_transaction_keeps_its_rows():
    """The staging table empties at every commit: under autocommit, copy_insert still moves every row."""
    assert connection.get_autocommit()
    from django.utils import timezone

    writer = bulk.BulkWriter(Source, ["name", "kind", "display_name", "settings", "enabled", "last_error",
                                      "created_at"], ignore_conflicts=True)
    now = timezone.now()
    rows = [(f"s-{n}", Source.Kind.FILES, f"Source\t{n} \\N", {"k": f"v\\{n}"}, True, "", now) for n in range(150)]
    assert writer.insert(rows) == 150
    assert writer.insert(rows[:120]) == 0  # all there already: skipped
    stored = {s.name: (s.display_name, s.settings) for s in Source.objects.all()}
    assert stored == {row[0]: (row[2], row[3]) for row in rows}
