"""The queue: open cases in the order they need someone — severity, overdue follow-ups, time waiting, risk.

With the state filter on "closed" (or one closed state) it lists what the team finished instead, most recently
closed first: the record to look back on.

The order is careloop.cases.ranking.in_queue_order() (severity, overdue, moved private, waiting, spread), the
one the API and `careloop case list` use too: a page of 50 out of 50,000 open cases is one query on the case's own
columns. Every case also carries its reason in words (reason_in_words), built from the same facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from careloop.cases import service_levels as sla
from careloop.cases.models import OPEN_STATES, AffectedMember, Case, CaseEvent, CaseState, Tag
from careloop.cases.ranking import in_queue_order, severity_in_words
from careloop.cases.state import CLOSED_STATES
from careloop.community.history import source_clocks
from careloop.community.models import Post, Source

RISK_LEVELS = {"high": 0.7, "medium": 0.4}
TOPIC_CHARS = 60
CLOSED = "closed"  # the state filter's value for every closed state
SEARCH_WORDS = 5
SEARCH_CHARS = 100


@dataclass
class QueueFilters:
    source: str = ""
    state: str = ""
    assignee: str = ""  # a user id, "me" or "none"
    language: str = ""
    risk: str = ""  # "high", "medium" or ""
    lane: str = ""  # "problems" (severity 1-3), "urgent" (3), "moderation" (toxic language only) or ""
    tag: str = ""  # a tag's name
    q: str = ""  # words in the post's text, the topic or summary, or the member's name

    @property
    def words(self) -> list[str]:
        """The search's words (at most SEARCH_WORDS of them, each at most SEARCH_CHARS long)."""
        return [w[:SEARCH_CHARS] for w in self.q.split()][:SEARCH_WORDS]

    @classmethod
    def from_query(cls, query: dict) -> QueueFilters:
        return cls(**{name: str(query.get(name, "")).strip() for name in cls.__dataclass_fields__})

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}

    @property
    def closed(self) -> bool:
        """The filter asks for finished cases (all of them, or one closed state), not the queue."""
        return self.state == CLOSED or self.state in CLOSED_STATES


def matching(filters: QueueFilters, user) -> QuerySet[Case]:
    """Open cases matching the filters (closed ones when the filter asks for them), unordered."""
    states = CLOSED_STATES if filters.closed else OPEN_STATES
    qs = Case.objects.filter(state__in=states)
    if filters.state in states:
        qs = qs.filter(state=filters.state)
    if filters.source:
        source = Source.objects.filter(name=filters.source).values_list("id", flat=True).first()
        qs = qs.filter(source_id=source) if source is not None else qs.none()  # no such source: no case
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.lane == "problems":
        qs = qs.filter(severity__gte=1)
    elif filters.lane == "urgent":
        qs = qs.filter(severity=3)
    elif filters.lane == "moderation":
        qs = qs.filter(severity=0)
    if filters.risk in RISK_LEVELS:
        qs = qs.filter(risk__gte=RISK_LEVELS[filters.risk])
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    for word in filters.words:  # every word, each in one of the case's texts (icontains: a scan, one query)
        qs = qs.filter(Q(topic__icontains=word) | Q(summary__icontains=word) | Q(post__text__icontains=word)
                       | Q(member__display_name__icontains=word) | Q(member__handle__icontains=word))
    return qs


def open_cases(filters: QueueFilters, user, now: datetime | None = None) -> QuerySet[Case, int]:
    """Ids of the matching open cases, most urgent first (what the queue pages through); closed ones, when the
    filter asks for them, most recently closed first."""
    now = now or timezone.now()
    if filters.closed:
        return matching(filters, user).order_by("-closed_at", "-id").values_list("id", flat=True)
    return in_queue_order(matching(filters, user), now).values_list("id", flat=True)


def queue_page(filters: QueueFilters, user, number: str | int | None, per_page: int = 50,
               now: datetime | None = None) -> tuple[Page, Sequence[Case]]:
    """One page of the queue: its Page (for the pager) and its cases, in order, with what a row shows.

    Sorting carries only ids, and the count reads the index alone: the wide rows of the page's 50 cases are
    read afterwards, with their members, sources, assignees, me-too counts and the time of the complaint.
    """
    now = now or timezone.now()
    paginator = Paginator(open_cases(filters, user, now), per_page)
    paginator.__dict__["count"] = matching(filters, user).count()  # Paginator.count is a cached property
    page = paginator.get_page(number)
    ids = list(page.object_list)
    agree = (
        AffectedMember.objects.filter(case=OuterRef("pk"), role=AffectedMember.Role.AFFECTED)
        .order_by().values("case").annotate(n=Count("id")).values("n")
    )
    following = (  # when each case last moved to following up: its follow-up service level runs from there
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=CaseEvent.Kind.TRANSITION, to_state=CaseState.FOLLOWING_UP)
        .order_by("-at").values("at")[:1]
    )
    by_id = {c.pk: c for c in Case.objects.filter(pk__in=ids).select_related("member", "source", "assignee")
             .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
             .annotate(agree=Coalesce(Subquery(agree), Value(0)), following_since=Subquery(following))}
    posted: dict[int | None, datetime] = dict(
        Post.objects.filter(pk__in=[c.post_id for c in by_id.values() if c.post_id]).values_list("id", "created_at"))
    cases = [by_id[i] for i in ids if i in by_id]
    clocks = source_clocks({c.source_id for c in cases}, now)
    for c in cases:
        c.clock = clocks.get(c.source_id, now)
        if c.waiting_since is None and c.handed_off_at is None and c.first_response_at is None:
            c.waiting_since = posted.get(c.post_id) or c.opened_at
    return page, cases


