"""What the data layer tells whoever listens, without knowing who does.

`posts_stored`: a batch of posts was stored (committed) by a connector or a file import; keyword arguments
`new_ids` and `changed_ids`, the posts' ids. careloop.listen connects its scoring to it when the apps are ready
(careloop/listen/apps.py), so the platforms hand posts to ingest only and never import the analysis
(../shared/design/layers.json: never connectors -> listen).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.dispatch import Signal

posts_stored = Signal()


def announce_stored(new_ids: Sequence[int], changed_ids: Sequence[int]) -> None:
    """An Importer's on_batch hook: tell the listeners which posts the batch stored."""
    posts_stored.send(sender=announce_stored, new_ids=list(new_ids), changed_ids=list(changed_ids))
