"""How the demo's messages count as delivered: recorded in careloop's database, never sent anywhere.

The demo's sources are imported files: there is no platform behind them to reach. While the seed replays the
demo's history through the case loop, `recording_only()` puts `DemoRecordOnlyConnector` in front of the files
connector for the demo's own sources (by name) — every other files source keeps the files connector, which
refuses to send. The outbox treats the demo connector like any other: it claims the row, "sends" it, and
records it as sent with an id that starts with "demo-recorded-", so the timeline says what happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from careloop.cases import clock
from careloop.community.models import Source
from careloop.connectors.base import POST_PUBLIC, SEND_PRIVATE, OutgoingMessage, PrivateReply, SendResult, register

RECORDED = "demo-recorded-"


class DemoRecordOnlyConnector:
    """Takes a message for a demo source and records it as delivered; it reaches no platform."""

    kind = "demo-record-only"
    capabilities = frozenset({SEND_PRIVATE, POST_PUBLIC})
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


@contextmanager
def recording_only(source_names: Iterable[str]) -> Iterator[None]:
    """Within the block, messages to the named files sources are recorded as delivered (see the module doc)."""
    from careloop.connectors.files.connector import FilesConnector

    names = frozenset(source_names)

    def factory(source: Source):
        return DemoRecordOnlyConnector(source) if source.name in names else FilesConnector(source)

    register(Source.Kind.FILES, factory)
    try:
        yield
    finally:
        register(Source.Kind.FILES, FilesConnector)
