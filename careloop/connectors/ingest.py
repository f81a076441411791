"""Posts from a connector into careloop: the same Importer as `careloop import`, scoring queued in batches.

The connector only announces the stored posts (careloop.community.signals.posts_stored); listening queues
their scoring (careloop/listen/apps.py).

A webhook brings one post per request, and a scoring task per request would keep the worker busy with task
overhead rather than scoring (1.3 ms per post, but tens of ms per task). So the posts of all requests within
CARELOOP_SCORING_WINDOW seconds (0.1 by default) share one task. Their ids wait in memory for at most that
long: if the web process dies in between, the worker's sweep (listen.tasks.score_backlog) scores them, so
nothing is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings

from careloop.community.ingest import Importer, ImportResult
from careloop.community.json_input import BadJson
from careloop.community.records import LineError
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


def ingest_posts(source_name: str, objects: Iterable[dict[str, Any]], *, origin: str) -> ImportResult:
    """Import objects in the import format into one source; a line naming another source is refused.

    `origin` names where they came from in error messages (e.g. "webhook", "matrix sync"). Concurrent requests
    that bring the same new thread, member or post are safe: the Importer inserts keyed rows with ON CONFLICT
    DO NOTHING and reads their ids back (docs/decisions/0003-ingest-bulk-writes.md).
    """
    return _ingest(source_name, list(objects), origin)


def _ingest(source_name: str, objects: list[Any], origin: str) -> ImportResult:
    importer = Importer(batch_size=1000, on_batch=scoring.add)

    def lines():
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

    importer.feed(lines())
    return importer.finish()
