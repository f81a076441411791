"""Sentence vectors for the case judgment: the accurate profile's e5 encoder, each post embedded once and kept.

A post's vector is stored with it (Post.embedding, float16: 768 bytes), so a thread of 500 posts is judged after a
new reply by embedding only that reply. A changed post loses its vector with its scores (ingest) and is embedded
again. When the encoder cannot run here (no `accurate` extra), `vectors()` returns None and the judgment uses its
fast variant.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

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
