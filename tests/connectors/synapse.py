"""A real Matrix Synapse homeserver for the tests: its own venv, SQLite, 127.0.0.1, shared-secret registration.

scripts/check.sh installs it into .venv-synapse (CARELOOP_SYNAPSE_PYTHON points elsewhere). Its
dependencies would clash with careloop's, so it runs as a separate process from that venv.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED_SECRET = "careloop-test-registration-secret"
FAST = "{per_second: 1000, burst_count: 1000}"
CONFIG = f"""\
server_name: localhost
listeners:
  - port: {{port}}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: {{dir}}/homeserver.db
media_store_path: {{dir}}/media
signing_key_path: {{dir}}/signing.key
registration_shared_secret: {SHARED_SECRET}
enable_registration: false
trusted_key_servers: []
federation_domain_whitelist: []
report_stats: false
suppress_key_server_warning: true
presence:
  enabled: false
macaroon_secret_key: careloop-test-macaroon
form_secret: careloop-test-form
rc_message: {FAST}
rc_registration: {FAST}
rc_login:
  address: {FAST}
  account: {FAST}
  failed_attempts: {FAST}
rc_joins:
  local: {FAST}
  remote: {FAST}
rc_invites:
  per_room: {FAST}
  per_user: {FAST}
  per_issuer: {FAST}
rc_room_creation: {FAST}
"""


def synapse_python() -> Path | None:
    configured = os.environ.get("CARELOOP_SYNAPSE_PYTHON")
    candidates = [Path(configured)] if configured else [REPO / ".venv-synapse" / "bin" / "python"]
    for python in candidates:
        if python.exists():
            return python
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, method: str, path: str, body: dict | None = None, token: str | None = None,
         query: dict | None = None) -> tuple[int, dict]:
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@dataclass
class User:
    user_id: str
    token: str
    base: str
    since: str | None = field(default=None)

    def api(self, method: str, path: str, body: dict | None = None, **query) -> tuple[int, dict]:
        return call(self.base, method, "/_matrix/client/v3" + path, body, self.token, query or None)

    def ok(self, method: str, path: str, body: dict | None = None, **query) -> dict:
        status, answer = self.api(method, path, body, **query)
        assert status == 200, (status, answer)
        return answer

    def sync(self, timeout_ms: int = 0) -> dict:
        query = {"timeout": timeout_ms, **({"since": self.since} if self.since else {})}
        answer = self.ok("GET", "/sync", **query)
        self.since = answer["next_batch"]
        return answer

    def say(self, room_id: str, text: str, txn: str, **content) -> str:
        body = {"msgtype": "m.text", "body": text, **content}
        return self.ok("PUT", f"/rooms/{urllib.parse.quote(room_id)}/send/m.room.message/{txn}", body)["event_id"]


class Synapse:
    def __init__(self, python: Path, workdir: Path) -> None:
        self.python = python
        self.dir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._users = 0

    def start(self, timeout: float = 60.0) -> None:
        config = self.dir / "homeserver.yaml"
        config.write_text(CONFIG.replace("{port}", str(self.port)).replace("{dir}", str(self.dir)))
        subprocess.run([str(self.python), "-m", "synapse.app.homeserver", "-c", str(config), "--generate-keys"],
                       check=True, capture_output=True, cwd=self.dir, timeout=120)
        self.log = (self.dir / "synapse.log").open("wb")
        self.process = subprocess.Popen([str(self.python), "-m", "synapse.app.homeserver", "-c", str(config)],
                                        stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.read() == b"OK":
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = (self.dir / "synapse.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"Synapse did not start:\n{tail}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()

    def register(self, name: str | None = None, *, admin: bool = False) -> User:
        """A new user through the shared-secret admin API (what register_new_matrix_user does)."""
        self._users += 1
        name = name or f"user{self._users}"
        password = f"pw-{name}-0123456789"
        _, nonce = call(self.base, "GET", "/_synapse/admin/v1/register")
        mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce["nonce"].encode(), name.encode(), password.encode(),
                                 b"admin" if admin else b"notadmin"]))
        status, answer = call(self.base, "POST", "/_synapse/admin/v1/register", {
            "nonce": nonce["nonce"], "username": name, "password": password, "admin": admin,
            "mac": mac.hexdigest(),
        })
        assert status == 200, answer
        return User(answer["user_id"], answer["access_token"], self.base)
