"""Files (the `careloop import` command) as a connector: posts come in; nothing can be sent back."""

from __future__ import annotations

from careloop.community.ingest import Importer, ImportResult
from careloop.connectors.base import ReceiveOnlyConnector


class FilesConnector(ReceiveOnlyConnector):
    kind = "files"
    cannot_send = "is imported from files: careloop cannot write back to it"

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
