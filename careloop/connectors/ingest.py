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
from typing import Any

from django.conf import settings
from django.db import connection

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
            queue_failed: Callable[[Exception], bool] | None = None) -> ImportResult:
    """Store parsed lines (file, line, object in the import format) idempotently; announce each batch for scoring.

    - `gather`: the batches of calls within CARELOOP_SCORING_WINDOW share one scoring task (webhooks, polls:
      a few posts a call). False announces each batch at once: a file import's batches are large, and a
      command that ends right after must not leave them waiting in a timer.
    - `on_stored(new_ids, changed_ids)`: told each committed batch too (`careloop import --wait` keeps them).
    - `queue_failed(exc)`: when announcing fails with an exception it accepts (True: the task queue cannot be
      reached), the posts stay stored and the rest are stored all the same; the worker's sweep scores them once
      it can. Only for gather=False, where the announcement runs in the caller's thread.
    """
    trouble: list[Exception] = []

    def stored(new_ids: list[int], changed_ids: list[int]) -> None:
        if on_stored is not None:
            on_stored(new_ids, changed_ids)
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

    importer = Importer(batch_size=batch_size, on_batch=stored, bulk=bulk)
    importer.feed(lines)
    return importer.finish()


def ingest_posts(source_name: str, objects: Iterable[dict[str, Any]], *, origin: str) -> ImportResult:
    """A connector's posts in the import format, into one source (a line naming another source is refused),
    through `receive()`.

    `origin` names where they came from in error messages (e.g. "webhook", "matrix sync"). Concurrent requests
    that bring the same new thread, member or post are safe: the Importer inserts keyed rows with ON CONFLICT
    DO NOTHING and reads their ids back (docs/decisions/0003-ingest-bulk-writes.md).
    """
    with one_writer():
        return receive(_lines(source_name, list(objects), origin))


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
