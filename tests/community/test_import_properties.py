"""Properties of ingest that must hold for any order of lines and any batch size."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careloop.community.ingest import Importer
from careloop.community.models import Interaction, Post, Thread
from tests.conftest import post

pytestmark = pytest.mark.django_db


@st.composite
def conversations(draw):
    """A forest of posts (each reply answers an earlier post of its thread), in a shuffled order."""
    n = draw(st.integers(1, 30))
    parents: list[int | None] = []
    for i in range(n):
        parents.append(draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None)
    authors = [draw(st.integers(0, 4)) for _ in range(n)]
    order = draw(st.permutations(range(n)))
    batch = draw(st.integers(1, 8))
    return parents, authors, order, batch


def root(parents: list[int | None], i: int) -> int:
    while parents[i] is not None:
        i = parents[i]  # type: ignore[assignment]
    return i


def run(source: str, parents, authors, order, batch_size: int):
    importer = Importer(batch_size=batch_size)
    lines = [
        post(i, source=source, thread=f"t{root(parents, i)}", author=f"m{authors[i]}",
             parent=None if parents[i] is None else str(parents[i]), at=f"2026-05-03T10:{i:02d}:00Z")
        for i in order
    ]
    importer.feed(("f", n, line) for n, line in enumerate(lines, 1))
    return importer.finish()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conversations(), st.integers(1, 8))
def test_any_order_and_batching_links_every_reply_and_imports_idempotently(conversation, second_batch):
    parents, authors, order, batch = conversation
    source = f"s{uuid.uuid4().hex[:10]}"  # each example in its own source: examples share one test database
    first = run(source, parents, authors, order, batch)
    assert (first.imported, first.failed) == (len(parents), 0)

    posts = {p.external_id: p for p in Post.objects.filter(source__name=source).select_related("parent")}
    for i, parent in enumerate(parents):
        linked = posts[str(i)].parent
        assert (linked.external_id if linked else None) == (None if parent is None else str(parent))
    replies_between_people = sum(1 for i, p in enumerate(parents) if p is not None and authors[i] != authors[p])
    assert Interaction.objects.filter(source__name=source, kind="reply").count() == replies_between_people
    sizes = Counter(f"t{root(parents, i)}" for i in range(len(parents)))
    assert dict(Thread.objects.filter(source__name=source).values_list("external_id", "post_count")) == sizes

    again = run(source, parents, authors, list(reversed(order)), second_batch)
    assert (again.imported, again.updated, again.unchanged, again.failed) == (0, 0, len(parents), 0)
    assert Post.objects.filter(source__name=source).count() == len(parents)
