"""Fill a data folder with the demo community and a login, once; later starts reuse it."""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from careloop.demo.names import MARKER, SOURCES

TRUTH = "demo-truth.json"
DEMO_SEED = 7
DEMO_USER = "demo"


class NotADemoFolder(Exception):
    pass


@dataclass
class Login:
    username: str
    password: str


def reset_folder(folder: Path) -> None:
    """Delete a demo folder's contents; refuses a folder that careloop's demo did not create."""
    if not (folder / MARKER).exists():
        raise NotADemoFolder(f"{folder} was not made by `careloop demo`; not deleting it")
    shutil.rmtree(folder)


def seed_demo(folder: Path, echo: Callable[[str], None] = print, end: datetime | None = None) -> Login:
    """Generate and import the demo community into the (migrated) database of `folder`, unless it is there.

    The community's 60 days end at `end` (default: this hour, so a newcomer's demo is current); tests pass a
    fixed `end`, because what the replay leaves open depends on the weekday and hour it ends at."""
    from django.contrib.auth import get_user_model

    from careloop.cases.models import OPEN_STATES, Case
    from careloop.community.models import Post

    marker = folder / MARKER
    if marker.exists():
        from careloop.demo.history import ensure_team

        ensure_team()  # a demo seeded before its teammates had roles: they can be assigned now
        data = json.loads(marker.read_text())
        return Login(data["username"], data["password"])
    if Post.objects.exists():
        raise NotADemoFolder(
            f"{folder} already holds a community that is not the demo; "
            "start the demo elsewhere with --home DIR (or unset CARELOOP_HOME)"
        )

    from careloop.community.ingest import Importer
    from careloop.demo.generate import generate

    echo("Generating the demo community (first start only)…")
    end = end or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    posts, truth = generate(seed=DEMO_SEED, end=end)
    importer = Importer(source_defaults=SOURCES)
    importer.feed(("demo", number, post) for number, post in enumerate(posts, start=1))
    result = importer.finish()
    echo(f"Demo community: {result.summary()}")
    from careloop.listen.scoring import score_posts

    echo("Scoring every post (language, complaint, sentiment, toxicity)…")
    score_posts(list(Post.objects.order_by("id").values_list("id", flat=True)))
    from careloop.demo.delivery import recording_only
    from careloop.demo.history import replay

    echo("Replaying the 60 days: cases opened as complaints arrive, and carried through the loop…")
    quiet = logging.getLogger("careloop.cases.outbox")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # one line per replayed message is noise on a first start
    try:
        with recording_only(SOURCES):
            history = replay(end, DEMO_SEED)
    finally:
        quiet.setLevel(level)
    open_now = Case.objects.filter(state__in=OPEN_STATES).count()
    echo(f"{history.opened} cases opened, {open_now} still open; {history.messages} messages recorded as "
         "delivered (demo sources: kept in careloop, never sent to any platform)")
    (folder / TRUTH).write_text(json.dumps(truth, ensure_ascii=False, indent=1))

    password = secrets.token_urlsafe(9)
    user_model = get_user_model()
    user = user_model.objects.filter(username=DEMO_USER).first()
    if user is None:
        user_model.objects.create_superuser(DEMO_USER, "", password)
    else:
        user.set_password(password)
        user.save()
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"seed": DEMO_SEED, "generated_at": end.isoformat(), "username": DEMO_USER,
                   "password": password}, f)
    return Login(DEMO_USER, password)
