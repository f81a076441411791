"""Recompute only what new posts touch: their threads' cases (me too, opening) and escalation risk.

A new reply changes its own thread, not the world. After each scored batch, the touched threads are
processed once each (opening.process_thread), all with one interaction graph: the close circles behind the
pile-on risk change slowly (a tie needs several exchanges), so a graph is reused for the same hour while
fewer than GRAPH_STALE_AFTER interactions were added since it was built. An import is the same thing in
batches: every thread it touched, each once, its new posts in the order they were written. A thread's posts are
listened to in that order even when their batches are scored out of order (update_threads).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import networkx as nx
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from careloop.community.models import Interaction, Post, Thread
from careloop.listen.judgment_vectors import embed_threads
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
    """Process the threads these (new or changed) posts belong to, in the order their posts were written; returns
    what changed.

    Batches are scored in parallel (several workers, several webhook requests a second), so a later post of a
    thread can be scored before an earlier one. A thread is listened to only up to its first post that is stored
    but not scored yet (`in_order()`): the later posts wait, scored, and the update that follows the scoring of
    that earlier post listens to them all, oldest first. Threads are independent: two batches in different
    threads run side by side (on PostgreSQL; SQLite writes one at a time)."""
    post_ids = list(post_ids)
    thread_ids = set(Post.objects.filter(id__in=post_ids).values_list("thread_id", flat=True))
    if not thread_ids:
        return Outcome()
    at = at or timezone.now()
    graph = graph_at(at)
    # The sentence vectors first, outside the transaction: the encoder takes milliseconds a post, and on SQLite the
    # transaction below holds the database's one write lock (every webhook request would wait for the encoder).
    # A post held back by an earlier batch is embedded by its own batch; one let go now is embedded here.
    embed_threads(None, in_order(thread_ids, post_ids))
    with transaction.atomic():
        # Two workers with batches in the same thread take turns: a post is never judged twice at once, and the
        # second one sees what the first listened to.
        list(Thread.objects.select_for_update().filter(id__in=thread_ids).order_by("id").values_list("id"))
        return process_threads(thread_ids, in_order(thread_ids, post_ids), at=at, graph=graph)


def in_order(thread_ids: Iterable[int], post_ids: Iterable[int]) -> list[int]:
    """The posts of these threads to listen to now: `post_ids` and every scored post not listened to yet, oldest
    first, up to (not including) the thread's first stored post that is still waiting for its score."""
    asked = set(post_ids)
    rows = (Post.objects.filter(thread_id__in=list(thread_ids), deleted=False)
            .filter(Q(listened_at__isnull=True) | Q(id__in=list(asked)))
            .order_by("thread_id", "created_at", "id").values_list("id", "thread_id", "scored_at"))
    ready: list[int] = []
    blocked: set[int] = set()
    for post_id, thread_id, scored_at in rows:
        if thread_id in blocked:
            continue
        if scored_at is None:  # an earlier post of this thread is not scored yet: the rest waits for it
            blocked.add(thread_id)
            continue
        ready.append(post_id)
    return ready


def update_everything(*, at: datetime | None = None) -> Outcome:
    """The batch path: every post not yet on a case, in the order written (after an import, or new rules)."""
    at = at or timezone.now()
    return process_threads(None, at=at, graph=graph_at(at))
