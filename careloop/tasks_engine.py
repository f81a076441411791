"""One task API over two engines (decision 12): Huey, the embedded default, and Dramatiq over RabbitMQ for teams.

Every tasks.py declares its work with this module's decorators, never with an engine's own:

- `task(retries=, retry_delay=, queue=)`: a function that runs in a worker. Calling the decorated function queues
  it (`deliver_task(7)`); `.schedule(args, delay=seconds)` queues it for later; `.call_local(...)` runs it here.
- `periodic_task(crontab(...))`: a task the engine's scheduler queues at those times (UTC).
- `lock("name")`: below `task`, at most one run of the function at a time across every worker; a run that
  finds the lock taken does nothing (as huey's lock_task).
- `on_worker_start`: called once as a worker starts (sweeps, the heartbeat).

Which engine runs them is read once, from the settings, when the first task is declared:

- CARELOOP_BROKER_URL unset: Huey (`settings.HUEY`: SQLite in the data folder, or Redis with REDIS_URL) — exactly
  huey's own decorators, so nothing changes for the embedded default. Huey takes a task off the queue before it
  runs it: a worker killed mid-task loses it, and the sweeps (every 1-5 minutes, and at a worker's start) redo
  what the database says is left.
- CARELOOP_BROKER_URL=amqp://…: Dramatiq over RabbitMQ. A message is acknowledged only after its task has
  finished (Dramatiq acks late): a worker killed with SIGKILL drops its connection, and RabbitMQ gives its
  unacknowledged messages to another worker within moments. Every task is idempotent (decision 12 lists why
  each is), so a task run twice changes nothing the second time. Periodic tasks are queued by one scheduler
  among the workers: each worker process runs a scheduler thread, and the one that holds the scheduler lock (a
  PostgreSQL advisory lock, or a file lock in the data folder on SQLite) queues them; the lock goes with the
  holder's database session or process, so a killed scheduler is replaced within SCHEDULER_RETRY seconds.

Nothing here imports careloop's packages: they import this (tests/test_import_layers.py).
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dramatiq
import pika
from django.conf import settings
from dramatiq.middleware import Middleware
from huey import crontab

__all__ = ["crontab", "engine", "immediate", "lock", "on_worker_start", "periodic_task", "task"]

log = logging.getLogger(__name__)
HUEY, DRAMATIQ = "huey", "dramatiq"
DEFAULT, LISTEN = "default", "listen"  # the queues: the case loop and the rest; scoring and listening
TIME_LIMIT_MS = 60 * 60 * 1000  # the longest a Dramatiq task may run (a 50,000-post sweep takes minutes)
SCHEDULER_RETRY = 5.0  # seconds between a waiting scheduler's tries for the lock
LOCK_SPACE = 0x6361_7265  # "care": the first key of careloop's PostgreSQL advisory locks


def engine() -> str:
    """"dramatiq" when CARELOOP_BROKER_URL is set, else "huey"."""
    return DRAMATIQ if getattr(settings, "CARELOOP_BROKER_URL", "") else HUEY


def immediate() -> bool:
    """Do tasks run inside the process that queues them (CARELOOP_TASKS_IMMEDIATE: tests, one-off scripts)?"""
    from huey.contrib.djhuey import HUEY as huey  # both engines: settings.HUEY's flag (tests switch it there)

    return bool(huey.immediate)


def queue_name(queue: str = DEFAULT) -> str:
    """The broker's name of one of careloop's queues: CARELOOP_QUEUE_NAME, with "-listen" for scoring."""
    from huey.contrib.djhuey import HUEY as huey  # made from settings.HUEY["name"]

    base = huey.name
    return base if queue == DEFAULT else f"{base}-{queue}"


def queue_names() -> list[str]:
    """careloop's queues in the engine in use: huey has one, Dramatiq one for scoring and listening beside it."""
    return [queue_name(DEFAULT), queue_name(LISTEN)] if engine() == DRAMATIQ else [queue_name(DEFAULT)]


