"""A local HTTP server that replays recorded real Reddit API exchanges (betamax cassettes).

The cassettes in tests/connectors/specs/reddit/ are copied unchanged from github.com/praw-dev/praw
`tests/integration/cassettes/` at commit 7b69758 (BSD-2-Clause, LICENSE.txt beside them; tokens, user names and
passwords were already replaced by placeholders such as <ACCESS_TOKEN> and <USERNAME> by PRAW's recorder).

A request is answered with the recorded response whose request matches it: the method, the path (the last slash
aside) and the query parameters (raw_json aside), and for a POST the form fields that name what it acts on
(grant_type, api_type, to, thing_id) — never the free text. Recordings of the same request are served in the
order they were recorded, the last one again after that. An unrecorded request is answered 404 with what was
asked, so a test sees at once what it does not replay. API calls must carry the recorded bearer token.

`renames` changes names in the recorded bodies consistently when a test's story needs two recordings to
speak of the same person (each test says which); nothing else in the payloads is changed.

Faults (`fault(path, status, count, headers)`) make the server answer a 5xx or a 429 with Retry-After for the
next requests to a path; `stop()` / `start()` give connection refused and back on the same port.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SPECS = Path(__file__).parent / "specs" / "reddit"
FORM_KEYS = ("grant_type", "api_type", "to", "thing_id")
TOKEN = "bearer <ACCESS_TOKEN>"


def _key(method: str, uri: str, body: str) -> tuple:
    parts = urllib.parse.urlsplit(uri)
    query = tuple(sorted((k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "raw_json"))
    form = urllib.parse.parse_qs(body or "")
    fields = tuple((k, form[k][0]) for k in FORM_KEYS if k in form) if method == "POST" else ()
    return method, parts.path.rstrip("/"), query, fields


class RedditReplay:
    def __init__(self, cassettes: list[str], renames: dict[str, str] | None = None) -> None:
        self.recorded: dict[tuple, list[tuple[int, dict[str, str], bytes]]] = {}
        self.renames = renames or {}
        for name in cassettes:
            for one in json.loads((SPECS / name).read_text())["interactions"]:
                request, response = one["request"], one["response"]
                body = request.get("body") or ""
                body = body.get("string", "") if isinstance(body, dict) else body
                text = response["body"].get("string") or ""
                for old, new in self.renames.items():
                    text = text.replace(old, new)
                headers = {k: v[0] for k, v in response["headers"].items() if k.lower().startswith("x-ratelimit")
                           or k.lower() in ("content-type", "retry-after")}
                key = _key(request["method"], request["uri"], self._renamed(body))
                self.recorded.setdefault(key, []).append((response["status"]["code"], headers, text.encode()))
        self.served: dict[tuple, int] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, form) as received
        self.faults: list[dict[str, Any]] = []
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def _renamed(self, body: str) -> str:
        for old, new in self.renames.items():
            body = body.replace(urllib.parse.quote_plus(old), urllib.parse.quote_plus(new))
        return body

    def fault(self, path: str, status: int, count: int = 1, headers: dict[str, str] | None = None) -> None:
        self.faults.append({"path": path, "status": status, "count": count, "headers": headers or {}})

    def sent(self, path: str) -> list[dict[str, str]]:
        """The forms of the requests to `path` that were answered with a recording (not a fault)."""
        return [form for method, p, form in self.requests if p == path]

    def answer(self, method: str, uri: str, body: str, auth: str) -> tuple[int, dict[str, str], bytes]:
        path = urllib.parse.urlsplit(uri).path.rstrip("/")
        with self._lock:
            for fault in self.faults:
                if fault["count"] > 0 and fault["path"] == path:
                    fault["count"] -= 1
                    return fault["status"], fault["headers"], json.dumps(
                        {"message": "Too Many Requests" if fault["status"] == 429 else "Service Unavailable",
                         "error": fault["status"]}).encode()
            if path != "/api/v1/access_token" and auth != TOKEN:
                return 401, {}, b'{"message": "Unauthorized", "error": 401}'
            if path == "/api/v1/access_token" and not auth.startswith("Basic "):
                return 401, {}, b'{"message": "Unauthorized", "error": 401}'
            key = _key(method, uri, body)
            found = self.recorded.get(key)
            if not found:
                return 404, {}, json.dumps({"message": "not recorded", "request": repr(key)}).encode()
            n = self.served.get(key, 0)
            self.served[key] = n + 1
            form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
            self.requests.append((method, path, form))
            return found[min(n, len(found) - 1)]

    def start(self) -> None:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def _do(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                status, headers, raw = replay.answer(self.command, self.path, body,
                                                     self.headers.get("Authorization") or "")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _do

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
