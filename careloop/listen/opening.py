"""Opening cases: rules that turn a complaint into a case, or attach it to the case it belongs to.

For each new post by a member (never the team), in the order they were written:

1. **Me too** — it agrees with the complaint of an open case in its thread ("+1", "geht mir genauso", the
   same problem in other words): its author is added to that case as an affected member. Never a case of
   its own, however much of a complaint it is.
2. **The same thing again** — a complaint (rule 4) by a member who already has an open case about it: in
   the same thread, or, within `same_thing_hours`, this close in wording elsewhere. The post goes on that
   case's timeline.
3. **Reopened** — a complaint by a member whose case about the same thing (the same test: the same thread, or
   this close in wording) was resolved at most `reopen_hours` before the post (CARELOOP_REOPEN_WINDOW by
   default): that case goes back to acting through `follow_up.reopen()`, with the post and the reason in
   words on its transition. Dismissed and moderated cases are never reopened; outside the window, or about
   something else, rule 4 opens a new case.
4. **A complaint** — it names a problem ("stuck", "charged twice", "geht nicht", "doppelt abgebucht") and its
   complaint score reaches `complaint_threshold`, or only `cause_threshold` when it also names the change
   that caused it ("since the 3.2 update", "seit dem Umzug"); or its toxicity reaches `toxicity_threshold`:
   a new case, with its reasons in words, its origin and summary (context.py), its escalation risk
   (escalation.py) and, where they show, the author's troll signals — shown to the manager, never acted on.

The thresholds come from settings.CARELOOP_CASE_OPENING, overridden per source by the "case_opening" object
in Source.settings (the reopen window too: "reopen_hours"). Cases are created only through careloop.cases.state
(`open_case`, `add_affected_member`, `record`, `update_case`) and reopened only through
careloop.cases.follow_up.reopen(), so every case has its timeline from the first moment.

Why the problem words: the fast complaint model alone is too eager on chat. On the demo community it puts 256
posts that are not complaints (banter, answers, questions) over 0.5 against 30 of the 48 planted complaints;
asking for words that name a problem as well, and letting a named cause lower the bar, gives 40 of 48 with
29 false ones (measured with tests/listen/test_demo_queue.py). The words are plain English and German, not the
demo's phrases, but the figures are from a generated community: measure on your own and adjust per source.

Every step is idempotent: a post already on a case (it opened it, said "me too" on it, was noted on it as a
repeat or reopened it) is never considered again, so the same thread can be processed after every batch
(incremental.py) or all at once after an import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import cached_property

import networkx as nx
from django.conf import settings
from django.utils import timezone

from careloop.cases.models import OPEN_STATES, AffectedMember, Case, CaseEvent, CaseState
from careloop.community.models import Post, Source
from careloop.listen.context import find_origin
from careloop.listen.escalation import EscalationRisk, complaint_escalation, recent_posts
from careloop.listen.metoo import find_me_toos, similarity

PROBLEM = re.compile(
    r"(?i)\b(broke\w*|broken|stuck|hangs?|hanging|crash\w*|fails?|failed|failing|errors?|not working|"
    r"doesn'?t work|won'?t|can'?t|cannot|keeps?|twice|double\w*|duplicates?|missing|lost|gone|empty|"
    r"no (response|reply|answer)|(hasn'?t|haven'?t|didn'?t) (had|got|gotten|received) (a|any) (reply|response|answer)|"
    r"but not|unanswered|ignored|removed|deleted|charged|billed|spam|every time|endlessly|forever|"
    r"no access|nothing new|hasn'?t moved|not happy|refund|wtf|kaputt|hängt|hängen|geht nicht|"
    r"funktioniert nicht|klappt nicht|fehler\w*|absturz|stürzt|doppelt|zweimal|verschwunden|leer|"
    r"keine antwort|gelöscht|abgebucht|berechnet|endlos|immer wieder|ständig|nichts mehr|kein zugriff|"
    r"keinen? (\w+ ){1,2}mehr|bricht( \w+)? ab|"
    r"echt jetzt)\b"
)
CHANGE = re.compile(
    r"(?i)\b(since|after|seit|nach)\b|\b(update\w*|version|release|migration|umzug|firmware|price change|"
    r"preis\w*|tarif\w*|plan)\b|\b\d+\.\d+"
)
RISK_PREFIX = "Risk: "
TROLL_SHOWN = 0.5


class RulesError(ValueError):
    """A source's case_opening settings that are not numbers (or a flag) where numbers are expected."""


