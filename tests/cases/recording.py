"""A connector that records what careloop asked it to send: the test peer of the outbox.

It behaves like a platform with a transaction id (Matrix's txnId): `find_sent(key)` answers from what it
delivered. With CARELOOP_TEST_SENT_FILE set, every delivered message is appended to that file (fsynced before
send() returns), so a second worker process sees what the first one sent before it was killed. With
CARELOOP_TEST_HANG_AFTER_SEND set to a path, send() writes that path and then sleeps: the moment between
"sent" and "recorded" where the SIGKILL test kills the worker.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from careloop.connectors import base
from careloop.connectors.base import (
    POST_PUBLIC,
    READ_PRIVATE,
    SEND_PRIVATE,
    OutgoingMessage,
    PrivateReply,
    Receiving,
    SendResult,
)

KIND = "recording"


class RecordingConnector:
    kind = KIND
    capabilities = frozenset({SEND_PRIVATE, POST_PUBLIC, READ_PRIVATE})
    receives: frozenset[Receiving] = frozenset()  # a platform careloop only writes to, in these tests
    exactly_once = True  # find_sent is authoritative: it knows every message it delivered

    sent: list[OutgoingMessage] = []  # shared by every instance in this process (one "platform")
    failures: list[Exception] = []  # raised, in order, by the next send() calls
    replies: list[PrivateReply] = []

    def __init__(self, source=None) -> None:
        self.source = source

    @classmethod
    def reset(cls) -> None:
        cls.sent, cls.failures, cls.replies = [], [], []

    @staticmethod
    def _file() -> Path | None:
        path = os.environ.get("CARELOOP_TEST_SENT_FILE")
        return Path(path) if path else None

    def send(self, message: OutgoingMessage) -> SendResult:
        if self.failures:
            raise self.failures.pop(0)
        external_id = f"$event-{len(self.delivered()) + 1}"
        self.sent.append(message)
        if (path := self._file()) is not None:
            with path.open("a") as f:
                f.write(json.dumps({**asdict(message), "external_id": external_id}) + "\n")
                f.flush()
                os.fsync(f.fileno())
        if hang := os.environ.get("CARELOOP_TEST_HANG_AFTER_SEND"):
            Path(hang).write_text(message.idempotency_key)
            time.sleep(600)
        return SendResult(external_id=external_id, sent_at=datetime.now(UTC))

    def delivered(self) -> list[dict]:
        if (path := self._file()) is not None:
            return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
        return [{**asdict(m), "external_id": f"$event-{i + 1}"} for i, m in enumerate(self.sent)]

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        for row in self.delivered():
            if row["idempotency_key"] == idempotency_key:
                return SendResult(external_id=row["external_id"])
        return None

    def read_private_replies(self, since):
        return [r for r in self.replies if since is None or r.at > since]

    def check(self) -> str:
        return "recording connector"


class ForgetfulConnector(RecordingConnector):
    """A platform that cannot say what it delivered (plain SMTP without a searchable mailbox)."""

    exactly_once = False

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return None


@contextmanager
def registered() -> Iterator[type[RecordingConnector]]:
    """RecordingConnector registered for KIND, empty, for the duration (the fixtures of tests/cases, api and web)."""
    RecordingConnector.reset()
    base.register(KIND, RecordingConnector)
    try:
        yield RecordingConnector
    finally:
        base.unregister(KIND)
        RecordingConnector.reset()