def hours(delta: timedelta) -> str:
    """'45 min', '6 h', '3 days': how long, at a glance."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(n)d min") % {"n": max(minutes, 1)}
    if minutes < 48 * 60:
        return _("%(n)d h") % {"n": minutes // 60}
    return ngettext("%(n)d day", "%(n)d days", minutes // 1440) % {"n": minutes // 1440}


def timer_in_words(timer: sla.Timer | None) -> str:
    """'first contact due in 2 h', 'follow-up question 38 min late': a running service level, at a glance."""
    if timer is None:
        return ""
    if timer.late:
        late = hours(-timer.left)
        if timer.level == sla.FIRST_CONTACT:
            return _("first contact %(t)s late") % {"t": late}
        return _("follow-up question %(t)s late") % {"t": late}
    left = hours(timer.left)
    if timer.level == sla.FIRST_CONTACT:
        return _("first contact due in %(t)s") % {"t": left}
    return _("follow-up question due in %(t)s") % {"t": left}


def reason_in_words(case: Case, now: datetime | None = None) -> str:
    """'complaint about billing, 4 members agree, left unanswered 6 h' — why the case is where it is.

    The reasons listen recorded (case.reasons) are shown beside it, the first one in the queue."""
    now = now or timezone.now()
    parts = []
    clock = getattr(case, "clock", None) or now
    topic = Truncator(case.topic or case.summary or "").chars(TOPIC_CHARS)
    if severity_in_words(case.severity):
        parts.append(_(severity_in_words(case.severity)))
    parts.append(_("complaint about %(topic)s") % {"topic": topic} if topic else _("complaint"))
    agree = getattr(case, "agree", None)
    if agree is None:
        agree = case.affected.filter(role=AffectedMember.Role.AFFECTED).count()
    if agree:
        parts.append(ngettext("%(n)d member agrees", "%(n)d members agree", agree) % {"n": agree})
    if not case.is_open:
        parts.append(closed_in_words(case))
    elif case.overdue_at:
        parts.append(_("overdue: %(why)s") % {"why": case.overdue_reason} if case.overdue_reason else _("overdue"))
    elif case.follow_up_due_at and case.follow_up_due_at < now:
        parts.append(_("follow-up overdue by %(t)s") % {"t": hours(now - case.follow_up_due_at)})
    elif case.handed_off_at is not None:
        parts.append(_("moved private by the team in public"))
    elif case.first_contact_at is None and getattr(case, "waiting_since", None) is not None:
        parts.append(_("left unanswered %(t)s") % {"t": hours(max(clock - waiting_since(case), timedelta(0)))})
    elif case.first_contact_at is None and case.first_response_at is not None:
        parts.append(_("answered in public, no private contact yet"))
    elif case.follow_up_due_at:
        parts.append(_("follow-up due in %(t)s") % {"t": hours(case.follow_up_due_at - now)})
    return ", ".join(parts)


def closed_in_words(case: Case) -> str:
    """'resolved after 3 days, rated 5 of 5' / 'dismissed after 6 h': how a closed case ended."""
    took = hours((case.closed_at or case.updated_at) - case.opened_at)
    if case.state == CaseState.RESOLVED:
        if case.satisfaction:
            return _("resolved after %(t)s, rated %(n)d of 5") % {"t": took, "n": case.satisfaction}
        return _("resolved after %(t)s") % {"t": took}
    if case.state == CaseState.MODERATED:
        return _("handed to moderation after %(t)s") % {"t": took}
    return _("dismissed after %(t)s") % {"t": took}


def waiting_since(case: Case) -> datetime:
    """Since when the member has waited: their post, or the case's opening when the post is not known.

    The reason in words counts from the post (what the member lived); the sort counts from the opening
    (a column of the case: no join over every open case). They differ only for history imported late."""
    since = getattr(case, "waiting_since", None)
    if since is None and case.post_id:
        since = Post.objects.filter(pk=case.post_id).values_list("created_at", flat=True).first()
    return since or case.opened_at


def risk_level(risk: float | None) -> str:
    if risk is None:
        return "unknown"
    if risk >= RISK_LEVELS["high"]:
        return "high"
    if risk >= RISK_LEVELS["medium"]:
        return "medium"
    return "low"
