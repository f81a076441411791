"""The group commit (connectors/ingest.py GroupCommit): requests that wait while one writes are written together in
one Importer run and one transaction, each answered with its own counts; a group that fails is written again request
by request, so only the request that breaks it gets an error (never a 200 for posts not stored); a request that
waits too long is taken out unwritten."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection

from careloop.community.models import Post
from careloop.connectors import ingest


def post(pid: str, *, thread: str = "t1", parent: str | None = None, text: str = "the app is broken again") -> dict:
    return {"id": pid, "thread_id": thread, "parent_id": parent, "author": {"id": "m1", "name": "Mara"},
            "created_at": "2026-12-01T10:00:00+00:00", "text": text}


class HeldWriter:
    """The real receive(), with the first group's write held until released: the requests that come meanwhile
    wait and are then written as one group. Records the posts of every group written."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, poison: str | None = None) -> None:
        self.real = ingest.receive
        self.groups: list[list[str]] = []
        self.release = threading.Event()
        self.writing = threading.Event()
        self.poison = poison
        monkeypatch.setattr(ingest, "receive", self)

    def __call__(self, lines, **kwargs):
        lines = list(lines)
        ids = [obj["id"] for _file, _line, obj in (x for x in lines if isinstance(x, tuple))]
        self.groups.append(ids)
        if len(self.groups) == 1:
            self.writing.set()
            assert self.release.wait(30)
        if self.poison in ids:  # the database gives up on this write (a lost connection, a full disk)
            raise OperationalError("disk I/O error")
        return self.real(lines, **kwargs)


def run(committer: ingest.GroupCommit, source: str, objects: list[dict], answers: dict, key: str) -> threading.Thread:
    def go() -> None:
        try:
            answers[key] = committer.store(source, objects, "webhook")
        except Exception as exc:  # noqa: BLE001 - the test reads what each request got
            answers[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def wait_until_waiting(committer: ingest.GroupCommit, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(committer._waiting) < count:
        assert time.monotonic() < deadline, "the requests did not queue"
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_requests_that_wait_are_written_as_one_group_each_answered_with_its_own_counts(make_source, monkeypatch):
    source = make_source("webhook", name="hook", secret="s" * 32)
    held = HeldWriter(monkeypatch)
    committer = ingest.GroupCommit()
    answers: dict = {}
    first = run(committer, source.name, [post("a1")], answers, "first")
    assert held.writing.wait(10)
    others = [
        run(committer, source.name, [post("b1"), post("b2", parent="b1")], answers, "two new"),
        run(committer, source.name, [post("a1"), post("c1", parent="gone")], answers, "one again, one orphan"),
        run(committer, source.name, [post("d1"), {"id": "d2", "thread_id": "t1"}], answers, "one bad line"),
    ]
    wait_until_waiting(committer, 3)
    held.release.set()
    for t in [first, *others]:
        t.join(30)

    assert held.groups[0] == ["a1"]
    assert sorted(held.groups[1]) == sorted(["b1", "b2", "a1", "c1", "d1", "d2"])  # the three, in one run
    assert len(held.groups) == 2
    assert answers["first"].summary() == "imported 1, updated 0, unchanged 0, failed 0"
    assert answers["two new"].summary() == "imported 2, updated 0, unchanged 0, failed 0"
    orphan = answers["one again, one orphan"]
    assert (orphan.imported, orphan.unchanged, orphan.failed) == (0, 1, 1)  # c1 kept, its parent never came
    assert [(e.file, e.line, e.field) for e in orphan.errors] == [("webhook", 2, "parent_id")]
    bad = answers["one bad line"]
    assert (bad.imported, bad.failed) == (1, 1)
    assert bad.errors[0].file == "webhook" and bad.errors[0].line == 2 and str(bad.errors[0]).startswith("webhook:2:")
    assert sorted(Post.objects.values_list("external_id", flat=True)) == ["a1", "b1", "b2", "c1", "d1"]
    assert Post.objects.get(external_id="b2").parent == Post.objects.get(external_id="b1")
    assert not committer._writing and not committer._waiting  # nobody left holding the writing


@pytest.mark.django_db(transaction=True)
def test_a_failing_group_fails_only_the_request_that_breaks_it(make_source, monkeypatch):
    source = make_source("webhook", name="hook", secret="s" * 32)
    held = HeldWriter(monkeypatch, poison="p1")
    committer = ingest.GroupCommit()
    answers: dict = {}
    first = run(committer, source.name, [post("a1")], answers, "first")
    assert held.writing.wait(10)
    others = [run(committer, source.name, [post("b1")], answers, "fine"),
              run(committer, source.name, [post("p1")], answers, "breaks the write"),
              run(committer, source.name, [post("c1")], answers, "fine too")]
    wait_until_waiting(committer, 3)
    held.release.set()
    for t in [first, *others]:
        t.join(30)

    assert isinstance(answers["breaks the write"], OperationalError)  # an error, not a count: the view answers 500
    assert answers["fine"].imported == 1 and answers["fine too"].imported == 1
    assert sorted(Post.objects.values_list("external_id", flat=True)) == ["a1", "b1", "c1"]
    assert [sorted(g) for g in held.groups[1:]] == [["b1", "c1", "p1"], ["b1"], ["p1"], ["c1"]]  # then one by one
    assert not committer._writing and not committer._waiting


@pytest.mark.django_db(transaction=True)
def test_a_request_that_waits_too_long_is_taken_out_unwritten(make_source, monkeypatch):
    source = make_source("webhook", name="hook", secret="s" * 32)
    held = HeldWriter(monkeypatch)
    committer = ingest.GroupCommit(max_wait=0.2)
    answers: dict = {}
    first = run(committer, source.name, [post("a1")], answers, "first")
    assert held.writing.wait(10)
    late = run(committer, source.name, [post("late")], answers, "late")
    late.join(10)
    assert isinstance(answers["late"], ingest.StoreTimeout)
    held.release.set()
    first.join(30)
    assert answers["first"].imported == 1
    assert list(Post.objects.values_list("external_id", flat=True)) == ["a1"]  # the late one was never written
    assert not committer._writing and not committer._waiting


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_requests_are_each_stored_once_and_counted(make_source):
    source = make_source("webhook", name="hook", secret="s" * 32)
    committer = ingest.GroupCommit()
    answers: dict = {}
    threads = [run(committer, source.name, [post(f"p{n}", thread=f"t{n % 5}"), post(f"p{n % 10}", thread=f"t{n % 5}")],
                   answers, str(n))
               for n in range(40)]
    for t in threads:
        t.join(60)
    assert not [a for a in answers.values() if isinstance(a, Exception)]
    assert all(a.failed == 0 and a.lines == 2 for a in answers.values())
    # p0..p39 once each; each post was counted imported by exactly one request
    assert Post.objects.count() == 40
    assert sum(a.imported for a in answers.values()) == 40
    assert sum(a.unchanged + a.imported for a in answers.values()) == 80