@dataclass(frozen=True)
class Rules:
    enabled: bool = True
    complaint_threshold: float = 0.6
    cause_threshold: float = 0.05
    toxicity_threshold: float = 0.7
    same_thing_hours: float = 72.0
    same_thing_similarity: float = 0.35
    reopen_hours: float | None = None  # None: settings.CARELOOP_REOPEN_WINDOW

    @property
    def reopen_window(self) -> timedelta:
        """How long after a case was resolved the same complaint reopens it (0: never)."""
        hours = settings.CARELOOP_REOPEN_WINDOW if self.reopen_hours is None else self.reopen_hours
        return timedelta(hours=hours)


def rules_for(source: Source) -> Rules:
    """The opening rules of a source: the defaults in settings, then the source's own "case_opening"."""
    merged = {**getattr(settings, "CARELOOP_CASE_OPENING", {}), **((source.settings or {}).get("case_opening") or {})}
    values = {}
    for f in fields(Rules):
        if f.name not in merged:
            continue
        value = merged[f.name]
        if f.name == "enabled":
            if not isinstance(value, bool):
                raise RulesError(f"source {source.name}: case_opening.enabled must be true or false, not {value!r}")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise RulesError(f"source {source.name}: case_opening.{f.name} must be a number, not {value!r}")
        values[f.name] = value
    return Rules(**values)


@dataclass
class Outcome:
    opened: list[Case] = field(default_factory=list)
    affected: int = 0
    repeats: int = 0
    refreshed: int = 0
    reopened: int = 0

    def add(self, other: Outcome) -> None:
        self.opened += other.opened
        self.affected += other.affected
        self.repeats += other.repeats
        self.refreshed += other.refreshed
        self.reopened += other.reopened


def complaint_reasons(post: Post, rules: Rules) -> list[str]:
    """Why this post is a case, in words; empty when it is not one."""
    complaint, toxicity, text = post.complaint or 0.0, post.toxicity or 0.0, post.text or ""
    problem = PROBLEM.search(text)
    change = CHANGE.search(text)
    reasons = []
    if problem and complaint >= rules.complaint_threshold:
        reasons.append(f"a complaint (score {complaint:.2f}; this source opens cases from "
                       f"{rules.complaint_threshold:.2f}) about a problem: \"{problem.group(0)}\"")
    elif problem and change and complaint >= rules.cause_threshold:
        reasons.append(f"names a problem (\"{problem.group(0)}\") and what changed (\"{change.group(0)}\"); "
                       f"complaint score {complaint:.2f}")
    if toxicity >= rules.toxicity_threshold:
        reasons.append(f"toxic language (score {toxicity:.2f}): a moderator should look")
    return reasons


