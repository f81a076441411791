"""The data folder (CARELOOP_HOME): where the embedded database, the task queue and the secret key live.

Everything careloop keeps on disk by default sits in one folder so that a backup is a copy of that folder
and a second community is a second folder.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_HOME = "careloop-data"


def data_home() -> Path:
    """The data folder: $CARELOOP_HOME, else ./careloop-data (resolved against the working directory)."""
    return Path(os.environ.get("CARELOOP_HOME") or DEFAULT_HOME).expanduser().resolve()


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
