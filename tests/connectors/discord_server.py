"""Discord's HTTP API for the tests: a small stateful Discord (channels, messages, DMs, reactions) behind Prism
(`@stoplight/prism-cli`) running as a validating proxy with Discord's own OpenAPI description
(tests/connectors/specs/discord/openapi.json), and a recording, fault-injecting proxy in front.

    connector -> Recorder (faults, records Prism's sl-violations) -> prism proxy (validates both ways) -> Discord

Prism's mock mode cannot serve this description (its generated snowflakes break the description's own id pattern,
and it keeps no state, so a message posted is never read back): the stateful part answers instead, with message,
user and channel objects in the shape Discord documents, and Prism checks every request and every answer against
the published description. The tests assert Prism found no violation either way.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.connectors.slack_server import free_port, prism_binary  # noqa: F401 - re-exported for the tests

SPEC = Path(__file__).parent / "specs/discord/openapi.json"
DISCORD_EPOCH = 1420070400000


def snowflake(at_ms: int, n: int) -> str:
    return str(((at_ms - DISCORD_EPOCH) << 22) | (n & 0xFFF))


def user(uid: str, username: str, *, bot: bool = False) -> dict[str, Any]:
    """A user object as GET /users/@me and message authors carry it."""
    found: dict[str, Any] = {"id": uid, "username": username, "avatar": None, "discriminator": "0",
                             "public_flags": 0, "flags": 0, "global_name": username.title(), "primary_guild": None}
    if bot:
        found["bot"] = True
    return found


class Discord:
    """The stateful part: what a guild and the bot's DMs hold."""

    def __init__(self, bot: dict[str, Any]) -> None:
        self.bot = bot
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.reactions: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        self.dms: dict[str, str] = {}  # user id -> DM channel id
        self.users: dict[str, dict[str, Any]] = {}
        self.nonces: dict[str, dict[str, Any]] = {}
        self._n = itertools.count(1)
        self.lock = threading.Lock()

    def new_id(self) -> str:
        return snowflake(int(time.time() * 1000), next(self._n))

    def say(self, channel: str, author: dict[str, Any], content: str, *, reply_to: str = "",
            guild: str = "") -> dict[str, Any]:
        """A message someone writes in a channel (what a member does in the Discord app)."""
        with self.lock:
            mid = self.new_id()
            message: dict[str, Any] = {
                "id": mid, "channel_id": channel, "type": 19 if reply_to else 0, "content": content,
                "author": author, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
                "timestamp": datetime.now(UTC).isoformat(), "edited_timestamp": None, "flags": 0, "components": [],
                "pinned": False, "mention_everyone": False, "tts": False}
            if reply_to:
                ref: dict[str, Any] = {"type": 0, "channel_id": channel, "message_id": reply_to}
                if guild:
                    ref["guild_id"] = guild
                message["message_reference"] = ref
            self.messages.setdefault(channel, []).append(message)
            self.users[str(author["id"])] = author
            return message

    def react(self, channel: str, message_id: str, emoji: str, by: dict[str, Any]) -> None:
        with self.lock:
            self.reactions.setdefault((channel, message_id, emoji), []).append(by)
            message = next(m for m in self.messages[channel] if m["id"] == message_id)
            kept = [r for r in message.get("reactions", []) if r["emoji"]["name"] != emoji]
            count = len(self.reactions[(channel, message_id, emoji)])
            kept.append({"emoji": {"id": None, "name": emoji}, "count": count,
                         "count_details": {"burst": 0, "normal": count}, "burst_colors": [], "me_burst": False,
                         "me": False})
            message["reactions"] = kept

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if method == "GET" and parts == ["users", "@me"]:
            return 200, {**self.bot, "mfa_enabled": False, "locale": "en-US"}  # the token's own user
        if method == "POST" and parts == ["users", "@me", "channels"]:
            recipient = str(body["recipient_id"])
            with self.lock:
                channel = self.dms.setdefault(recipient, self.new_id())
                self.messages.setdefault(channel, [])
            member = self.users.get(recipient) or user(recipient, f"user{recipient[-4:]}")
            return 200, {"id": channel, "type": 1, "last_message_id": None, "flags": 0, "recipients": [member]}
        if len(parts) == 3 and parts[0] == "channels" and parts[2] == "messages":
            channel = parts[1]
            if channel not in self.messages:
                return 404, {"code": 10003, "message": "Unknown Channel"}
            if method == "GET":
                after = int((query.get("after") or ["0"])[0])
                limit = int((query.get("limit") or ["50"])[0])
                found = [m for m in self.messages[channel] if int(m["id"]) > after]
                found = found[:limit] if after else found[-limit:]
                return 200, list(reversed(found))  # newest first, as Discord answers
            key = str(body.get("nonce") or "")
            if key and body.get("enforce_nonce") and key in self.nonces:
                return 200, self.nonces[key]
            ref = body.get("message_reference") or {}
            message = self.say(channel, self.bot, str(body.get("content") or ""),
                               reply_to=str(ref.get("message_id") or ""))
            if key:
                message["nonce"] = key
                self.nonces[key] = message
            return 200, message
        if len(parts) == 6 and parts[0] == "channels" and parts[4] == "reactions" and method == "GET":
            return 200, self.reactions.get((parts[1], parts[3], parts[5]), [])
        return 404, {"code": 0, "message": "404: Not Found"}


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    status: int = 0
    violations: str = ""
    forwarded: bool = False

    def problems(self) -> list[dict[str, Any]]:
        """What Prism found wrong with the request or with the answer."""
        return json.loads(self.violations) if self.violations else []