class Moment:
    """What every post of one batch is judged against: the time, the graph, everyone's troll signals."""

    def __init__(self, at: datetime, graph: nx.DiGraph | None = None) -> None:
        self.at = at
        self._graph = graph
        self._thread_cases: dict[int, list[Case]] = {}
        self._member_cases: dict[int, list[Case]] = {}

    @property
    def graph(self) -> nx.DiGraph:
        if self._graph is None:
            from careloop.listen.graph import interaction_graph

            self._graph = interaction_graph(self.at)
        return self._graph

    @cached_property
    def trolls(self) -> dict:
        from careloop.listen.trolls import troll_signals

        return troll_signals(self.at)

    def thread_cases(self, thread_id: int) -> list[Case]:
        """The thread's open cases (kept up to date as this batch opens more)."""
        if thread_id not in self._thread_cases:
            self._thread_cases[thread_id] = list(
                Case.objects.filter(thread_id=thread_id, state__in=OPEN_STATES, post__isnull=False)
                .select_related("post")
            )
        return self._thread_cases[thread_id]

    def member_cases(self, member_id: int) -> list[Case]:
        """The member's open cases, newest first (kept up to date as this batch opens more)."""
        if member_id not in self._member_cases:
            self._member_cases[member_id] = list(
                Case.objects.filter(member_id=member_id, state__in=OPEN_STATES).select_related("post")
                .order_by("-opened_at", "-id")
            )
        return self._member_cases[member_id]

    def opened(self, case: Case) -> None:
        self.thread_cases(case.thread_id).append(case)
        self.member_cases(case.member_id).insert(0, case)

    def reopened(self, case: Case) -> None:
        """A resolved case is open again: later posts of the batch join it (me too, the same thing again)."""
        lists = [self.member_cases(case.member_id)]
        if case.post_id is not None and case.thread_id is not None:
            lists.append(self.thread_cases(case.thread_id))
        for cases in lists:
            if all(c.pk != case.pk for c in cases):
                cases.insert(0, case)

    @cached_property
    def people(self) -> dict[int, str]:
        from careloop.listen.graph import person_keys

        return person_keys()


def process_threads(thread_ids: Iterable[int] | None, post_ids: Iterable[int] | None = None, *,
                    at: datetime | None = None, graph: nx.DiGraph | None = None) -> Outcome:
    """Apply the rules to the threads' new posts (`post_ids`, default: all not yet on a case; `thread_ids`
    None: every thread), all of them in the order they were written (a member's first grievance opens the
    case, the later ones join it), then refresh the risk of the threads' open cases. `at` is the moment the
    risk is judged at (default: now)."""
    moment = Moment(at or timezone.now(), graph)
    at = moment.at
    threads = sorted(set(thread_ids)) if thread_ids is not None else None
    post_ids = list(post_ids) if post_ids is not None else None
    outcome = Outcome()
    candidates = Post.objects.filter(deleted=False, created_at__lte=at, author__is_team=False,
                                     scored_at__isnull=False)
    if threads is not None:
        candidates = candidates.filter(thread_id__in=threads)
    if post_ids is not None:
        candidates = candidates.filter(id__in=list(post_ids))
    handled = _handled(threads)
    rules: dict[int, Rules] = {}
    for post in candidates.select_related("author", "source", "thread").order_by("created_at", "id").iterator(
            chunk_size=2000):
        if post.source_id not in rules:
            rules[post.source_id] = rules_for(post.source)
        if post.id not in handled and rules[post.source_id].enabled:
            outcome.add(consider(post, rules[post.source_id], moment))
    _mark_listened(threads, post_ids, at)
    if threads is None:
        threads = sorted(set(Case.objects.filter(state__in=OPEN_STATES).values_list("thread_id", flat=True))
                         - {None})
    for thread_id in threads:
        outcome.refreshed += refresh_risk(thread_id, moment)
    return outcome


def process_thread(thread_id: int, post_ids: Iterable[int] | None = None, *, at: datetime | None = None,
                   graph: nx.DiGraph | None = None) -> Outcome:
    """process_threads() for one thread."""
    return process_threads([thread_id], post_ids, at=at, graph=graph)


