"""Escalation risk: how likely a thread turns hostile or draws a pile-on if nobody steps in — with the reasons.

The thread's trajectory is read from its recent posts (at most RECENT_POSTS, so a thread of thousands costs
what a thread of a hundred does):

* the derailment forecast (derailment.py) over its latest turns;
* the toxicity trend: the latest posts against the earlier ones;
* reply velocity: posts in the last hour;
* distinct negative participants (members, not the team);
* second-person attacks ("you people", "you clearly don't understand", "du bist", "ihr seid" …);
* clique pressure: graph.pile_on_risk() of the complaint — friends active nearby who have not joined yet;
* time unanswered: hours since the complaint without a post by the team.

Each signal is a strength in 0..1 and a sentence. They are combined as independent pieces of evidence
(noisy-OR: 1 − Π(1 − weight·strength)), the way trolls.py combines its signals. The weights are set by
hand — there are no labelled escalations to fit them on yet — and say how strongly each signal alone
suggests trouble: one second-person attack or a clique about to join is strong, a busy thread alone is weak.
The derailment forecast is the only learned part (calibrated on Reddit CMV) and counts only above chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import networkx as nx

from careloop.cases.templates import shorten
from careloop.community.models import Post
from careloop.community.scores import COMPLAINT, TOXIC
from careloop.listen.context import is_negative
from careloop.listen.derailment import MARKERS, Turn, forecast, load_model

RECENT_POSTS = 100
FORECAST_TURNS = 10
TREND_POSTS = 5
VELOCITY_WINDOW = timedelta(hours=1)
WEIGHTS = {
    "forecast": 0.3, "toxicity_trend": 0.4, "velocity": 0.25, "negative_participants": 0.35,
    "second_person_attacks": 0.5, "clique_pressure": 0.6, "unanswered": 0.3,
}
SECOND_PERSON_ATTACK = MARKERS["second_person_attack"]


@dataclass
class EscalationRisk:
    """The probability that the conversation turns hostile or draws a pile-on if left alone."""

    probability: float
    reasons: list[str] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)


def recent_posts(thread_id: int, at: datetime | None = None, limit: int = RECENT_POSTS) -> list[Post]:
    """The thread's latest posts up to `at`, oldest first, with their authors (only the fields read here: a post's
    JSON columns cost more to load than everything else together)."""
    posts = Post.objects.filter(thread_id=thread_id, deleted=False).select_related("author").only(
        "id", "thread_id", "parent_id", "author_id", "created_at", "text", "complaint", "sentiment", "toxicity",
        "author__id", "author__is_team", "author__display_name", "author__handle", "author__external_id",
    )
    if at is not None:
        posts = posts.filter(created_at__lte=at)
    return list(reversed(posts.order_by("-created_at", "-id")[:limit]))


def latest_complaint(posts: list[Post], complaint_threshold: float = COMPLAINT) -> Post | None:
    """The thread's most recent complaint by a member (not the team)."""
    return next((p for p in reversed(posts) if not p.author.is_team and (p.complaint or 0) >= complaint_threshold),
                None)


def thread_escalation(thread_id: int, at: datetime | None = None, *, graph: nx.DiGraph | None = None,
                      posts: list[Post] | None = None, complaint_threshold: float = COMPLAINT) -> EscalationRisk:
    """The thread's escalation risk at `at` (default: after its latest post), around its latest complaint."""
    posts = posts if posts is not None else recent_posts(thread_id, at)
    complaint = latest_complaint(posts, complaint_threshold)
    return assess(posts, complaint, at, graph=graph)


def complaint_escalation(post: Post, at: datetime | None = None, *, graph: nx.DiGraph | None = None,
                         posts: list[Post] | None = None, people: dict[int, str] | None = None,
                         signals: ThreadSignals | None = None) -> EscalationRisk:
    """The escalation risk around one complaint: its thread as it stands at `at`, the complaint's own circle.
    (`people`: graph.person_keys(), when the caller holds it already; `signals`: thread_signals() of the same
    posts at the same time, when the caller weighs several complaints of one thread.)"""
    posts = posts if posts is not None else recent_posts(post.thread_id, at)
    return assess(posts, post, at, graph=graph, people=people, signals=signals)


@dataclass(frozen=True)
class ThreadSignals:
    """What a thread's recent posts say by themselves, whichever complaint is weighed: strength and sentence of each
    signal, in the order they combine."""

    strengths: dict[str, float]
    reasons: dict[str, str]