# ------------------------------------------------------------------------------------------------- declaring
_periodic: list[tuple[Any, Task]] = []
_start_hooks: list[Callable[[], None]] = []


def task(*, retries: int = 0, retry_delay: float = 0, queue: str = DEFAULT) -> Callable[[Callable], Any]:
    """Declare a background task (see the module's docstring); `retry_delay` in seconds."""
    def declare(fn: Callable) -> Any:
        if engine() == HUEY:
            from huey.contrib.djhuey import db_task

            return db_task(retries=retries, retry_delay=retry_delay)(fn)
        return Task(fn, retries=retries, retry_delay=retry_delay, queue=queue)

    return declare


def periodic_task(when: Any, *, queue: str = DEFAULT) -> Callable[[Callable], Any]:
    """Declare a task queued at the times of `when`, a huey `crontab(...)` (UTC)."""
    def declare(fn: Callable) -> Any:
        if engine() == HUEY:
            from huey.contrib.djhuey import db_periodic_task

            return db_periodic_task(when)(fn)
        declared = Task(fn, queue=queue)
        _periodic.append((when, declared))
        return declared

    return declare


def lock(name: str) -> Callable[[Callable], Callable]:
    """At most one run at a time of the decorated function, across every worker; a run that finds it taken skips."""
    def declare(fn: Callable) -> Callable:
        if engine() == HUEY:
            from huey.contrib.djhuey import lock_task

            return lock_task(name)(fn)

        def locked(*args: Any, **kwargs: Any) -> Any:
            with held(name) as won:
                if not won:
                    log.info("task %s skipped: another worker holds lock %r", fn.__name__, name)
                    return None
                return fn(*args, **kwargs)

        locked.__name__, locked.__qualname__, locked.__module__ = fn.__name__, fn.__qualname__, fn.__module__
        locked.__doc__ = fn.__doc__
        return locked

    return declare


def on_worker_start(fn: Callable[[], None]) -> Callable[[], None]:
    """Run `fn` as a worker starts (huey: in each worker thread; Dramatiq: once per worker process)."""
    if engine() == HUEY:
        from huey.contrib.djhuey import on_startup

        return on_startup()(fn)
    _start_hooks.append(fn)
    return fn


class Task:
    """A Dramatiq actor that looks like a huey task to its callers: called → queued, `.schedule()`, `.call_local()`."""

    def __init__(self, fn: Callable, *, retries: int = 0, retry_delay: float = 0, queue: str = DEFAULT) -> None:
        broker()
        self.fn = fn
        self.name = f"{fn.__module__}.{fn.__name__}"
        self.__doc__ = fn.__doc__
        delay_ms = int(retry_delay * 1000)
        self.actor = dramatiq.actor(  # the decorator with its options, then applied (one call: not in its types)
            actor_name=self.name, queue_name=queue_name(queue), max_retries=retries,
            min_backoff=max(delay_ms, 1), max_backoff=max(delay_ms * 4, 1), time_limit=TIME_LIMIT_MS)(_with_django(fn))

    def __call__(self, *args: Any) -> Any:
        if immediate():
            return self.fn(*args)
        return self.actor.send(*args)

    def schedule(self, args: tuple = (), delay: float = 0) -> Any:
        if immediate():
            return self.fn(*args)
        return self.actor.send_with_options(args=tuple(args), delay=int(delay * 1000))

    def call_local(self, *args: Any) -> Any:
        return self.fn(*args)

    def __repr__(self) -> str:
        return f"Task({self.name!r} on {self.actor.queue_name!r})"


def _with_django(fn: Callable) -> Callable:
    """Close stale database connections before and after a task (what huey's db_task does). What the task returns
    is dropped: nothing reads a Dramatiq result (the database holds the outcome)."""
    def run(*args: Any, **kwargs: Any) -> None:
        from django.db import close_old_connections

        close_old_connections()
        try:
            fn(*args, **kwargs)
        finally:
            close_old_connections()

    run.__name__, run.__qualname__, run.__module__ = fn.__name__, fn.__qualname__, fn.__module__
    return run


