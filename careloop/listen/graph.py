"""Who talks to whom: the interaction graph, a member's close circle, and the risk of a pile-on.

A pile-on is friends joining a friend's complaint one after another. It can be seen before it happens:
the complainer's close circle — people with strong ties in both directions — is online elsewhere and has
not yet come to the thread. The graph is built from Interaction rows (replies, mentions, reactions).

People, not accounts: a member is one account in one source. Sources that share their member ids (one
sign-on for forum and chat) say so with the same `identity_realm` in their settings, and then an account
in each is the same person here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import networkx as nx
from django.db.models import Count

from careloop.community.models import Interaction, Member, Post, Source

WINDOW = timedelta(days=30)
ACTIVE_WINDOW = timedelta(hours=2)
MIN_TIES_EACH_WAY = 3
SHARE_OF_STRONGEST = 0.3
KIND_WEIGHT: dict[str, float] = {Interaction.Kind.REPLY: 1.0, Interaction.Kind.MENTION: 1.0,
                                 Interaction.Kind.REACTION: 0.5}


def person_keys(member_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Member id -> the person it belongs to ("realm:external id")."""
    realms = {sid: (settings or {}).get("identity_realm") or f"source-{sid}"
              for sid, settings in Source.objects.values_list("id", "settings")}
    members = Member.objects.all() if member_ids is None else Member.objects.filter(id__in=list(member_ids))
    return {mid: f"{realms[sid]}:{ext}" for mid, sid, ext in members.values_list("id", "source_id", "external_id")}


def interaction_graph(until: datetime, window: timedelta = WINDOW) -> nx.DiGraph:
    """People as nodes; an edge a -> b weighs how much a answered, mentioned or reacted to b in the window."""
    rows = list(
        Interaction.objects.filter(created_at__gt=until - window, created_at__lte=until)
        .values("actor_id", "target_id", "kind").annotate(n=Count("id")).order_by()
    )
    people = person_keys({r["actor_id"] for r in rows} | {r["target_id"] for r in rows})
    graph: nx.DiGraph[str] = nx.DiGraph()
    for r in rows:
        a, b = people[r["actor_id"]], people[r["target_id"]]
        if a == b:
            continue
        weight = KIND_WEIGHT.get(r["kind"], 1.0) * r["n"]
        graph.add_edge(a, b, weight=graph.get_edge_data(a, b, {"weight": 0.0})["weight"] + weight)
    return graph


def close_circle(graph: nx.DiGraph, person: str, min_each_way: float = MIN_TIES_EACH_WAY,
                 share_of_strongest: float = SHARE_OF_STRONGEST) -> list[str]:
    """The person's strong reciprocal ties, strongest first.

    A tie's strength is the smaller of the two directions (both sides reach out). It counts when it is at
    least `min_each_way` and at least `share_of_strongest` of the person's strongest tie: a busy helper
    who answers everyone has many weak ties, a friend stands out from them.
    """
    if person not in graph:
        return []
    ties = []
    for other in graph.successors(person):
        back = graph.get_edge_data(other, person, {"weight": 0.0})["weight"]
        ties.append((min(graph[person][other]["weight"], back), other))
    if not ties:
        return []
    floor = max(min_each_way, share_of_strongest * max(strength for strength, _ in ties))
    return [other for strength, other in sorted(ties, key=lambda t: (-t[0], t[1])) if strength >= floor]


@dataclass
class PileOnRisk:
    """How many of a complainer's circle are about to join: active nearby, not yet in the thread."""

    score: float
    circle: list[str]
    joined: list[str] = field(default_factory=list)
    about_to_join: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def pile_on_risk(post: Post, at: datetime, *, active_window: timedelta = ACTIVE_WINDOW,
                 graph: nx.DiGraph | None = None, people: dict[int, str] | None = None) -> PileOnRisk:
    """The pile-on risk of a complaint at time `at`.

    score = share of the close circle that is active (posted anywhere in the last `active_window`) and has
    not yet posted in the thread, raised when friends have already joined (momentum).
    """
    graph = graph if graph is not None else interaction_graph(at)
    people = people if people is not None else person_keys()
    me = people[post.author_id]
    circle = close_circle(graph, me)
    if not circle:
        return PileOnRisk(0.0, [], reasons=["no close circle"])
    in_thread = {
        people[a] for a in Post.objects.filter(thread_id=post.thread_id, created_at__gt=post.created_at,
                                               created_at__lte=at).values_list("author_id", flat=True)
    }
    active = {
        people[a] for a in Post.objects.filter(created_at__gt=at - active_window, created_at__lte=at)
        .values_list("author_id", flat=True).distinct()
    }
    joined = [p for p in circle if p in in_thread]
    about = [p for p in circle if p in active and p not in in_thread]
    score = min(1.0, len(about) / len(circle) * (1.5 if joined else 1.0))
    reasons = []
    if joined:
        reasons.append(f"{len(joined)} of the complainer's {len(circle)} close friends already joined")
    if about:
        reasons.append(f"{len(about)} more are active right now and have not joined yet")
    return PileOnRisk(round(score, 3), circle, joined, about, reasons)
