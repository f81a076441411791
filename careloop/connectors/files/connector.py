"""Files (the `careloop import` command) as a connector: posts come in; nothing can be sent back."""

from __future__ import annotations

from careloop.community.ingest import Importer, ImportResult
from careloop.community.records import read_file
from careloop.community.signals import announce_stored
from careloop.connectors.base import ReceiveOnlyConnector


class FilesConnector(ReceiveOnlyConnector):
    kind = "files"
    cannot_send = "is imported from files: careloop cannot write back to it"

    def check(self) -> str:
        return f"posts are imported with `careloop import` ({self.source.posts.count()} so far)"

    @staticmethod
    def import_files(paths: list[str]) -> ImportResult:
        """Receive: the same import `careloop import` runs; each batch's posts announced (listening scores them)."""
        importer = Importer(on_batch=announce_stored, bulk=True)
        for path in paths:
            importer.feed(read_file(path))
        return importer.finish()