# ------------------------------------------------------------------------------------------------- the broker
_broker: Any = None
_broker_lock = threading.Lock()


def broker_url() -> str:
    """CARELOOP_BROKER_URL, with a 10 s AMQP heartbeat unless it names one: a host that vanishes without closing
    its connection (power, network) has its messages given to other workers after about two heartbeats."""
    url = settings.CARELOOP_BROKER_URL
    return url if "heartbeat=" in (urlsplit(url).query or "") else f"{url}{'&' if '?' in url else '?'}heartbeat=10"


def broker() -> Any:
    """The Dramatiq broker over RabbitMQ (made once per process; it connects when first used)."""
    global _broker
    with _broker_lock:
        if _broker is None:
            from dramatiq.brokers.rabbitmq import RabbitmqBroker

            _broker = RabbitmqBroker(url=broker_url(), confirm_delivery=True)
            _broker.add_middleware(WaitWatch())
            dramatiq.set_broker(_broker)
            for name in queue_names():  # a worker consumes both queues even before a task of each is declared
                _broker.declare_queue(name)
        return _broker


class WaitWatch(Middleware):
    """Dramatiq middleware: how long the last task each queue started had waited, and when it started (Dramatiq's
    messages carry their enqueue time; RabbitMQ tells only how many wait)."""

    def __init__(self) -> None:
        self.started: dict[str, tuple[float, float]] = {}  # queue → (when the last task started, its wait)
        self.booted = time.time()

    def before_process_message(self, broker: Any, message: Any) -> None:
        now = time.time()
        queue = message.queue_name.removesuffix(".DQ")
        self.started[queue] = (now, max(0.0, now - message.message_timestamp / 1000))


def queue_depths(now: float | None = None) -> dict[str, dict[str, float | int | None]]:
    """{queue: {"waiting": ready messages, "oldest_task_age": seconds or None}} of careloop's RabbitMQ queues.

    The count is RabbitMQ's (a passive queue declare). RabbitMQ does not tell the oldest message's age, so it is
    estimated from this worker: the wait of the last task it started on that queue, or — while tasks wait and none
    starts — the time since it last started one (or since it booted): a lower bound that grows when the queue
    does not move, which is what /health watches for."""
    now = time.time() if now is None else now
    watch = next((m for m in broker().middleware if isinstance(m, WaitWatch)), None)
    connection = pika.BlockingConnection(pika.URLParameters(broker_url()))
    try:
        channel = connection.channel()
        found: dict[str, dict[str, float | int | None]] = {}
        for name in queue_names():
            try:
                waiting = channel.queue_declare(name, passive=True).method.message_count
            except pika.exceptions.ChannelClosedByBroker:  # not declared yet: no worker or task has used it
                channel = connection.channel()
                waiting = 0
            age = None
            if waiting and watch is not None:
                at, waited = watch.started.get(name, (watch.booted, 0.0))
                age = round(max(waited, now - at), 1)
            found[name] = {"waiting": waiting, "oldest_task_age": age}
        return found
    finally:
        connection.close()


def pending_count() -> int:
    """Tasks waiting in the engine's queues (the ones queued for later not counted)."""
    if engine() == HUEY:
        from huey.contrib.djhuey import HUEY as huey

        return int(huey.pending_count())
    return sum(int(q["waiting"] or 0) for q in queue_depths().values())


def describe() -> str:
    """The engine and where its queue lives, for `careloop status` and the worker's first line."""
    if engine() == HUEY:
        from huey.contrib.djhuey import HUEY as huey

        return type(huey.storage).__name__
    parts = urlsplit(settings.CARELOOP_BROKER_URL)
    return f"Dramatiq on RabbitMQ {parts.hostname or 'localhost'}:{parts.port or 5672}"