def thread_signals(posts: list[Post], at: datetime | None = None) -> ThreadSignals:
    """The signals of the thread itself (forecast, toxicity trend, velocity, negative participants, second-person
    attacks) from its recent posts (oldest first, at least one) at `at` (default: its latest post)."""
    at = at or posts[-1].created_at
    members = [p for p in posts if not p.author.is_team]
    strengths: dict[str, float] = {}
    reasons: dict[str, str] = {}

    turns = [Turn(p.text, str(p.author_id)) for p in posts[-FORECAST_TURNS:] if p.text]
    if turns:
        predicted = forecast(turns, load_model())
        strengths["forecast"] = max(0.0, (predicted.probability - 0.5) * 2)
        if strengths["forecast"] > 0.1:
            why = f": {', '.join(predicted.reasons)}" if predicted.reasons else ""
            reasons["forecast"] = (f"the conversation reads like one about to turn hostile "
                                   f"({predicted.probability:.0%}){why}")

    scored = [p.toxicity for p in members if p.toxicity is not None]
    if scored:
        recent, earlier = scored[-TREND_POSTS:], scored[:-TREND_POSTS]
        base = sum(earlier) / len(earlier) if earlier else 0.0
        rise = sum(recent) / len(recent) - base
        toxic_recent = sum(t >= TOXIC for t in recent)
        strengths["toxicity_trend"] = min(1.0, max(rise, 0.0) / 0.4 + toxic_recent / 3)
        if toxic_recent:
            reasons["toxicity_trend"] = f"{toxic_recent} of the last {len(recent)} member posts are toxic"
        elif rise > 0.1:
            reasons["toxicity_trend"] = f"the tone is getting more toxic (+{rise:.2f} over the thread's earlier posts)"

    last_hour = sum(1 for p in posts if at - VELOCITY_WINDOW < p.created_at <= at)
    strengths["velocity"] = min(1.0, max(last_hour - 3, 0) / 9)
    if last_hour > 3:
        reasons["velocity"] = f"{last_hour} posts in the last hour"

    negative = {p.author_id for p in members if is_negative(p) or (p.toxicity or 0) >= TOXIC}
    strengths["negative_participants"] = min(1.0, max(len(negative) - 1, 0) / 4)
    if len(negative) > 1:
        reasons["negative_participants"] = f"{len(negative)} members are negative here"

    attacks = [p for p in members if SECOND_PERSON_ATTACK.search((p.text or "").lower())]
    strengths["second_person_attacks"] = min(1.0, len(attacks) / 2)
    if attacks:
        reasons["second_person_attacks"] = (
            f"{len(attacks)} post{'s' if len(attacks) > 1 else ''} attack{'' if len(attacks) > 1 else 's'} "
            f"someone directly (\"{shorten(attacks[-1].text, 60)}\")"
        )
    return ThreadSignals(strengths, reasons)


def assess(posts: list[Post], complaint: Post | None, at: datetime | None = None, *,
           graph: nx.DiGraph | None = None, people: dict[int, str] | None = None,
           signals: ThreadSignals | None = None) -> EscalationRisk:
    """Combine the signals of a thread's recent posts (oldest first) into a probability with reasons (`signals`:
    thread_signals() of these posts at `at`, when the caller holds them already)."""
    if not posts:
        return EscalationRisk(0.0, ["no posts yet"], {})
    at = at or posts[-1].created_at
    signals = signals if signals is not None else thread_signals(posts, at)
    strengths = dict(signals.strengths)
    reasons = dict(signals.reasons)

    if complaint is not None and not complaint.author.is_team:
        from careloop.listen.graph import pile_on_risk

        pile = pile_on_risk(complaint, at, graph=graph, people=people)
        strengths["clique_pressure"] = pile.score
        if pile.score > 0 and pile.reasons:
            reasons["clique_pressure"] = "pile-on: " + "; ".join(pile.reasons)
        answered = any(p.author.is_team and p.created_at > complaint.created_at for p in posts)
        waited = at - complaint.created_at
        hours = waited.total_seconds() / 3600
        strengths["unanswered"] = 0.0 if answered else min(1.0, hours / 24)
        if not answered and hours >= 2:
            reasons["unanswered"] = f"no reply from the team for {elapsed_in_words(waited)}"

    probability = 1.0
    for name, strength in strengths.items():
        probability *= 1 - WEIGHTS[name] * strength
    probability = round(1 - probability, 3)
    ordered = sorted(reasons, key=lambda name: -WEIGHTS[name] * strengths.get(name, 0.0))
    return EscalationRisk(probability, [reasons[name] for name in ordered],
                          {name: round(s, 3) for name, s in strengths.items()})


def elapsed_in_words(delta: timedelta) -> str:
    """"5 minutes", "1 hour", "3 days": how long, in the words of a case's reasons and timeline notes."""
    hours = delta.total_seconds() / 3600
    number, unit = ((max(1, round(hours * 60)), "minute") if hours < 1 else (round(hours), "hour") if hours < 48
                    else (round(hours / 24), "day"))
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"