def consider(post: Post, rules: Rules, moment: Moment) -> Outcome:
    """One post through the rules (me too, the same thing again, reopened, a complaint)."""
    from careloop.cases.state import add_affected_member, open_case

    outcome = Outcome()
    for case in moment.thread_cases(post.thread_id):
        if (case.member_id != post.author_id and case.post.created_at < post.created_at
                and find_me_toos(case.post.text, [post.text])):
            outcome.affected += add_affected_member(case, post.author, post)
            return outcome
    reasons = complaint_reasons(post, rules)
    if not reasons:
        return outcome
    same = same_thing_case(post, rules, moment.member_cases(post.author_id))
    if same is not None:
        note_repeat(same, post)
        outcome.repeats += 1
        return outcome
    resolved = reopenable_case(post, rules)
    if resolved is not None:
        if reopen_for(resolved, post, rules):
            moment.reopened(resolved)
            outcome.reopened += 1
            return outcome
        if resolved.is_open:  # reopened meanwhile by someone else: it is the open case about the same thing
            note_repeat(resolved, post)
            moment.reopened(resolved)
            outcome.repeats += 1
            return outcome
    posts = recent_posts(post.thread_id, moment.at)
    origin = find_origin(post)
    risk = complaint_escalation(post, moment.at, graph=moment.graph, posts=posts)
    reasons += origin_reasons(post, origin) + troll_reasons(post, moment)
    case = open_case(
        source=post.source, member=post.author, post=post, thread=post.thread, topic=topic_of(post),
        summary=origin.summary, reasons=[*reasons, *risk_lines(risk)], risk=risk.probability,
        language=post.language,
    )
    moment.opened(case)
    outcome.opened.append(case)
    return outcome


def same_thing_case(post: Post, rules: Rules, cases: list[Case]) -> Case | None:
    """Of the member's open cases (newest first), the one about the same thing: in this thread, or a close
    complaint within the window."""
    cases = [c for c in cases if c.post_id != post.id]
    for case in cases:
        if case.thread_id == post.thread_id:
            return case
    since = post.created_at - timedelta(hours=rules.same_thing_hours)
    return closest_case(post, rules, [c for c in cases if c.post is not None
                                      and since <= c.post.created_at <= post.created_at])


def closest_case(post: Post, rules: Rules, cases: list[Case]) -> Case | None:
    """Of these cases, the one whose complaint is closest in wording to the post, if close enough."""
    cases = [c for c in cases if c.post is not None]
    if not cases:
        return None
    scores = similarity(post.text, [c.post.text for c in cases])
    best = max(range(len(cases)), key=lambda i: scores[i])
    return cases[best] if scores[best] >= rules.same_thing_similarity else None


def reopenable_case(post: Post, rules: Rules) -> Case | None:
    """The member's resolved case about the same thing as the post (the same thread, or close wording),
    resolved at most the reopen window before the post was written; the latest resolved when several are."""
    window = rules.reopen_window
    if window <= timedelta(0):
        return None
    cases = list(
        Case.objects.filter(member_id=post.author_id, state=CaseState.RESOLVED,
                            closed_at__gte=post.created_at - window, closed_at__lte=post.created_at)
        .exclude(post_id=post.id).select_related("post").order_by("-closed_at", "-id")
    )
    for case in cases:
        if case.thread_id is not None and case.thread_id == post.thread_id:
            return case
    return closest_case(post, rules, cases)


def reopen_for(case: Case, post: Post, rules: Rules) -> bool:
    """Reopen the resolved `case` for `post` through the case loop's door; False when it is no longer resolved
    (someone moved it meanwhile; `case` is then refreshed)."""
    from careloop.cases.follow_up import reopen
    from careloop.cases.state import NotAllowed

    where = "in the same thread" if post.thread_id == case.thread_id else f"in {post.thread}"
    hours = rules.reopen_window.total_seconds() / 3600
    after = _duration(post.created_at - case.closed_at)
    because = (f"{post.author} raised the same thing again {where}, {after} after it was resolved (this source "
               f"reopens within {hours:g} hours): \"{_quote(post.text)}\"")
    try:
        reopen(case, post, actor_label="careloop", because=because, repeat_post=post.pk)
    except NotAllowed:
        case.refresh_from_db()
        return False
    return True


def note_repeat(case: Case, post: Post) -> None:
    from careloop.cases.state import record

    where = "in the same thread" if post.thread_id == case.thread_id else f"in {post.thread}"
    record(case, CaseEvent.Kind.NOTE, actor_label="careloop", repeat_post=post.pk,
           text=f"{post.author} raised it again {where}: \"{_quote(post.text)}\"")


