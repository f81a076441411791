"""Serving the web app (waitress) with a background worker process beside it: `careloop serve` and `careloop demo`.

The worker child is `python -m careloop worker`, restarted with a growing pause when it dies, and stopped
(SIGINT: huey or Dramatiq finishes the tasks in hand) before the server closes. `careloop worker --processes N`
keeps N such children with the same supervisor.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from typing import Any

import click
from django.conf import settings


def run_server(host: str, port: int, *, threads: int = 8, with_worker: bool = True,
               announce: str | None = None) -> None:
    """Serve the web app until SIGINT/SIGTERM; keep a worker process running beside it when asked."""
    from waitress.server import create_server

    from careloop.wsgi import application  # not at the top: it starts Django, once bootstrap.setup() has run

    try:
        server = create_server(application, host=host, port=port, threads=threads, ident="careloop",
                               **server_guards())
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}; "
                                   "is another careloop running? Pick another port with --port") from exc
    supervisor = WorkerSupervisor() if with_worker else None

    def stop(signum: int, frame: object) -> None:  # noqa: ARG001
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored (a script's background job)
    try:  # from here on a signal at any moment ends in the clean stop below
        if supervisor:
            supervisor.start()
        click.echo(announce or f"careloop is serving on http://{host}:{port}/  (Ctrl-C stops it)", err=True)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("careloop: stopping…", err=True)
        if supervisor:
            supervisor.stop()  # first: a worker that Ctrl-C already stopped must not be restarted meanwhile
        server.close()


CONNECTION_LIMIT = 1000  # open connections waitress serves at once; more wait in the listen backlog
CHANNEL_TIMEOUT = 30  # seconds a connection may sit idle (a half-sent request too) before it is closed


def server_guards() -> dict[str, Any]:
    """waitress settings that keep slow or hostile clients from taking the server down (issue 16): many
    connections, each closed when idle; a body larger than CARELOOP_MAX_REQUEST_BYTES refused with 413 from its
    Content-Length, before any of it is buffered to disk; X-Forwarded-* believed only from the trusted proxy."""
    limit = CONNECTION_LIMIT
    try:  # every connection is a file descriptor: raise the soft limit as far as allowed, and stay below it
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = limit + 100 if hard == resource.RLIM_INFINITY else min(hard, limit + 100)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        if soft != resource.RLIM_INFINITY:
            limit = max(10, min(limit, soft - 100))
    except (ImportError, OSError, ValueError):
        pass
    guards: dict[str, Any] = {  # keyword arguments of waitress's create_server, each of its own type
        "connection_limit": limit, "channel_timeout": CHANNEL_TIMEOUT, "cleanup_interval": 5,
        "asyncore_use_poll": True,  # select() cannot watch descriptors past 1024
        "max_request_body_size": settings.CARELOOP_MAX_REQUEST_BYTES, "max_request_header_size": 64 * 1024,
        "clear_untrusted_proxy_headers": True,
    }
    if settings.BEHIND_PROXY:
        guards.update(trusted_proxy=os.environ.get("CARELOOP_TRUSTED_PROXY", "127.0.0.1"),
                      trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"})
    return guards


def _die_with_parent() -> None:
    """In the worker child (Linux): receive SIGTERM if the serving process dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class WorkerSupervisor:
    """Keeps one `careloop worker` child process alive beside the web server, restarting it if it dies."""

    def __init__(self, args: list[str] | None = None) -> None:
        self.args = list(args or [])
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "careloop", "worker", *self.args],
                                        stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)

    def _watch(self) -> None:
        backoff = 1.0
        while not self._stopping.wait(1.0):
            if self.process and self.process.poll() is not None and not self._stopping.is_set():
                click.echo(f"careloop: the worker exited ({self.process.returncode}); restarting in {backoff:.0f} s",
                           err=True)
                if self._stopping.wait(backoff):
                    return
                backoff = min(backoff * 2, 60)
                self._spawn()

    def stop(self, timeout: float = 20.0) -> None:
        self._stopping.set()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # finish the tasks in hand, then exit
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
