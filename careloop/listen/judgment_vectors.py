"""Sentence vectors for the case judgment: the accurate profile's e5 encoder, each post embedded once and kept.

A post's vector is stored with it (Post.embedding, float16: 768 bytes), so a thread of 500 posts is judged after a
new reply by embedding only that reply. A changed post loses its vector with its scores (ingest) and is embedded
again. When the encoder cannot run here (no `accurate` extra), `vectors()` returns None and the judgment uses its
fast variant.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np

from careloop.community.models import Post

log = logging.getLogger("careloop.listen")
_unavailable: list[str] = []


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """e5 vectors of these texts, (n, 384) float32; raises ScoringUnavailable when the encoder cannot run."""
    from careloop.listen.scoring import accurate_scorer

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(accurate_scorer().embed(list(texts))["e5"], dtype=np.float32)


def encoder_available() -> bool:
    """Whether the encoder runs here (asked once per process; the answer is logged once)."""
    from careloop.listen.scoring import ScoringUnavailable, accurate_scorer

    if _unavailable:
        return False
    try:
        accurate_scorer()
    except ScoringUnavailable as exc:
        _unavailable.append(str(exc))
        log.warning("the case judgment runs without sentence vectors (weaker; see docs/model-card.md): %s", exc)
        return False
    return True


def vectors(posts: Sequence[Post]) -> dict[int, np.ndarray] | None:
    """The vector of each post (embedding and storing those that have none yet); None without the encoder."""
    if not encoder_available():
        return None
    out: dict[int, np.ndarray] = {}
    missing = []
    for post in posts:
        if post.embedding:
            out[post.id] = np.frombuffer(bytes(post.embedding), dtype=np.float16).astype(np.float32)
        else:
            missing.append(post)
    if missing:
        embedded = embed_texts([p.text or "" for p in missing])
        for post, vector in zip(missing, embedded, strict=True):
            out[post.id] = vector.astype(np.float16).astype(np.float32)
            post.embedding = vector.astype(np.float16).tobytes()
        Post.objects.bulk_update(missing, ["embedding"], batch_size=500)
    return out


def embed_threads(thread_ids: Iterable[int] | None, post_ids: Iterable[int] | None = None, chunk: int = 512) -> int:
    """Embed, in large batches, the posts of these threads (or these posts) that have no vector yet: the
    encoder is fastest on many texts at once, and each thread is then judged from stored vectors."""
    if not encoder_available():
        return 0
    posts = Post.objects.filter(embedding__isnull=True, deleted=False, scored_at__isnull=False)
    if thread_ids is not None:
        posts = posts.filter(thread_id__in=list(thread_ids))
    if post_ids is not None:
        posts = posts.filter(id__in=list(post_ids))
    ids = list(posts.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), chunk):
        batch = list(Post.objects.filter(id__in=ids[start:start + chunk]).only("id", "text"))
        embedded = embed_texts([p.text or "" for p in batch])
        for post, vector in zip(batch, embedded, strict=True):
            post.embedding = vector.astype(np.float16).tobytes()
        Post.objects.bulk_update(batch, ["embedding"], batch_size=500)
    return len(ids)
