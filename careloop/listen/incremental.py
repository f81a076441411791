"""Recompute only what new posts touch: their threads' cases (me too, opening) and escalation risk.

A new reply changes its own thread, not the world. After each scored batch, the touched threads are
processed once each (opening.process_thread), all with one interaction graph: the close circles behind the
pile-on risk change slowly (a tie needs several exchanges), so a graph is reused for the same hour while
fewer than GRAPH_STALE_AFTER interactions were added since it was built. An import is the same thing in
batches: every thread it touched, each once, its new posts in the order they were written.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import networkx as nx
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from careloop.community.models import Interaction, Post, Thread
from careloop.listen.opening import Outcome, process_threads

GRAPH_STALE_AFTER = 200


@dataclass
class _CachedGraph:
    key: tuple
    last_interaction: int
    graph: nx.DiGraph


_cache: dict[str, _CachedGraph] = {}
_lock = threading.Lock()


def graph_at(at: datetime) -> nx.DiGraph:
    """The interaction graph for `at`, rebuilt when the hour changes or many interactions arrived since."""
    from careloop.listen.graph import interaction_graph

    key = (connection.settings_dict.get("NAME"), at.replace(minute=0, second=0, microsecond=0))
    last = Interaction.objects.aggregate(last=Max("id"))["last"] or 0
    with _lock:
        cached = _cache.get("graph")
        if cached and cached.key == key and 0 <= last - cached.last_interaction < GRAPH_STALE_AFTER:
            return cached.graph
    graph = interaction_graph(at)
    with _lock:
        _cache["graph"] = _CachedGraph(key, last, graph)
    return graph


def clear_graph_cache() -> None:
    with _lock:
        _cache.clear()


def update_threads(post_ids: Iterable[int], *, at: datetime | None = None) -> Outcome:
    """Process the threads these (new or changed) posts belong to, with only these posts; returns what changed."""
    post_ids = list(post_ids)
    thread_ids = set(Post.objects.filter(id__in=post_ids).values_list("thread_id", flat=True))
    if not thread_ids:
        return Outcome()
    at = at or timezone.now()
    graph = graph_at(at)
    with transaction.atomic():
        # Two workers with batches in the same thread take turns: a post is never judged twice at once.
        list(Thread.objects.select_for_update().filter(id__in=thread_ids).order_by("id").values_list("id"))
        return process_threads(thread_ids, post_ids, at=at, graph=graph)


def update_everything(*, at: datetime | None = None) -> Outcome:
    """The batch path: every post not yet on a case, in the order written (after an import, or new rules)."""
    at = at or timezone.now()
    return process_threads(None, at=at, graph=graph_at(at))
