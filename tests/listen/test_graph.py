"""Cliques and pile-ons on the demo community, checked against the generator's ground truth."""

from __future__ import annotations

from datetime import datetime

import pytest

from careloop.community.models import Post
from careloop.listen.graph import close_circle, interaction_graph, pile_on_risk

pytestmark = pytest.mark.django_db


def person(member: str) -> str:
    return f"lumen:{member}"


def test_the_clique_is_each_members_close_circle(demo):
    clique = {person(m) for m in demo["clique"]["members"]}
    graph = interaction_graph(datetime.fromisoformat(demo["end"]))
    for member in clique:
        circle = set(close_circle(graph, member))
        assert circle, f"{member} has no close circle"
        assert circle <= clique, f"{member}'s circle reaches outside the clique: {circle - clique}"
        assert len(circle) >= len(clique) - 2
    trolls = {person(m) for m in demo["trolls"]}
    assert not any(set(close_circle(graph, t)) & clique for t in trolls)


def test_the_pending_pile_on_is_flagged_before_it_happens(demo):
    pending = demo["clique"]["pending_pile_on"]
    cutoff = datetime.fromisoformat(pending["cutoff"])
    complaint = Post.objects.get(source__name=pending["source"], external_id=pending["complaint_post_id"])
    risk = pile_on_risk(complaint, cutoff)
    assert set(risk.joined) >= {person(m) for m in pending["joined_before"]}
    assert set(risk.about_to_join) >= {person(m) for m in pending["joined_after"]}
    assert risk.score >= 0.5 and risk.reasons
    later = Post.objects.filter(source__name=pending["source"], external_id__in=pending["joined_after_post_ids"])
    assert all(p.created_at > cutoff for p in later), "they really joined after the warning"


def test_an_ordinary_complaint_carries_no_pile_on_risk(demo):
    clique = set(demo["clique"]["members"])
    ordinary = next(c for c in demo["complaints"] if c["author"] not in clique and c["author"] not in demo["trolls"])
    post = Post.objects.get(source__name=ordinary["source"], external_id=ordinary["post_id"])
    assert pile_on_risk(post, post.created_at).score < 0.5
