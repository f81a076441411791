"""What careloop needs around it, on a wrong address (issue 16 point 7): PostgreSQL on a wrong port is exit
status 3 as documented, with one line saying so; Redis on a wrong port is one clear line (not a traceback) after
the posts were stored, and exit status 3."""

from __future__ import annotations

import json
import subprocess

import pytest

from careloop.cli import EXIT_ENVIRONMENT
from tests.cli.test_serve import free_port
from tests.conftest import CARELOOP, post


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CARELOOP, *args], env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def posts_file(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(post(n, source="forum")) + "\n" for n in range(1, 4)))
    return path


def test_postgresql_on_a_wrong_port_is_exit_status_3_in_one_line(process_env, posts_file):
    env = {**process_env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/careloop"}
    for args in (("import", str(posts_file)), ("status",), ("migrate",)):
        result = run(env, *args)
        assert result.returncode == EXIT_ENVIRONMENT, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: cannot reach the database (PostgreSQL"), result.stderr
        assert "Traceback" not in result.stderr


def test_redis_on_a_wrong_port_is_one_clear_line_after_the_posts_are_stored(process_env, posts_file):
    from careloop.community.models import Post

    env = {**process_env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    result = run(env, "import", str(posts_file))
    assert result.returncode == EXIT_ENVIRONMENT, result.stderr
    assert "Traceback" not in result.stderr
    trouble = [line for line in result.stderr.splitlines() if "task queue cannot be reached" in line]
    assert len(trouble) == 1 and "Redis 127.0.0.1:" in trouble[0] and "the posts are stored" in trouble[0]
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr
    assert result.stdout.splitlines()[-1] == "imported 3, updated 0, unchanged 0, failed 0"
    assert Post.objects.count() == 3
    status = run(env, "status")
    assert "task queue    RedisStorage (cannot be reached: Error 111" in status.stdout and not status.stderr.strip()
