"""How the demo's messages count as delivered: recorded in careloop's database, never sent anywhere.

The demo's sources are imported files: there is no platform behind them to reach. In a demo data folder (one
with the marker `careloop demo` writes, see careloop.demo.seed) `DemoRecordOnlyConnector` stands in front of
the files connector for the demo's own sources (by name), in every process that opens the folder: the web
app, the worker `careloop demo` starts beside it, and the command line (`careloop case retry`). The demo app
(careloop.demo.apps) installs it when Django starts. Every other files source keeps the files connector,
which refuses to send. While the seed replays the demo's history, before the marker exists, `recording_only()`
does the same for the block.

The outbox treats the demo connector like any other: it claims the row, "sends" it, and records it as sent with
an id that starts with "demo-recorded-", so the timeline says what happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from careloop.cases import clock
from careloop.community.models import Source
from careloop.connectors.base import (
    POST_PUBLIC,
    SEND_PRIVATE,
    Connector,
    OutgoingMessage,
    PrivateReply,
    Receiving,
    SendResult,
    register,
)
from careloop.demo.names import MARKER, SOURCES

RECORDED = "demo-recorded-"


class DemoRecordOnlyConnector:
    """Takes a message for a demo source and records it as delivered; it reaches no platform."""

    kind = "demo-record-only"
    capabilities = frozenset({SEND_PRIVATE, POST_PUBLIC})
    receives: frozenset[Receiving] = frozenset()  # the demo's posts were imported by the seed; none come in here
    exactly_once = True  # nothing leaves the database, so a second "send" can never reach a member twice

    def __init__(self, source: Source) -> None:
        self.source = source

    def send(self, message: OutgoingMessage) -> SendResult:
        return SendResult(external_id=RECORDED + message.idempotency_key, sent_at=clock.now(),
                          details={"recorded_only": True, "source": self.source.name})

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return None

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        return []

    def check(self) -> str:
        return f"demo source {self.source.name!r}: messages are recorded in careloop only, never sent"


def in_demo_folder(home: Path | None = None) -> bool:
    """Whether careloop runs on a data folder `careloop demo` made (its marker is there)."""
    from django.conf import settings

    return (Path(home or settings.HOME) / MARKER).exists()


def files_connector(source: Source) -> Connector:
    """The connector of a files source: the demo's record-only one for a demo source in a demo folder."""
    from careloop.connectors.files.connector import FilesConnector
    if source.name in SOURCES and in_demo_folder():
        return DemoRecordOnlyConnector(source)
    return FilesConnector(source)


def install() -> None:
    """Make `files_connector` the connector of files sources (the demo app's ready())."""
    from careloop.connectors.files.connector import FilesConnector

    register(Source.Kind.FILES, files_connector, receives=FilesConnector.receives)  # files sources are imported


@contextmanager
def recording_only(source_names: Iterable[str]) -> Iterator[None]:
    """Within the block, messages to the named files sources are recorded as delivered (see the module doc)."""
    from careloop.connectors.files.connector import FilesConnector

    names = frozenset(source_names)

    def factory(source: Source) -> Connector:
        return DemoRecordOnlyConnector(source) if source.name in names else FilesConnector(source)

    register(Source.Kind.FILES, factory, receives=FilesConnector.receives)
    try:
        yield
    finally:
        install()