# ------------------------------------------------------------------------------------------------- locks
@contextmanager
def held(name: str) -> Iterator[bool]:
    """Try to take lock `name` without waiting; yields whether this run holds it. On PostgreSQL an advisory lock of
    this thread's database session, elsewhere a file lock in the data folder: either is released when its holder
    dies, so a killed worker never leaves a lock behind (huey's locks need `flush_locks` at the next start)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        key = zlib.crc32(name.encode()) & 0x7FFF_FFFF
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, key])
            won = bool(cursor.fetchone()[0])
        try:
            yield won
        finally:
            if won:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, key])
        return
    path = Path(settings.HOME) / "locks" / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ------------------------------------------------------------------------------------------------- the worker
class Scheduler(threading.Thread):
    """Queues the periodic tasks at their minutes, in the one worker process that holds the "scheduler" lock."""

    def __init__(self) -> None:
        super().__init__(name="careloop-scheduler", daemon=True)
        self.stopping = threading.Event()
        self.holding = False
        self.said_waiting = False
        self.last_minute: datetime | None = None

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.hold_and_tick()
            except Exception:  # noqa: BLE001 - the database went away: drop the lock, try again later
                log.warning("scheduler: lost the database; trying again", exc_info=True)
                self.holding = False
                from django.db import connection

                connection.close()
                self.stopping.wait(SCHEDULER_RETRY)

    def hold_and_tick(self) -> None:
        with held("scheduler") as won:
            if not won:
                if not self.said_waiting:  # once, not at every try
                    log.info("scheduler: another worker queues the periodic tasks; this one stands by")
                    self.said_waiting = True
                self.stopping.wait(SCHEDULER_RETRY)
                return
            self.holding = True
            log.info("scheduler: this worker queues the periodic tasks")
            self.last_minute = datetime.now(UTC).replace(second=0, microsecond=0)  # its minute is the old holder's
            while not self.stopping.is_set():
                self.tick(datetime.now(UTC))
                self.keep_alive()
                self.stopping.wait(1.0)
            self.holding = False

    def keep_alive(self) -> None:
        from django.db import connection

        if connection.vendor == "postgresql":  # the lock lives with this session: fail loudly when it is gone
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")

    def tick(self, now: datetime) -> int:
        minute = now.replace(second=0, microsecond=0)
        if self.last_minute is not None and minute <= self.last_minute:
            return 0
        self.last_minute = minute
        queued = 0
        for when, declared in _periodic:
            if when(minute):
                try:
                    declared()
                    queued += 1
                except Exception:  # noqa: BLE001 - the broker is down: the next minute tries again
                    log.exception("scheduler: could not queue %s", declared.name)
        return queued


def run_worker(*, threads: int, queues: list[str] | None = None, ready: Callable[[str], None] | None = None) -> None:
    """A Dramatiq worker in this process until SIGINT or SIGTERM: `threads` tasks at once from `queues` (default
    all of careloop's), the start hooks, and a scheduler thread. Tasks in hand finish first (up to 30 s); the
    unfinished go back to RabbitMQ."""
    import signal

    from django.utils.module_loading import autodiscover_modules

    current = broker()
    autodiscover_modules("tasks")
    wanted = set(queues or queue_names())
    worker = dramatiq.Worker(current, queues=wanted | {f"{q}.DQ" for q in wanted}, worker_threads=threads)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    worker.start()
    for hook in _start_hooks:
        try:
            hook()
        except Exception:  # noqa: BLE001 - a sweep that cannot be queued must not keep the worker down
            log.exception("worker start: %s failed", getattr(hook, "__name__", hook))
    scheduler = Scheduler()
    scheduler.start()
    if ready:
        ready(f"{threads} thread(s) on {describe()}, queues {', '.join(sorted(wanted))}")
    try:
        while not stop.wait(0.5):
            pass
    finally:
        scheduler.stopping.set()
        worker.stop(timeout=30_000)
        current.close()
