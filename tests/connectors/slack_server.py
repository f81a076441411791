"""Slack's Web API for the tests: Prism (`@stoplight/prism-cli`) serving Slack's own OpenAPI description
(tests/connectors/specs/slack/slack_web_openapi_v2.json) as a validating mock, its own process on a free loopback
port, with a small recording proxy in front.

Prism checks every request against the description (required parameters, content type, the security scheme)
and answers a valid one with the description's documented example (a 422 with `sl-violations` otherwise). It keeps
no state: every chat.postMessage answers the same example `ts`, conversations.open the same channel. The proxy
keeps each request for the test to read (what reached "Slack") and can answer the next N requests to a path
with a fault (a 5xx, a 429 with Retry-After) instead of forwarding them — the one thing Prism cannot do.

Prism is looked for in CARELOOP_PRISM, then .cache/prism/node_modules/.bin/prism (scripts/check.sh installs it
there with npm), then on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPEC = Path(__file__).parent / "specs/slack/slack_web_openapi_v2.json"


def prism_binary() -> str | None:
    for candidate in (os.environ.get("CARELOOP_PRISM"), str(ROOT / ".cache/prism/node_modules/.bin/prism")):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("prism")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, list[str]]
    status: int = 0
    violations: str = ""  # Prism's sl-violations header
    forwarded: bool = False  # reached Prism (not answered with a fault by the proxy)

    def request_violations(self) -> list[dict[str, Any]]:
        """What Prism found wrong with the request itself (not with its own documented example answer)."""
        found = json.loads(self.violations) if self.violations else []
        return [v for v in found if (v.get("location") or [""])[0] == "request"]


@dataclass
class Fault:
    status: int
    count: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


class Prism:
    def __init__(self, binary: str, log: Path) -> None:
        self.binary, self.log_path = binary, log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [self.binary, "mock", "-h", "127.0.0.1", "-p", str(self.port), str(SPEC)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prism exited with {self.process.returncode}; see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"prism did not listen within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


class SlackAPI:
    """The recording, fault-injecting proxy in front of Prism: what the connector's api_base points at."""

    def __init__(self, prism: Prism) -> None:
        self.prism = prism
        self.requests: list[Seen] = []
        self.faults: dict[str, Fault] = {}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = free_port()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fault(self, path: str, status: int, count: int = 1, *, headers: dict[str, str] | None = None,
              body: dict[str, Any] | None = None) -> None:
        with self.lock:
            self.faults[path] = Fault(status, count, headers or {}, body or {"ok": False, "error": "fatal_error"})

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.faults.clear()

    def sent(self, path: str) -> list[Seen]:
        """The requests to `path` that reached Prism and that it accepted (status 200)."""
        return [r for r in self.requests if r.path == path and r.forwarded and r.status == 200]

    def start(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urllib.parse.urlsplit(self.path).path
                seen = Seen(self.command, path, dict(self.headers), urllib.parse.parse_qs(raw.decode()))
                with api.lock:
                    api.requests.append(seen)
                    fault = api.faults.get(path)
                    if fault and fault.count > 0:
                        fault.count -= 1
                    else:
                        fault = None
                if fault:
                    seen.status = fault.status
                    self._answer(fault.status, json.dumps(fault.body).encode(), fault.headers)
                    return
                # Slack's published OpenAPI description names the token as a required `token` header, which
                # Slack itself does not read (it reads Authorization: Bearer); the connector sends it once, in
                # Authorization, and this proxy copies it into the header the description asks for before Prism
                # validates the request.
                headers = dict(self.headers)
                bearer = headers.get("Authorization", "")
                if bearer.startswith("Bearer "):
                    headers["token"] = bearer.removeprefix("Bearer ")
                forward = urllib.request.Request(f"http://127.0.0.1:{api.prism.port}{self.path}", data=raw or None,
                                                 method=self.command, headers=headers)
                try:
                    with urllib.request.urlopen(forward, timeout=30) as answer:
                        status, body, headers = answer.status, answer.read(), dict(answer.headers)
                except urllib.error.HTTPError as exc:
                    status, body, headers = exc.code, exc.read(), dict(exc.headers)
                seen.status, seen.violations, seen.forwarded = status, headers.get("sl-violations", ""), True
                self._answer(status, body, {"Content-Type": headers.get("content-type", "application/json")})

            do_GET = do_POST = _handle  # noqa: N815 - http.server's names

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
