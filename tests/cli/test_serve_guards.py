"""`careloop serve` at the door (issue 16): half-open connections do not stop /health, a 100 MiB body is refused
before it reaches the disk, and --behind-proxy makes cookies Secure and sends HSTS for the proxy's HTTPS."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_serve import free_port, wait_for
from tests.conftest import CARELOOP

pytestmark = pytest.mark.slow


def start(env: dict[str, str], *args: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen([*CARELOOP, "serve", "--no-worker", "--port", str(port), *args], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(f"http://127.0.0.1:{port}/health")
    return server, port


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()


@pytest.fixture
def served(process_env, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A running `careloop serve --no-worker` whose temporary files go to a folder of its own."""
    spill = tmp_path / "tmp"
    spill.mkdir()
    server, port = start({**process_env, "TMPDIR": str(spill)})
    try:
        yield port, spill
    finally:
        stop(server)


def test_200_half_open_connections_do_not_stop_health_answering(served):
    port, _ = served
    half_open = []
    try:
        for _ in range(200):  # each sends the start of a request and never finishes it
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            half_open.append(s)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", "/health")
        answer = conn.getresponse()
        assert answer.status == 200 and b'"database": "ok"' in answer.read()
        conn.close()
    finally:
        for s in half_open:
            s.close()


def test_a_100_mib_body_is_refused_before_it_is_written_to_disk(served):
    port, spill = served
    size = 100 * 1024 * 1024
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    try:
        s.sendall(b"POST /hooks/anything/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + f"Content-Length: {size}\r\n\r\n".encode())
        sent, chunk = 0, b"x" * (1024 * 1024)
        try:
            while sent < size:  # the server answers and closes long before the body is through
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:  # a broken pipe or a reset: the server has answered and closed
            pass
        answer = s.recv(4096)
    finally:
        s.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    written = sum(f.stat().st_size for f in spill.rglob("*") if f.is_file())
    assert written < 1024 * 1024, f"{written} bytes of the body reached the disk"


def test_behind_a_proxy_cookies_are_secure_and_hsts_is_sent(process_env):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hashed = PBKDF2PasswordHasher().encode("a-long-password-1", "saltsaltsalt")  # what the served app checks
    get_user_model().objects.create(username="anna", password=hashed)
    server, port = start(process_env, "--behind-proxy")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
        answer = conn.getresponse()
        page = answer.read().decode()
        assert answer.status == 200
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        cookie = answer.headers["Set-Cookie"]
        assert "csrftoken=" in cookie and "Secure" in cookie
        csrf = cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": "anna", "password": "a-long-password-1",
                                       "csrfmiddlewaretoken": token})
        conn.request("POST", "/login/", body=form, headers={
            "X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}", "Referer": f"https://127.0.0.1:{port}/",
            "Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"})
        logged_in = conn.getresponse()
        logged_in.read()
        assert logged_in.status == 302, logged_in.status
        session = [c for c in logged_in.headers.get_all("Set-Cookie") if c.startswith("sessionid=")]
        assert session and "Secure" in session[0] and "HttpOnly" in session[0]
        conn.close()
    finally:
        stop(server)
    server, port = start(process_env)  # without it: a client's own X-Forwarded-Proto is not believed
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
        answer = conn.getresponse()
        answer.read()
        assert "Strict-Transport-Security" not in answer.headers and "Secure" not in answer.headers["Set-Cookie"]
    finally:
        stop(server)

