"""Fixtures for the connector tests: a real Synapse per test session, sources with encrypted settings."""

from __future__ import annotations

import itertools
import urllib.parse
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from tests.connectors.synapse import Synapse, synapse_python

_names = itertools.count(1)


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    python = synapse_python()
    if python is None:
        pytest.skip("matrix-synapse is not installed here: scripts/check.sh installs it into .venv-synapse "
                    "(or set CARELOOP_SYNAPSE_PYTHON to a Python that has it)")
    server = Synapse(python, tmp_path_factory.mktemp("synapse"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_source(db):
    """make_source(kind, **settings): a Source whose secret settings are stored encrypted, as the CLI does."""
    from careloop.community.models import Source
    from careloop.connectors.vault import seal_settings

    def make(kind: str, name: str | None = None, **settings) -> Source:
        name = name or f"{kind}-{next(_names)}"
        return Source.objects.create(name=name, kind=kind, display_name=name,
                                     settings=seal_settings(kind, settings))

    return make


@pytest.fixture
def world(synapse, make_source):
    """A bot, two members (alice, bob) in a public room, and a Matrix source for the bot listening there."""
    bot = synapse.register()
    alice = synapse.register()
    bob = synapse.register()
    room = alice.ok("POST", "/createRoom", {"preset": "public_chat", "name": "Help desk"})["room_id"]
    bob.ok("POST", f"/join/{urllib.parse.quote(room)}", {})
    source = make_source("matrix", homeserver=synapse.base, user_id=bot.user_id, access_token=bot.token,
                         rooms=[room])
    return SimpleNamespace(bot=bot, alice=alice, bob=bob, room=room, source=source)