@dataclass
class Fault:
    status: int
    count: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


def _serve(port: int, handle: Any) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, body, headers = handle(self.command, self.path, dict(self.headers), raw)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _any  # noqa: N815 - http.server's names

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class DiscordAPI:
    """Discord, Prism in front of it, and the recorder the connector's api_base points at."""

    def __init__(self, binary: str, log: Path) -> None:
        self.binary, self.log_path = binary, log
        self.discord = Discord(user("1080000000000000001", "careloop", bot=True))
        self.upstream_port, self.prism_port, self.port = free_port(), free_port(), free_port()
        self.requests: list[Seen] = []
        self.faults: dict[str, Fault] = {}
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.upstream: ThreadingHTTPServer | None = None
        self.server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _upstream(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes, dict]:
        split = urllib.parse.urlsplit(target)
        status, answer = self.discord.answer(method, split.path, urllib.parse.parse_qs(split.query),
                                             json.loads(raw) if raw else None)
        return status, json.dumps(answer).encode(), {"Content-Type": "application/json"}

    def _record(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes, dict]:
        split = urllib.parse.urlsplit(target)
        seen = Seen(method, split.path, urllib.parse.parse_qs(split.query), json.loads(raw) if raw else None,
                    headers)
        with self.lock:
            self.requests.append(seen)
            fault = self.faults.get(split.path)
            if fault and fault.count > 0:
                fault.count -= 1
            else:
                fault = None
        if fault:
            seen.status = fault.status
            return fault.status, json.dumps(fault.body).encode(), {"Content-Type": "application/json",
                                                                   **fault.headers}
        forward = urllib.request.Request(f"http://127.0.0.1:{self.prism_port}{target}", data=raw or None,
                                         method=method, headers=headers)
        try:
            with urllib.request.urlopen(forward, timeout=60) as answer:
                status, body, got = answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as exc:
            status, body, got = exc.code, exc.read(), dict(exc.headers)
        seen.status, seen.violations, seen.forwarded = status, got.get("sl-violations", ""), True
        return status, body, {"Content-Type": got.get("content-type", "application/json")}

    def fault(self, path: str, status: int, count: int = 1, *, headers: dict[str, str] | None = None,
              body: dict[str, Any] | None = None) -> None:
        with self.lock:
            self.faults[path] = Fault(status, count, headers or {}, body or {"code": 0, "message": "Server Error"})

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.faults.clear()

    def sent(self, path: str, method: str = "POST") -> list[Seen]:
        return [r for r in self.requests if r.path == path and r.method == method and r.forwarded
                and r.status == 200]

    def start(self, timeout: float = 90.0) -> None:
        self.upstream = _serve(self.upstream_port, self._upstream)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [self.binary, "proxy", "-h", "127.0.0.1", "-p", str(self.prism_port), str(SPEC),
             f"http://127.0.0.1:{self.upstream_port}"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prism exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.prism_port}/users/@me", timeout=2):
                    break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"prism did not listen within {timeout:.0f} s; see {self.log_path}")
        self.listen()

    def listen(self) -> None:
        self.server = _serve(self.port, self._record)

    def hang_up(self) -> None:
        """Discord cannot be reached at all: connection refused."""
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def stop(self) -> None:
        self.hang_up()
        if self.upstream:
            self.upstream.shutdown()
            self.upstream.server_close()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
