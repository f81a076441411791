"""`careloop demo`: a data folder with the demo community, served with a printed login, stopped by SIGINT."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tests.cli.test_serve import free_port, wait_for
from tests.conftest import CARELOOP

pytestmark = pytest.mark.slow


def demo_env() -> dict[str, str]:
    """The demo runs on the embedded default, as a newcomer's would: no test settings, no PostgreSQL."""
    drop = ("DATABASE_URL", "CARELOOP_TASKS_IMMEDIATE", "DJANGO_SETTINGS_MODULE", "CARELOOP_HOME")
    return {k: v for k, v in os.environ.items() if k not in drop}


def read_banner(process: subprocess.Popen, timeout: float = 600.0) -> str:
    """stderr lines until the demo says where it runs."""
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        if "Ctrl-C stops it" in line:
            return "".join(lines)
    raise AssertionError("the demo never said where it runs:\n" + "".join(lines))


def log_in(base: str, user: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": user, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "login/", data=form, headers={"Referer": base + "login/"})
    opener.open(request)
    return opener


def test_demo_serves_the_demo_community_with_a_login(tmp_path):
    env = demo_env()
    home = tmp_path / "demo-home"
    port = free_port()
    demo = subprocess.Popen([*CARELOOP, "demo", "--port", str(port), "--no-open", "--home", str(home)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = read_banner(demo)
        url = f"http://127.0.0.1:{port}/"
        assert url in banner
        user, password = re.search(r"log in as\s+(\S+)\s+with password\s+(\S+)", banner).groups()
        wait_for(url + "login/")
        browser = log_in(url, user, password)
        assert "What needs you now" in browser.open(url).read().decode()
        threads = browser.open(url + "threads/").read().decode()
        assert "Lumen Community Forum" in threads and "Lumen Chat" in threads
        assert threads.count('href="/threads/') >= 50  # a full first page of threads
        assert json.load(wait_for(url + "health"))["database"] == "ok"
    finally:
        demo.send_signal(signal.SIGINT)
        demo.communicate(timeout=60)
    assert demo.returncode == 0
    truth = json.loads((home / "demo-truth.json").read_text())
    assert len(truth["trolls"]) == 2
    import sqlite3

    with sqlite3.connect(home / "careloop.sqlite3") as db:
        posts, unscored = db.execute(
            "SELECT COUNT(*), SUM(scored_at IS NULL OR model_version = '') FROM community_post").fetchone()
    assert posts >= 3000 and unscored == 0, "the demo community is scored before it is shown"

    # a second start reuses the community and the login
    again = subprocess.Popen([*CARELOOP, "demo", "--port", str(port), "--no-open", "--home", str(home)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner2 = read_banner(again)
        assert "Generating" not in banner2
        assert f"with password  {password}" in banner2
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=60)
    assert again.returncode == 0


def test_demo_refuses_a_folder_with_another_community(tmp_path, write_jsonl):
    from tests.conftest import post

    env = demo_env()
    env["CARELOOP_HOME"] = str(tmp_path / "real")
    subprocess.run([*CARELOOP, "import", str(write_jsonl([post(1)]))], env=env, check=True, capture_output=True)
    result = subprocess.run([*CARELOOP, "demo", "--no-open", "--port", str(free_port())], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "not the demo" in result.stderr
