"""How long has the oldest task waited? huey queues whose messages carry the time they were put in the queue.

huey's messages hold no enqueue time, so careloop's queue classes (the `huey_class` of settings.HUEY) append one
to each message as it goes into the queue and take it off again as it comes out:

    <huey's pickled message> + b"\\0careloop-enqueued-at:" + b"1764779000.123456"

pickle ignores bytes after the end of its data, so a plain huey consumer (a worker of an older careloop, say)
still reads these messages, and careloop reads messages without the stamp (queued by an older careloop). A task
moved from the schedule into the queue (a retry after a delay, a task with an eta) is stamped when it is moved,
so its wait counts from when it became due.

The worker's heartbeat (careloop.health.heartbeat) asks `oldest_waiting()` of the queue a few times a minute; it
reads one message (the SQLite queue's lowest row id, the Redis list's tail), never the whole queue.

This module is imported by huey's Django integration while the settings load: no Django imports at the top.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from huey import RedisHuey as _RedisHuey
from huey import SqliteHuey as _SqliteHuey
from huey.storage import RedisStorage as _RedisStorage
from huey.storage import SqliteStorage as _SqliteStorage

if TYPE_CHECKING:  # to a type checker the mixin is a huey storage (its super() calls go to one)
    from huey.storage import BaseStorage as _Storage
else:
    _Storage = object

MARK = b"\x00careloop-enqueued-at:"


def stamp(data: bytes, at: float | None = None) -> bytes:
    """The message with its enqueue time (Unix seconds) appended."""
    return bytes(data) + MARK + (b"%.6f" % (time.time() if at is None else at))


def unstamp(data: bytes) -> tuple[bytes, float | None]:
    """(the message as huey wrote it, its enqueue time or None for a message without the stamp)."""
    data = bytes(data)
    at = data.rfind(MARK)
    if at < 0:
        return data, None
    try:
        return data[:at], float(data[at + len(MARK):])
    except ValueError:  # the mark inside a message's own bytes, not a stamp of ours
        return data, None


@dataclass(frozen=True)
class Waiting:
    """What waits in one queue: how many tasks, and the oldest one's enqueue time and identity."""

    count: int
    oldest_enqueued_at: float | None = None  # None: empty, or the oldest carries no stamp
    oldest_digest: str | None = None  # tells one unstamped oldest message from the next


class StampedQueue(_Storage):
    """Mixin for a huey storage: stamp on enqueue, strip on the way out, and find the oldest waiting message."""

    def enqueue(self, data, priority=None):
        super().enqueue(stamp(data), priority)

    def dequeue(self):
        data = super().dequeue()
        return None if data is None else unstamp(data)[0]

    def enqueued_items(self, limit=None):
        return [unstamp(d)[0] for d in super().enqueued_items(limit)]

    def oldest_raw(self) -> bytes | None:
        """The waiting message that went in first, with its stamp (subclasses read just that one)."""
        items = super().enqueued_items()
        return min(items, key=lambda d: unstamp(d)[1] or 0.0) if items else None

    def oldest_waiting(self) -> Waiting:
        count = self.queue_size()
        raw = self.oldest_raw() if count else None
        if raw is None:
            return Waiting(count)
        _, at = unstamp(raw)
        return Waiting(count, at, hashlib.blake2b(bytes(raw), digest_size=16).hexdigest())


class SqliteStorage(StampedQueue, _SqliteStorage):
    """huey's SQLite storage (its name kept: `careloop status` and the worker print it), with enqueue times."""

    SCHEMA = frozenset({("table", "kv"), ("table", "schedule"), ("table", "task"), ("table", "counter"),
                        ("index", "schedule_queue_timestamp"), ("index", "task_queue_priority_id")})

    def initialize_schema(self):
        """Create huey's tables only when some are missing. huey runs its DDL in every process that starts, under
        the queue's write lock — which a stopped worker may hold (its scheduler takes it every second): then every
        careloop command, `careloop status` too, would fail at start with "database is locked"."""
        with self.db(close=True) as curs:
            curs.execute("select type, name from sqlite_master")
            present = {tuple(row) for row in curs.fetchall()}
        if not present.issuperset(self.SCHEMA) or ("index", "task_priority_id") in present:  # new, or huey's old index
            super().initialize_schema()

    def oldest_raw(self) -> bytes | None:
        # A new row's id is above every row left (SQLite reuses a freed id only when it was the highest): the
        # lowest id is the first in, whatever the priorities.
        rows = self.sql("select data from task where queue = ? order by id limit 1", (self.name,), results=True)
        return bytes(rows[0][0]) if rows else None


class RedisStorage(StampedQueue, _RedisStorage):
    """huey's Redis storage, with enqueue times."""

    def oldest_raw(self) -> bytes | None:
        return self.conn.lindex(self.queue_key, -1)  # LPUSH in, (B)RPOP out: the tail is the oldest


class SqliteHuey(_SqliteHuey):
    """huey's SQLite queue (the embedded default), with enqueue times."""

    storage_class = SqliteStorage


class RedisHuey(_RedisHuey):
    """huey's Redis queue (several workers), with enqueue times."""

    storage_class = RedisStorage
