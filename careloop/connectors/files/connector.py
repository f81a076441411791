"""Files (the `careloop import` command) as a connector: posts come in; nothing can be sent back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from careloop.community.ingest import Importer, ImportResult
from careloop.community.models import Source
from careloop.connectors.base import RECEIVE, CannotDo, OutgoingMessage, PrivateReply, SendResult


class FilesConnector:
    kind = "files"
    capabilities = frozenset({RECEIVE})

    def __init__(self, source: Source) -> None:
        self.source = source

    def send(self, message: OutgoingMessage) -> SendResult:
        raise CannotDo(f"source {self.source.name!r} is imported from files: careloop cannot write back to it; "
                       "reach the member by e-mail or on their platform")

    def find_sent(self, idempotency_key: str) -> SendResult | None:
        return None

    def read_private_replies(self, since: datetime | None) -> Iterable[PrivateReply]:
        return []

    def check(self) -> str:
        return f"posts are imported with `careloop import` ({self.source.posts.count()} so far)"

    @staticmethod
    def import_files(paths: list[str]) -> ImportResult:
        """Receive: the same import `careloop import` runs, with scoring queued per batch."""
        from careloop.community.records import read_file
        from careloop.listen.tasks import queue_scoring

        importer = Importer(on_batch=queue_scoring, bulk=True)
        for path in paths:
            importer.feed(read_file(path))
        return importer.finish()
