"""The one ingest entry point: `receive()` stores posts and always announces them for scoring.

Every receiver calls it — the webhook view (connectors/views.py), the poll and the stream
(connectors/tasks.py `sync_source()`), and a file import (`careloop import`: connectors/files/connector.py
`import_files()`). It feeds an Importer (careloop/community/ingest.py: idempotent, batch by batch) and after
each committed batch announces the batch's new and changed posts (careloop.community.signals.posts_stored);
listening queues their scoring and then the update of their threads (careloop/listen/apps.py). Connectors
never import listen/ (../shared/design/layers.json): the announcement is how scoring is wired, and `receive()`
is the only place that makes it.

A webhook brings one post per request, and a scoring task per request would keep the worker busy with task
overhead rather than scoring (1.3 ms per post, but tens of ms per task). So the posts of all requests within
CARELOOP_SCORING_WINDOW seconds (0.1 by default) share one task (`gather=True`, for webhooks and polls).
Their ids wait in memory for at most that long: if the web process dies in between, the worker's sweep
(listen.tasks.score_backlog) scores them, so nothing is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from careloop.community.ingest import Importer, ImportResult
from careloop.community.json_input import BadJson
from careloop.community.records import LineError, Parsed
from careloop.community.signals import announce_stored


class ScoringBatcher:
    """Collects the ids of posts imported by many small requests and queues them as one scoring task."""

    def __init__(self, window: float | None = None) -> None:
        self.window = window
        self._ids: list[int] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def add(self, new_ids: Sequence[int], changed_ids: Sequence[int]) -> None:
        from huey.contrib.djhuey import HUEY

        window = self.window if self.window is not None else settings.CARELOOP_SCORING_WINDOW
        if HUEY.immediate or window <= 0:  # tests and CARELOOP_TASKS_IMMEDIATE, or batching turned off
            self._queue([*new_ids, *changed_ids])
            return
        with self._lock:
            self._ids.extend(new_ids)
            self._ids.extend(changed_ids)
            if self._timer is None:
                self._timer = threading.Timer(window, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        with self._lock:
            ids, self._ids, timer, self._timer = self._ids, [], self._timer, None
        if timer is not None:
            timer.cancel()  # flushed early (or by the timer itself, when this does nothing)
        if ids:
            self._queue(ids)

    @staticmethod
    def _queue(ids: list[int]) -> None:
        announce_stored(ids, [])


scoring = ScoringBatcher()


StoredHook = Callable[[list[int], list[int]], None]  # (new post ids, changed post ids) of one committed batch


def receive(lines: Iterable[Parsed], *, batch_size: int = 1000, bulk: bool = False, gather: bool = True,
            on_stored: StoredHook | None = None,
            queue_failed: Callable[[Exception], bool] | None = None,
            held: list[tuple[list[int], list[int]]] | None = None,
            by_file: dict[str, ImportResult] | None = None) -> ImportResult:
    """Store parsed lines (file, line, object in the import format) idempotently; announce each batch for scoring.

    - `gather`: the batches of calls within CARELOOP_SCORING_WINDOW share one scoring task (webhooks, polls:
      a few posts a call). False announces each batch at once: a file import's batches are large, and a
      command that ends right after must not leave them waiting in a timer.
    - `on_stored(new_ids, changed_ids)`: told each committed batch too (`careloop import --wait` keeps them).
    - `queue_failed(exc)`: when announcing fails with an exception it accepts (True: the task queue cannot be
      reached), the posts stay stored and the rest are stored all the same; the worker's sweep scores them once
      it can. Only for gather=False, where the announcement runs in the caller's thread.
    - `held`: the batches are kept there instead of announced, for a caller that writes them inside its own
      transaction: it calls `announce_held(held)` once that commits (the group commit below).
    - `by_file`: filled with each file's own counts and errors (the group commit's requests).
    """
    trouble: list[Exception] = []

    def stored(new_ids: list[int], changed_ids: list[int]) -> None:
        if on_stored is not None:
            on_stored(new_ids, changed_ids)
        if held is not None:
            held.append((new_ids, changed_ids))
            return
        if gather:
            scoring.add(new_ids, changed_ids)
            return
        if trouble:  # the queue failed on an earlier batch: the sweep finds these as it finds those
            return
        try:
            announce_stored(new_ids, changed_ids)
        except Exception as exc:
            if queue_failed is None or not queue_failed(exc):
                raise
            trouble.append(exc)

    importer = Importer(batch_size=batch_size, on_batch=stored, bulk=bulk, by_file=by_file is not None)
    importer.feed(lines)
    result = importer.finish()
    if by_file is not None:
        by_file.update((f, importer.result_for(f)) for f in importer.files())
    return result


def announce_held(held: list[tuple[list[int], list[int]]]) -> None:
    """Announce the batches `receive(held=...)` kept (to the gathering scoring batcher), once the caller's
    transaction committed."""
    for new_ids, changed_ids in held:
        scoring.add(new_ids, changed_ids)


def ingest_posts(source_name: str, objects: Iterable[dict[str, Any]], *, origin: str) -> ImportResult:
    """A connector's posts in the import format, into one source (a line naming another source is refused),
    through `receive()`, in a group commit with the other requests of this process that wait (`together`).

    `origin` names where they came from in error messages (e.g. "webhook", "matrix sync"). Concurrent requests
    that bring the same new thread, member or post are safe: the Importer inserts keyed rows with ON CONFLICT
    DO NOTHING and reads their ids back (docs/decisions/0003-ingest-bulk-writes.md). The result is this call's
    own: its counts and its lines' errors, whatever else was written in the same transaction.
    """
    return together.store(source_name, list(objects), origin)


class StoreTimeout(Exception):
    """The posts waited longer than GroupCommit.max_wait for a writer and were not written: nothing of them was
    stored (the sender may send them again)."""


@dataclass
class _Request:
    source_name: str
    objects: list[Any]
    origin: str
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # handed the writing of the next group
    result: ImportResult | None = None
    error: BaseException | None = None


class GroupCommit:
    """Many requests' posts written in one Importer run and one transaction (issue 17: a request's own write
    transaction cost more than its posts).

    A request hands its posts over and waits. The first to come while nobody writes becomes the writer: it takes
    every request waiting (up to `max_posts` posts), writes them together, answers each with its own counts,
    then hands the writing to the first request that came meanwhile — so the group grows with the load and a
    quiet process writes each request at once, in its own thread, as before. The answer comes after the group
    committed: a 200 still means stored. A group that fails is written again request by request, so one request
    that breaks a write costs the others nothing, and a request whose own write fails gets that error, never
    counts. A request still waiting after `max_wait` seconds is taken out unwritten (StoreTimeout)."""

    def __init__(self, *, max_posts: int = 1000, max_wait: float = 30.0) -> None:
        self.max_posts = max_posts
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._waiting: list[_Request] = []
        self._writing = False

    def store(self, source_name: str, objects: list[Any], origin: str) -> ImportResult:
        request = _Request(source_name, objects, origin)
        with self._lock:
            self._waiting.append(request)
            request.lead = not self._writing
            self._writing = True
        if not request.lead and not request.done.wait(self.max_wait):
            with self._lock:
                if not request.lead and request in self._waiting:  # not taken: never written
                    self._waiting.remove(request)
                    raise StoreTimeout(f"{len(objects)} posts waited over {self.max_wait:g} s to be written")
            request.done.wait()  # in the group being written: its answer comes when that commits
        if request.lead and request.result is None and request.error is None:  # first, or handed the writing
            self._write_groups()
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result

    def _write_groups(self) -> None:
        """Write one group (the waiting requests), then hand the writing to the next request waiting."""
        with self._lock:
            group: list[_Request] = []
            posts = 0
            while self._waiting and (not group or posts + len(self._waiting[0].objects) <= self.max_posts):
                posts += len(self._waiting[0].objects)
                group.append(self._waiting.pop(0))
        try:
            self._write(group)
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting[0].lead = True
                    self._waiting[0].done.set()  # wakes it as the next writer
                else:
                    self._writing = False
        for request in group:
            request.done.set()

    def _write(self, group: list[_Request]) -> None:
        try:
            results = _store_group(group)
        except Exception as exc:
            if len(group) == 1:
                group[0].error = exc
                return
            for request in group:  # the group failed: each on its own, so only the request that breaks it fails
                try:
                    request.result = _store_group([request])[0]
                except Exception as own:  # noqa: BLE001 - its answer is its own error
                    request.error = own
            return
        for request, result in zip(group, results, strict=True):
            request.result = result


def _store_group(group: list[_Request]) -> list[ImportResult]:
    """One Importer run and one transaction for the group's posts; the scoring announced after the commit. Each
    request's lines are one "file" of the run (named by its place in the group), its errors renamed back."""
    held: list[tuple[list[int], list[int]]] = []
    by_file: dict[str, ImportResult] = {}
    keys = [f"{r.origin}\x00{n}" for n, r in enumerate(group)]
    lines = (line for key, r in zip(keys, group, strict=True) for line in _lines(r.source_name, r.objects, key))
    with one_writer(), transaction.atomic():
        receive(lines, batch_size=max(1000, sum(len(r.objects) for r in group)), held=held, by_file=by_file)
    announce_held(held)
    results = []
    for key, request in zip(keys, group, strict=True):
        own = by_file.get(key) or ImportResult()
        own.errors = [replace(e, file=request.origin) for e in own.errors]
        results.append(own)
    return results


together = GroupCommit()


_writer = threading.Lock()


@contextmanager
def one_writer() -> Iterator[None]:
    """On SQLite, one thread of this process writes at a time; elsewhere nothing.

    SQLite has one write lock per database. Threads that find it taken wait in SQLite's busy handler, which sleeps
    1, 2, 5 … up to 100 ms between tries: with eight web threads taking turns the lock sits idle between them and a
    burst of webhooks backs up (issue 17). Queued on a lock of this process, each request starts writing the
    moment the one before it commits; the worker process, a second writer, still meets the busy handler."""
    if connection.vendor != "sqlite":
        yield
        return
    with _writer:
        yield


def _lines(source_name: str, objects: list[Any], origin: str) -> Iterator[Parsed]:
    for number, obj in enumerate(objects, start=1):
        if isinstance(obj, BadJson):  # an element of the body that could not be parsed (json_input)
            yield LineError(origin, number, obj.field, obj.message)
            continue
        if isinstance(obj, dict):
            named = obj.get("source")
            if named in (None, ""):
                obj = {**obj, "source": source_name}
            elif named != source_name:
                yield LineError(origin, number, "source",
                                f"names source {named!r}; this endpoint takes posts of {source_name!r} only")
                continue
        yield origin, number, obj
