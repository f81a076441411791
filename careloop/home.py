"""The data folder (CARELOOP_HOME): where the embedded database, the task queue and the secret key live.

Everything careloop keeps on disk by default sits in one folder so that a backup is a copy of that folder
and a second community is a second folder.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_HOME = "careloop-data"
DEMO_HOME = "careloop-demo"  # where `careloop demo` keeps its community


def data_home() -> Path:
    """The data folder: $CARELOOP_HOME, else ./careloop-data (resolved against the working directory).

    Right after `careloop demo` there is only ./careloop-demo: then that is the folder, so `careloop status`
    (or any other command) run next to it reads the demo instead of creating an empty ./careloop-data."""
    if os.environ.get("CARELOOP_HOME"):
        return Path(os.environ["CARELOOP_HOME"]).expanduser().resolve()
    default, demo = Path(DEFAULT_HOME), Path(DEMO_HOME)
    if not default.exists() and (demo / "careloop.sqlite3").is_file():
        return demo.resolve()
    return default.resolve()


def ensure_home(home: Path) -> Path:
    """Create the data folder (owner-only) if it is missing, with a clear error if that is impossible."""
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise SystemExit(f"careloop: cannot create the data folder {home}: {exc.strerror}") from exc
    return home


def secret_key(home: Path) -> str:
    """$CARELOOP_SECRET_KEY, else a random key kept in the data folder (created once, readable by the owner only)."""
    from_env = os.environ.get("CARELOOP_SECRET_KEY")
    if from_env:
        return from_env
    path = ensure_home(home) / "secret.key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def csrf_trusted_origins(allowed_hosts: list[str], configured: str | None) -> list[str]:
    """Origins whose form posts are accepted: CARELOOP_CSRF_TRUSTED_ORIGINS when set, else https:// for every
    public host name in CARELOOP_ALLOWED_HOSTS — what a TLS-terminating reverse proxy in front of careloop needs
    (the browser says https://host while careloop itself is spoken to over plain HTTP)."""
    if configured:
        return [origin.strip() for origin in configured.split(",") if origin.strip()]
    hosts = [h.strip() for h in allowed_hosts if h.strip() and h.strip() not in LOCAL_HOSTS]
    return [f"https://{'*' + h if h.startswith('.') else h}" for h in hosts if h != "*"]


def owner_only_file(path: Path) -> int:
    """Create `path` for writing, readable and writable by its owner only (0600, whatever the umask); a file
    descriptor. FileExistsError if it exists: a backup never overwrites another."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def backup_database(db: dict, vendor: str, dest: Path) -> int:
    """A consistent copy of the database in `dest`, owner-only; its size in bytes. SQLite through its online
    backup (safe while careloop writes), PostgreSQL through pg_dump's custom format."""
    import shutil
    import sqlite3
    import subprocess

    fd = owner_only_file(dest)
    try:
        if vendor == "sqlite":
            os.close(fd)
            fd = -1
            source, copy = sqlite3.connect(db["NAME"]), sqlite3.connect(dest)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        else:
            pg_dump = shutil.which("pg_dump")
            if pg_dump is None:
                raise RuntimeError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
            env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
            args = [pg_dump, "-Fc", "-h", db.get("HOST") or "localhost", "-p", str(db.get("PORT") or 5432),
                    "-U", db.get("USER") or "postgres", db["NAME"]]
            done = subprocess.run(args, stdout=fd, stderr=subprocess.PIPE, env=env, text=True, timeout=24 * 3600)
            if done.returncode != 0:
                raise RuntimeError(" ".join(done.stderr.split()) or f"pg_dump exited {done.returncode}")
    except BaseException:
        if fd >= 0:
            os.close(fd)
            fd = -1
        dest.unlink(missing_ok=True)
        raise
    finally:
        if fd >= 0:
            os.close(fd)
    return dest.stat().st_size
