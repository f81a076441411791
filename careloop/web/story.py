"""What the case and member pages read: the thread as a story, the member's card, the case loop's parts.

Only reading happens here. Every change to a case goes through the case loop's functions in careloop/cases/
(reach_out.py, act.py, follow_up.py, state.py), which the views call.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy

from careloop.cases.models import OPEN_STATES, AffectedMember, Case, CaseEvent, CaseState
from careloop.community.models import Member, Post

MAX_STORY_POSTS = 200
TOXIC = 0.5
CHANNELS = (("dm", gettext_lazy("Private message on the platform")), ("email", gettext_lazy("E-mail")),
            ("call", gettext_lazy("Offer a call")))


def loop_module(name: str) -> ModuleType | None:
    """careloop.cases.<name> if it is installed (the case loop is built in parts), else None."""
    try:
        return importlib.import_module(f"careloop.cases.{name}")
    except ImportError:
        return None


@dataclass
class Story:
    """A case's thread from where it began: posts in order, the complaint marked, me-too replies grouped."""

    posts: list[Post]
    complaint_id: int | None
    origin_id: int | None
    me_too: list[Post] = field(default_factory=list)
    more: int = 0  # posts after the last one shown

    def items(self) -> list[dict[str, Any]]:
        """The posts to show in order; the me-too replies as one group right after the complaint."""
        me_too_ids = {p.id for p in self.me_too}
        out: list[dict[str, Any]] = []
        for p in self.posts:
            if p.id in me_too_ids:
                continue
            out.append({"post": p, "complaint": p.id == self.complaint_id, "origin": p.id == self.origin_id})
            if p.id == self.complaint_id and self.me_too:
                out.append({"group": self.me_too})
        if self.me_too and self.complaint_id not in {p.id for p in self.posts}:
            out.insert(0, {"group": self.me_too})
        return out


def story(case: Case) -> Story:
    me_too_ids = list(
        AffectedMember.objects.filter(case=case, role=AffectedMember.Role.AFFECTED, post__isnull=False)
        .values_list("post_id", flat=True)
    )
    if case.thread_id is None:
        posts = [case.post] if case.post_id else []
        return Story(posts, case.post_id, case.post_id)
    qs = Post.objects.filter(thread_id=case.thread_id).select_related("author", "parent__author")
    posts = list(qs.order_by("created_at", "id")[:MAX_STORY_POSTS])
    shown = {p.id for p in posts}
    if case.post_id and case.post_id not in shown:  # a long thread: the complaint and what came after it
        complaint = qs.get(pk=case.post_id)
        head = posts[:20]
        tail = list(qs.filter(created_at__gte=complaint.created_at).order_by("created_at", "id")[:MAX_STORY_POSTS])
        posts = head + [p for p in tail if p.id not in {h.id for h in head}]
        shown = {p.id for p in posts}
    total = case.thread.post_count if case.thread else len(posts)
    me_too = [p for p in posts if p.id in set(me_too_ids)]
    missing = [i for i in me_too_ids if i not in shown]
    if missing:
        me_too += list(Post.objects.filter(pk__in=missing).select_related("author").order_by("created_at", "id"))
    origin = posts[0].id if posts else None
    return Story(posts, case.post_id, origin, me_too, max(0, total - len(posts)))


@dataclass
class MemberCard:
    member: Member
    posts: int
    toxic_share: float | None
    negative: int
    cases: list[Case]
    open_cases: int
    satisfaction: float | None
    troll_reasons: list[str]


def member_card(member: Member, exclude_case: int | None = None) -> MemberCard:
    """History, past cases, satisfaction and troll signals of one member, from indexed lookups only."""
    stats = Post.objects.filter(author=member).aggregate(
        n=Count("id"), scored=Count("id", filter=Q(toxicity__isnull=False)),
        toxic=Count("id", filter=Q(toxicity__gte=TOXIC)), negative=Count("id", filter=Q(sentiment="negative")),
    )
    cases = Case.objects.filter(member=member).select_related("assignee").order_by("-opened_at")
    past = list(cases.exclude(pk=exclude_case)[:10]) if exclude_case else list(cases[:10])
    agg = Case.objects.filter(member=member).aggregate(
        sat=Avg("satisfaction"), moderated=Count("id", filter=Q(state=CaseState.MODERATED)),
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
    )
    # Only a dismissal as trolling is a troll signal: "not a complaint" corrects careloop, it accuses no one.
    trolling = CaseEvent.objects.filter(
        case__member=member, kind=CaseEvent.Kind.TRANSITION, to_state=CaseState.DISMISSED, details__reason="troll",
    ).values("case_id").distinct().count()
    toxic_share = stats["toxic"] / stats["scored"] if stats["scored"] else None
    reasons: list[str] = []
    troll = (member.extra or {}).get("troll") if isinstance(member.extra, dict) else None
    if isinstance(troll, dict):
        reasons += [str(r) for r in troll.get("reasons", []) if r]
    if toxic_share is not None and stats["scored"] >= 5 and toxic_share >= 0.2:
        reasons.append(f"{toxic_share:.0%} of their {stats['scored']} posts are toxic")
    if trolling or agg["moderated"]:
        reasons.append(f"{trolling} earlier case(s) dismissed as trolling, {agg['moderated']} moderated")
    return MemberCard(member, stats["n"], toxic_share, stats["negative"], past, agg["open"],
                      agg["sat"], reasons)


def templates_for(language: str) -> list[str]:
    """Names of the message templates the case loop has for this language (English when it has none)."""
    module = loop_module("templates")
    if module is None:
        return []
    found = module.templates()
    lang = (language or "en").split("-")[0].lower()
    return [name for name in module.NAMES if name in found.get(lang, found.get("en", {}))]


def can_post_publicly(case: Case) -> bool:
    """Whether the case's platform lets careloop reply in the thread (the public note beside the first message)."""
    from careloop.connectors.base import POST_PUBLIC, ConnectorError, connector_for

    try:
        return POST_PUBLIC in connector_for(case.source).capabilities
    except ConnectorError:
        return False


def draft(case: Case, template: str, user: Any) -> str:
    """The template filled in for this case by the case loop (a call offer leaves the time to fill in)."""
    reach_out = loop_module("reach_out")
    if reach_out is None:
        return ""
    from careloop.cases.templates import fill_in, render

    language = reach_out.language_of(case)  # the member's language, not the manager's
    extra = {"call_time": fill_in("call_time", language)} if template == "call_offer" else {}
    try:  # the text only: the tone check runs on the composer as the manager edits
        return render(template, language, **reach_out.context(case, user, **extra)).text
    except ValueError:  # a broken template in the settings: the composer stays empty, the settings page says why
        return ""
