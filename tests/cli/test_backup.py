"""`careloop backup`: a consistent copy of the database, readable by its owner only (issue 16 point 7: backups
were written world-readable, 0644), that restores the posts; it never overwrites an earlier backup."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess

import pytest

from tests.cli.test_environment_errors import run
from tests.conftest import post


def test_a_backup_is_owner_only_and_holds_the_posts(process_env, write_jsonl, tmp_path):
    from django.db import connection

    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed here (Debian: postgresql-client)")
    assert run(process_env, "import", str(write_jsonl([post(n) for n in range(1, 6)]))).returncode == 0
    dest = tmp_path / "careloop-backup"
    result = subprocess.run(["sh", "-c", 'umask 022 && exec "$@"', "sh", *run_args("backup", str(dest))],
                            env=process_env, capture_output=True, text=True, timeout=300)  # a usual umask
    assert result.returncode == 0, result.stderr
    assert "readable by you only" in result.stdout
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    if connection.vendor == "sqlite":
        with sqlite3.connect(dest) as copy:
            assert copy.execute("select count(*) from community_post").fetchone() == (5,)
    else:
        if shutil.which("pg_restore") is None:
            pytest.skip("pg_restore is not installed here")
        listing = subprocess.run(["pg_restore", "-l", str(dest)], capture_output=True, text=True, check=True).stdout
        assert "TABLE DATA public community_post" in listing
    again = run(process_env, "backup", str(dest))
    assert again.returncode == 1 and "exists already" in again.stderr


def run_args(*args: str) -> list[str]:
    from tests.conftest import CARELOOP

    return [*CARELOOP, *args]