def origin_reasons(post: Post, origin) -> list[str]:
    if origin.origin.id == post.id:
        return ["it begins with this post"]
    author = "the team" if origin.origin.author.is_team else str(origin.origin.author)
    return [f"where it began ({origin.reason}): {author}, \"{_quote(origin.origin.text)}\""]


def troll_reasons(post: Post, moment: Moment) -> list[str]:
    """The author's troll signals when they show: for the manager to weigh, never acted on by careloop."""
    signals = moment.trolls.get(moment.people.get(post.author_id, ""))
    if signals is None or signals.score < TROLL_SHOWN:
        return []
    return [f"troll signals {signals.score:.2f} (shown, never acted on automatically): " + "; ".join(signals.reasons)]


def risk_lines(risk: EscalationRisk) -> list[str]:
    return [f"{RISK_PREFIX}{reason}" for reason in risk.reasons]


def refresh_risk(thread_id: int, moment: Moment | None = None) -> int:
    """Recompute the escalation risk of the thread's open cases (their reasons keep the opening part)."""
    from careloop.cases.state import update_case

    cases = list(Case.objects.filter(thread_id=thread_id, state__in=OPEN_STATES, post__isnull=False)
                 .select_related("post__author"))
    if not cases:
        return 0
    moment = moment or Moment(timezone.now())
    posts = recent_posts(thread_id, moment.at)
    for case in cases:
        risk = complaint_escalation(case.post, moment.at, graph=moment.graph, posts=posts)
        reasons = [r for r in case.reasons if not r.startswith(RISK_PREFIX)] + risk_lines(risk)
        if risk.probability != case.risk or reasons != case.reasons:
            update_case(case, risk=risk.probability, reasons=reasons)
    return len(cases)


def _mark_listened(thread_ids: list[int] | None, post_ids: Iterable[int] | None, at: datetime) -> None:
    """Every scored post these threads (or these posts) hold up to `at` has been listened to: the backlog shrinks
    (`careloop status`, `careloop import --wait`)."""
    posts = Post.objects.filter(listened_at__isnull=True, scored_at__isnull=False, created_at__lte=at)
    if thread_ids is not None:
        posts = posts.filter(thread_id__in=thread_ids)
    if post_ids is not None:
        posts = posts.filter(id__in=list(post_ids))
    posts.update(listened_at=timezone.now())


def _handled(thread_ids: list[int] | None) -> set[int]:
    """Posts (of these threads, or of all) already on a case: opened one, affected on one, noted as a repeat
    or reopened one (both events carry "repeat_post")."""
    cases = Case.objects.filter(post__isnull=False)
    affected = AffectedMember.objects.filter(post__isnull=False)
    if thread_ids is not None:
        cases = cases.filter(post__thread_id__in=thread_ids)
        affected = affected.filter(post__thread_id__in=thread_ids)
    done = set(cases.values_list("post_id", flat=True)) | set(affected.values_list("post_id", flat=True))
    repeats = CaseEvent.objects.filter(kind__in=[CaseEvent.Kind.NOTE, CaseEvent.Kind.TRANSITION],
                                       details__has_key="repeat_post")
    if thread_ids is not None:
        authors = Post.objects.filter(thread_id__in=thread_ids).values("author_id")
        repeats = repeats.filter(case__member_id__in=authors)
    done |= {d["repeat_post"] for d in repeats.values_list("details", flat=True)}
    return done


def topic_of(post: Post) -> str:
    return (post.thread.title or _quote(post.text, 80))[:200]


def _duration(delta: timedelta) -> str:
    """"5 minutes", "1 hour", "3 days": how long after, in words."""
    hours = delta.total_seconds() / 3600
    number, unit = ((max(1, round(hours * 60)), "minute") if hours < 1 else (round(hours), "hour") if hours < 48
                    else (round(hours / 24), "day"))
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"
