"""A real Mastodon REST API for the tests: mastodon-mock (PyPI, the `test` extra), a stateful FastAPI server over
SQLite, run as its own process on 127.0.0.1 with a file database so it keeps its state across a stop and a start
(connection refused, then back).

What it serves is Mastodon's documented API (statuses with visibility, mention notifications, hashtag and account
timelines with min_id paging, direct messages, Idempotency-Key on POST /api/v1/statuses). Its mock-only control
plane (/api/v1/_mock/…) creates accounts with tokens (dev_user) and makes the server answer a real 5xx or 429
with Retry-After for the next requests matching a path (faults) — the server itself answers, not a patched client.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG = """\
domain = "127.0.0.1:{port}"
url_scheme = "http"
title = "careloop test instance"

[database]
path = "{dir}/mastodon.sqlite"

[server]
host = "127.0.0.1"
port = {port}

[[seed.accounts]]
username = "seed"
access_token = "seed-token-not-a-secret"
"""


def mock_available() -> bool:
    try:
        import mastodon_mock  # noqa: F401 - only asks whether it is installed
    except ImportError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(method: str, url: str, *, token: str = "", form: dict[str, Any] | None = None, body: Any = None,
         headers: dict[str, str] | None = None, timeout: float = 10.0) -> Any:
    all_headers = {"Accept": "application/json", **(headers or {})}
    data = None
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    if form is not None:
        data = urllib.parse.urlencode(form, doseq=True).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    return json.loads(raw) if raw.strip() else None


@dataclass
class Account:
    server: MastodonMock
    id: str
    acct: str
    token: str

    def post(self, text: str, *, visibility: str = "public", in_reply_to: str = "") -> dict[str, Any]:
        form = {"status": text, "visibility": visibility}
        if in_reply_to:
            form["in_reply_to_id"] = in_reply_to
        return call("POST", self.server.base + "/api/v1/statuses", token=self.token, form=form)

    def get(self, path: str, **params: Any) -> Any:
        query = ("?" + urllib.parse.urlencode(params, doseq=True)) if params else ""
        return call("GET", self.server.base + path + query, token=self.token)

    def direct_statuses(self) -> list[dict[str, Any]]:
        """The direct-visibility statuses this account can read (its conversations' statuses), oldest first."""
        found = {s["id"]: s for s in self.get("/api/v1/timelines/direct", limit=40)}
        for note in self.get("/api/v1/notifications", limit=40):
            status = note.get("status") or {}
            if status.get("visibility") == "direct":
                found[status["id"]] = status
        return sorted(found.values(), key=lambda s: int(s["id"]))

    def statuses(self) -> list[dict[str, Any]]:
        return sorted(self.get(f"/api/v1/accounts/{self.id}/statuses", limit=40), key=lambda s: int(s["id"]))


class MastodonMock:
    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.config = workdir / "mastodon_mock.toml"
        self.config.write_text(CONFIG.format(port=self.port, dir=workdir))

    def start(self, timeout: float = 30.0) -> None:
        log = (self.dir / "mastodon_mock.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mastodon_mock", "serve", "--config", str(self.config), "--log-level", "warning"],
            cwd=self.dir, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mastodon-mock exited: {(self.dir / 'mastodon_mock.log').read_text()[-2000:]}")
            try:
                call("GET", self.base + "/api/v1/instance", timeout=1)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("mastodon-mock did not answer in time")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the server and nothing else
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def account(self, username: str = "", display_name: str = "") -> Account:
        made = call("POST", self.base + "/api/v1/_mock/dev_user",
                    body={"username": username, "display_name": display_name})
        return Account(self, str(made["id"]), made["username"], made["access_token"])

    def fault(self, path: str, *, status: int, count: int, methods: list[str] | None = None,
              headers: dict[str, str] | None = None, delay_ms: int = 0, type: str = "status") -> str:
        """The next `count` requests to `path` (a glob) answered by the server with this status (or delayed)."""
        rule = {"match": {"path": path, "methods": methods},
                "effect": {"type": type, "status": status, "headers": headers or {}, "delay_ms": delay_ms},
                "count": count}
        return str(call("POST", self.base + "/api/v1/_mock/faults", body=rule)["id"])

    def clear_faults(self) -> None:
        call("DELETE", self.base + "/api/v1/_mock/faults")
