"""`careloop serve`: a production server and a worker in one command, stopped cleanly by SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import CARELOOP

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0) -> urllib.response.addinfourl:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_serve_runs_the_app_and_a_worker_and_stops_on_sigterm(process_env):
    port = free_port()
    server = subprocess.Popen([*CARELOOP, "serve", "--port", str(port)], env=process_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        login = wait_for(f"http://127.0.0.1:{port}/login/")
        assert login.status == 200
        assert login.headers["Server"] == "careloop"  # waitress, not Django's development server
        assert "Content-Security-Policy" in login.headers
        deadline = time.monotonic() + 60
        while json.load(wait_for(f"http://127.0.0.1:{port}/health"))["worker"] != "ok":
            assert time.monotonic() < deadline, "the worker never said hello"
            time.sleep(0.5)
        workers = children_of(server.pid)
        assert workers, "serve keeps a worker process beside the web server"
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert "stopping" in err
    assert not any(children_of(server.pid)), "no worker is left behind"


def test_serve_says_when_the_port_is_taken(process_env):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([*CARELOOP, "serve", "--port", str(port), "--no-worker"], env=process_env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_the_worker_does_not_outlive_a_killed_server(process_env):
    port = free_port()
    server = subprocess.Popen([*CARELOOP, "serve", "--port", str(port)], env=process_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/login/")
        deadline = time.monotonic() + 30
        while not children_of(server.pid):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        worker = children_of(server.pid)[0]
    finally:
        server.kill()
        server.wait(timeout=30)
    deadline = time.monotonic() + 30
    while subprocess.run(["ps", "-p", str(worker)], capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "the worker kept running after its server was killed"
        time.sleep(0.2)
