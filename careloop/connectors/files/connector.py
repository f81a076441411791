"""Files (the `careloop import` command) as a connector: posts come in; nothing can be sent back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from careloop.community.ingest import ImportResult
from careloop.community.records import Parsed, Progress, read_file
from careloop.connectors import ingest
from careloop.connectors.base import ReceiveOnlyConnector, Receiving


class FilesConnector(ReceiveOnlyConnector):
    kind = "files"
    receives = frozenset({Receiving.IMPORT})
    cannot_send = "is imported from files: careloop cannot write back to it"

    def check(self) -> str:
        return f"posts are imported with `careloop import` ({self.source.posts.count()} so far)"


def import_files(paths: Iterable[str], *, fmt: str = "auto", progress: Progress | None = None,
                 batch_size: int = 5000, on_stored: ingest.StoredHook | None = None,
                 queue_failed: Callable[[Exception], bool] | None = None) -> ImportResult:
    """Receive every line of the given files (`-` is standard input): the business operation behind
    `careloop import`, through the one ingest entry point (each batch's posts announced for scoring at once)."""

    def lines() -> Iterator[Parsed]:
        for path in paths:
            yield from read_file(path, fmt, progress)

    return ingest.receive(lines(), batch_size=batch_size, bulk=True, gather=False, on_stored=on_stored,
                          queue_failed=queue_failed)
