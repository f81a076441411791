"""Opening cases: the thread judgment turns a member's problem into a case; me too, repeats and reopenings join it.

Each thread with new posts is judged as it stands (judgment.py: a learned, thread-aware judgment — the post, what
it answers, the rest of the thread, whether the team answered; never a word list). Then, for each new post by a
member (never the team), in the order they were written:

1. **Me too** — it agrees with the problem of an open case in its thread ("+1", "geht mir genauso", the same
   problem in other words): its author is added to that case as an affected member. Never a case of its own.
2. **The problem** — in a thread where one member talks with the team, the thread judgment reaches the source's
   threshold and this is its origin (the first member post that states the problem, whose author is the
   complainant); in a thread of several members (a forum topic, a chat room) or one the team has not answered
   yet, the post itself, judged on its own by the post-alone model (`alone_threshold`), states a problem.
   Before a new case opens: the member's open case about the same thing (in this thread, or this close in
   wording within `same_thing_hours`) takes the post on its timeline; a case of theirs about the same thing that
   was resolved at most `reopen_hours` before goes back to acting (follow_up.reopen()); dismissed and moderated
   cases are never reopened. Otherwise a new case, with its severity (1 minor, 2 a real problem, 3 urgent) and
   its reasons in words, its origin and summary (context.py), its escalation risk (escalation.py) and, where they
   show, the author's troll signals — shown to the manager, never acted on.
3. **Toxic language alone** (toxicity ≥ `toxicity_threshold`, no problem judged) — a case of severity 0: the
   moderation lane, never above a complaint in the queue.

Then the team's public moves are read onto the thread's open cases (read_team_moves()): the team's first public reply,
whether the member's latest post still waits for one, a hand-off to private ("please DM us"), recorded through the
state machine as outreach by that team account, and the member's later public "thanks, sorted" / "still broken".
Imported history runs on its own clock (careloop/community/history.py): waiting is measured to the thread's next
event or to the newest post of the source, never to today.

The thresholds come from settings.CARELOOP_CASE_OPENING, overridden per source by the "case_opening" object in
Source.settings; `threshold` None means the judgment model's own, measured by brand cross-validation (model card).
Cases are created only through careloop.cases.state (`open_case`, `add_affected_member`, `record`, `update_case`,
`move`) and reopened only through careloop.cases.follow_up.reopen(), so every case has its timeline from the first
moment.

Every step is idempotent: a post already on a case (it opened it, said "me too" on it, was noted on it as a repeat
or reopened it) is never considered again, and the team's moves are read once, so the same thread can be processed
after every batch (incremental.py) or all at once after an import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import cached_property

import networkx as nx
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from careloop.cases.models import OPEN_STATES, AffectedMember, Case, CaseEvent, CaseState
from careloop.cases.state import NotAllowed, add_affected_member, open_case, record, transition, update_case
from careloop.cases.templates import shorten
from careloop.community.history import HISTORY_AFTER, source_clocks
from careloop.community.models import Post, Source, Thread
from careloop.listen.context import find_origin
from careloop.listen.escalation import (
    RECENT_POSTS,
    EscalationRisk,
    complaint_escalation,
    elapsed_in_words,
    recent_posts,
    thread_signals,
)
from careloop.listen.handoff import is_handoff, member_outcome
from careloop.listen.judgment import JUDGED_REASON, SEVERITY_REASON, Judgment, Turn, judge, judge_alone, load_model
from careloop.listen.metoo import find_me_toos, similarity

THREADS_READ_TOGETHER = 200  # listening reads this many threads' posts and cases at once (Moment.read_threads)
HELD_POSTS = 150  # a longer thread (a busy topic, a chat room) is read by its own queries, each bounded
TAIL_POSTS = 100  # of a long thread, listening holds this many latest posts (>= JUDGED_POSTS and RECENT_POSTS)
JUDGED_POSTS = 60  # a thread is judged on its latest posts (a chat room's thousands cost what 60 do)
# What listening reads of a post and its author; the rest (JSON extras, bookkeeping times) loads only if asked for.
# The posts' threads and sources are read once each and shared (_with_places): read with every row, they cost more
# than the posts themselves.
POST_FIELDS = ("id", "source_id", "external_id", "thread_id", "parent_id", "author_id", "created_at", "deleted",
               "text", "language", "complaint", "sentiment", "toxicity", "scores", "scored_at", "embedding",
               "author__id", "author__source_id", "author__external_id", "author__handle", "author__display_name",
               "author__language", "author__is_team")
RISK_PREFIX = "Risk: "
QUOTED = 80  # characters of a post quoted in a reason or a note (a topic from a title-less thread too)
TROLL_SHOWN = 0.5


class RulesError(ValueError):
    """A source's case_opening settings that are not numbers (or a flag) where numbers are expected."""


@dataclass(frozen=True)
class Rules:
    enabled: bool = True
    threshold: float | None = None  # None: the judgment model's own (measured by brand cross-validation)
    alone_threshold: float | None = None  # a post judged on its own in a thread of many members; None: the model's
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
        if f.name in ("threshold", "alone_threshold", "reopen_hours") and value is None:
            pass
        elif f.name == "enabled":
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


def _listened(posts: QuerySet) -> QuerySet:
    """These posts with what listening reads of them and their authors (POST_FIELDS)."""
    return posts.select_related("author").only(*POST_FIELDS)


def _with_places(posts: list[Post]) -> list[Post]:
    """Give the posts their thread and source, each read once and shared by the posts (one query: a post's source
    is its thread's, or read by a second)."""
    if posts:
        threads = Thread.objects.select_related("source").in_bulk({p.thread_id for p in posts})
        sources = {t.source_id: t.source for t in threads.values()}
        if others := {p.source_id for p in posts} - sources.keys():
            sources.update(Source.objects.in_bulk(others))
        thread, source = Post._meta.get_field("thread"), Post._meta.get_field("source")
        for post in posts:  # as select_related() would (the ids are there already)
            thread.set_cached_value(post, threads[post.thread_id])
            source.set_cached_value(post, sources[post.source_id])
    return posts


def _read_into(cache: dict[int, list[Case]], key: str, ids, cases) -> None:
    """Fill `cache` (id -> cases, in the query's order) for the ids it does not hold yet, in one query."""
    unread = [i for i in ids if i not in cache]
    if not unread:
        return
    for i in unread:
        cache[i] = []
    for case in cases.filter(**{f"{key}__in": unread}).select_related("post"):
        cache[getattr(case, key)].append(case)


class Moment:
    """What every post of one batch is judged against: the time, the graph, everyone's troll signals; and what
    the batch reads of its threads, read a chunk of threads at a time (read_threads) rather than a thread at a
    time: their posts, their open cases, their members' open cases, their sources' clocks."""

    def __init__(self, at: datetime, graph: nx.DiGraph | None = None) -> None:
        self.at = at
        self._graph = graph
        self._thread_cases: dict[int, list[Case]] = {}
        self._member_cases: dict[int, list[Case]] = {}
        self._posts: dict[int, list[Post]] = {}
        self._clocks: dict[int, datetime] = {}
        self._resolved: dict[int, list[Case]] = {}
        self._long: set[int] = set()  # threads too long to hold
        self._tails: dict[int, list[Post]] = {}  # a long thread's latest TAIL_POSTS posts (deleted ones left out)

    def read_threads(self, thread_ids: list[int], *, with_cases: bool = True) -> None:
        """Read these threads' posts up to the moment (deleted ones too; a thread longer than HELD_POSTS is left
        to its own queries) and, `with_cases`, their open cases and their members' open and resolved cases, in a
        few queries. The posts of the previous chunk are let go: memory holds one chunk."""
        kept = {t: self._posts[t] for t in thread_ids if t in self._posts}  # posts do not change in a batch
        unread = [t for t in thread_ids if t not in kept and t not in self._long]
        sizes = dict(Post.objects.filter(thread_id__in=unread, created_at__lte=self.at).values("thread_id")
                     .annotate(n=Count("id")).values_list("thread_id", "n")) if unread else {}
        held = [t for t in unread if sizes.get(t, 0) <= HELD_POSTS]
        self._long.update(t for t in unread if sizes.get(t, 0) > HELD_POSTS)
        self._posts = {**kept, **{t: [] for t in held}}
        self._tails = {t: self._tails.get(t) or _tail(t, self.at) for t in thread_ids if t in self._long}
        if held:
            for post in _with_places(list(_listened(Post.objects.filter(thread_id__in=held, created_at__lte=self.at))
                                          .order_by("created_at", "id"))):
                self._posts[post.thread_id].append(post)
        if not with_cases:
            return
        _read_into(self._thread_cases, "thread_id", thread_ids,
                   Case.objects.filter(state__in=OPEN_STATES, post__isnull=False).order_by("id"))
        members = {p.author_id for posts in self._posts.values() for p in posts if not p.author.is_team}
        _read_into(self._member_cases, "member_id", members,
                   Case.objects.filter(state__in=OPEN_STATES).order_by("-opened_at", "-id"))
        _read_into(self._resolved, "member_id", members,
                   Case.objects.filter(state=CaseState.RESOLVED).order_by("-closed_at", "-id"))

    def resolved_cases(self, member_id: int) -> list[Case] | None:
        """The member's resolved cases, latest closed first, when read_threads() read them; else None."""
        return self._resolved.get(member_id)

    def posts_of(self, thread_id: int) -> list[Post] | None:
        """The thread's posts read by read_threads() (oldest first, deleted ones too), or None."""
        return self._posts.get(thread_id)

    def tail_of(self, thread_id: int) -> list[Post] | None:
        """A long thread's latest TAIL_POSTS posts up to the moment (not deleted), oldest first, or None."""
        return self._tails.get(thread_id)

    def recent(self, thread_id: int, at: datetime) -> list[Post]:
        """escalation.recent_posts() of the thread, from memory when its posts (or, for a long thread, its latest
        posts up to `at`) are held."""
        held = self._posts.get(thread_id)
        if held is not None:
            return [p for p in held if not p.deleted and p.created_at <= at][-RECENT_POSTS:]
        tail = self._tails.get(thread_id)
        if tail is not None and all(p.created_at <= at for p in tail):
            return tail[-RECENT_POSTS:]
        return recent_posts(thread_id, at)

    def clock(self, source_id: int) -> datetime:
        """The source's clock at this moment (history.source_clocks()), read once per batch. A post held here that
        is recent enough already says the source is live (its newest post can only be newer): no query then."""
        if source_id not in self._clocks:
            held = (posts[-1] for posts in (*self._posts.values(), *self._tails.values()) if posts)
            if any(p.source_id == source_id and self.at - p.created_at <= HISTORY_AFTER for p in held):
                self._clocks[source_id] = self.at
            else:
                self._clocks.update(source_clocks([source_id], self.at))
        return self._clocks[source_id]

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
                .select_related("post").order_by("id")
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
        if case.thread_id is not None:  # listening opens a case in a thread; a case without one is in no list
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
        self.not_resolved(case)

    def not_resolved(self, case: Case) -> None:
        """The case is no longer resolved (reopened, or moved by someone else meanwhile)."""
        if case.member_id in self._resolved:
            self._resolved[case.member_id] = [c for c in self._resolved[case.member_id] if c.pk != case.pk]

    @cached_property
    def people(self) -> dict[int, str]:
        from careloop.listen.graph import person_keys

        return person_keys()


def process_threads(thread_ids: Iterable[int] | None, post_ids: Iterable[int] | None = None, *,
                    at: datetime | None = None, graph: nx.DiGraph | None = None) -> Outcome:
    """Listen to the threads' new posts (`post_ids`, default: all not yet on a case; `thread_ids` None: every
    thread with such posts): judge each thread as it stands, open or join cases in the order the posts were
    written, read the team's public moves, then refresh the risk of the threads' open cases. `at` is the moment
    the judgment and the risk are made at (default: now)."""
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
        candidates = candidates.filter(id__in=post_ids)
    handled = _handled(threads)
    new_by_thread: dict[int, list[int]] = {}
    for post_id, thread_id in candidates.exclude(id__in=handled).order_by("created_at", "id").values_list(
            "id", "thread_id").iterator(chunk_size=2000):
        new_by_thread.setdefault(thread_id, []).append(post_id)
    from careloop.listen.judgment_vectors import embed_threads

    embed_threads(list(new_by_thread))
    rules: dict[int, Rules] = {}
    listening = list(new_by_thread.items())
    for start in range(0, len(listening), THREADS_READ_TOGETHER):
        chunk = listening[start:start + THREADS_READ_TOGETHER]
        moment.read_threads([thread_id for thread_id, _ in chunk])
        for thread_id, new in chunk:
            outcome.add(listen_thread(thread_id, set(new), handled, rules, moment))
    _mark_listened(threads, post_ids, at)
    if threads is None:
        threads = sorted(set(Case.objects.filter(state__in=OPEN_STATES).values_list("thread_id", flat=True))
                         - {None})
    for start in range(0, len(threads), THREADS_READ_TOGETHER):
        some = threads[start:start + THREADS_READ_TOGETHER]
        moment.read_threads(some, with_cases=False)  # the cases are read fresh below: listening changed them
        open_cases: dict[int | None, list[Case]] = {}
        for case in (Case.objects.filter(thread_id__in=some, state__in=OPEN_STATES, post__isnull=False)
                     .select_related("post__author", "origin").order_by("id")):
            open_cases.setdefault(case.thread_id, []).append(case)
        for thread_id in some:
            cases = open_cases.get(thread_id, [])
            read_team_moves(thread_id, moment, cases)
            outcome.refreshed += refresh_risk(thread_id, moment, [c for c in cases if c.state in OPEN_STATES])
    return outcome


def process_thread(thread_id: int, post_ids: Iterable[int] | None = None, *, at: datetime | None = None,
                   graph: nx.DiGraph | None = None) -> Outcome:
    """process_threads() for one thread."""
    return process_threads([thread_id], post_ids, at=at, graph=graph)


def _tail(thread_id: int, at: datetime) -> list[Post]:
    """The thread's latest TAIL_POSTS posts up to `at` that are not deleted, oldest first."""
    return _with_places(list(reversed(_listened(Post.objects.filter(thread_id=thread_id, deleted=False,
                                                                    created_at__lte=at))
                                      .order_by("-created_at", "-id")[:TAIL_POSTS])))


def thread_posts(thread_id: int, at: datetime, moment: Moment | None = None) -> list[Post]:
    """The thread's latest JUDGED_POSTS scored posts up to `at`, oldest first, with authors and sources (from the
    moment's memory when it holds the thread, or enough of a long thread's latest posts)."""
    held = moment.posts_of(thread_id) if moment is not None else None
    if held is not None:
        return [p for p in held if not p.deleted and p.scored_at is not None and p.created_at <= at][-JUDGED_POSTS:]
    tail = moment.tail_of(thread_id) if moment is not None else None
    if tail is not None:
        scored = [p for p in tail if p.scored_at is not None and p.created_at <= at]
        if len(scored) >= JUDGED_POSTS or len(tail) < TAIL_POSTS:  # enough of them, or the whole thread
            return scored[-JUDGED_POSTS:]
    posts = (_listened(Post.objects.filter(thread_id=thread_id, deleted=False, created_at__lte=at,
                                           scored_at__isnull=False))
             .order_by("-created_at", "-id")[:JUDGED_POSTS])
    return _with_places(list(reversed(posts)))


def negative_of(post: Post) -> float:
    """The post's negative-sentiment probability (its label alone when the scores lack the probabilities)."""
    negative = ((post.scores or {}).get("sentiment_probs") or {}).get("negative")
    if negative is None:
        return 1.0 if post.sentiment == Post.Sentiment.NEGATIVE else 0.0
    return float(negative)


def turns_of(posts: list[Post]) -> list[Turn]:
    """The thread as the judgment reads it: the posts' stored scores, and their sentence vectors when the encoder
    runs here (judgment_vectors.py; without it the judgment's fast variant is used)."""
    from careloop.listen.judgment_vectors import vectors

    found = vectors(posts)
    turns = []
    for post in posts:
        turns.append(Turn(post.text or "", post.author.is_team, str(post.author_id), post.complaint or 0.0,
                          negative_of(post), post.toxicity or 0.0, found.get(post.id) if found else None,
                          post.language or ""))
    return turns


def listen_thread(thread_id: int, new: set[int], handled: set[int], rules_cache: dict[int, Rules],
                  moment: Moment) -> Outcome:
    """One thread: its judgment, then its new member posts in order (me too, the problem, toxic language)."""
    outcome = Outcome()
    posts = thread_posts(thread_id, moment.at, moment)
    if not posts:
        return outcome
    source = posts[-1].source
    if source.pk not in rules_cache:
        rules_cache[source.pk] = rules_for(source)
    rules = rules_cache[source.pk]
    if not rules.enabled:
        return outcome
    turns = turns_of(posts)
    model = load_model()
    # The thread judgment, learnt on support threads, judges where one member talks with the team. In a thread of
    # several members (a forum topic, a chat room), or before the team has said anything, each member's post is
    # judged on its own by the post-alone model, which also knows a community's chatter: one member's problem is
    # neither lost among the others' posts nor made up from them, and a new topic is not a case for being new.
    several = len({p.author_id for p in posts if not p.author.is_team}) > 1
    by_thread = not several and any(p.author.is_team for p in posts)
    judgment = judge(turns, model, rules.threshold) if by_thread else None
    origin = posts[judgment.origin] if judgment and judgment.opens and judgment.origin is not None else None
    # The origin first: it may be an earlier post, judged a problem only now that the thread says more.
    order = [origin] if origin is not None and origin.id not in handled else []
    order += [p for p in posts if p.id in new and not p.author.is_team and (origin is None or p.id != origin.id)]
    for post in order:
        if post.id in handled:
            continue
        is_origin = origin is not None and post.id == origin.id
        outcome.add(consider(post, rules, moment, judgment if is_origin else None, turns[: posts.index(post) + 1],
                             model, may_open=judgment is None or judgment.opens))
        handled.add(post.id)
    follow_severity(moment.thread_cases(thread_id), posts, turns, judgment, model, rules)
    return outcome


def follow_severity(cases: list[Case], posts: list[Post], turns: list[Turn], judgment: Judgment | None, model,
                    rules: Rules) -> int:
    """An open case careloop's judgment opened takes the severity the thread now gives it, as listening to the
    whole thread at once would: the thread judgment's where one member talks with the team (it reads every member
    post), the post judged on its own where several members write or the team has not answered. So a case opened
    on the first posts of a thread is as serious as the thread turned out, and the same posts give the same
    severity however they arrived (one import, or post by post, or redone after a crash). Cases opened by hand
    and the moderation lane (severity 0) keep theirs. Returns how many changed."""
    index = {p.id: i for i, p in enumerate(posts)}
    changed = 0
    for case in cases:
        if (case.state not in OPEN_STATES or case.severity <= 0 or case.post_id not in index
                or not case.reasons or not case.reasons[0].startswith(JUDGED_REASON)):
            continue
        if judgment is not None:
            if not judgment.opens or judgment.origin is None or posts[judgment.origin].author_id != case.member_id:
                continue
            now = judgment
        else:
            i = index[case.post_id]
            now = judge_alone(turns[i:i + 1], model, rules.alone_threshold)
            if not now.opens:
                continue
        line = next((r for r in now.reasons if r.startswith(SEVERITY_REASON)), None)
        if now.severity == case.severity or line is None:
            continue
        reasons = [line if r.startswith(SEVERITY_REASON) else r for r in case.reasons]
        update_case(case, severity=now.severity, reasons=reasons)
        changed += 1
    return changed


def consider(post: Post, rules: Rules, moment: Moment, judgment: Judgment | None = None,
             before: list[Turn] | None = None, model=None, *, may_open: bool = True) -> Outcome:
    """One member post: me too, the problem (the thread judgment's origin, or a member's own post judged alone),
    or toxic language. A post judged a problem only alone (`judgment` None) joins or reopens the member's case
    about it; it opens a new one only when `may_open` (the thread is not judged as a whole — several members
    write in it, or the team has not answered yet — or the thread as a whole holds a problem): alone, it never
    overrules the judgment of a one-member thread with the team."""
    outcome = Outcome()
    for case in moment.thread_cases(post.thread_id):
        if (case.post is not None and case.member_id != post.author_id and case.post.created_at < post.created_at
                and case.severity > 0 and find_me_toos(case.post.text, [post.text])):
            outcome.affected += add_affected_member(case, post.author, post)
            return outcome
    own_case = next((c for c in moment.thread_cases(post.thread_id) if c.member_id == post.author_id), None)
    from_thread = judgment is not None
    if judgment is None and before is not None:
        alone = judge_alone(before[-1:], model, rules.alone_threshold)
        if alone.opens:
            judgment = alone
            answered = next((c for c in moment.thread_cases(post.thread_id)
                             if c.member_id != post.author_id and c.post_id == post.parent_id and c.severity > 0), None)
            if answered is not None:  # a problem said in reply to another member's complaint: it joins it
                outcome.affected += add_affected_member(answered, post.author, post)
                return outcome
    if judgment is None:
        toxicity = post.toxicity or 0.0
        if toxicity < rules.toxicity_threshold or own_case is not None:
            return outcome
        from_thread = True  # the moderation lane is judged per post
        judgment = Judgment(toxicity, True, 0, None, [f"toxic language (score {toxicity:.2f}): a moderator should "
                                                      "look; no problem to act on was judged"], "toxicity")
    if own_case is not None:
        if judgment.severity > 0 and not from_thread:
            note_repeat(own_case, post)
            outcome.repeats += 1
        return outcome
    same = same_thing_case(post, rules, moment.member_cases(post.author_id))
    if same is not None:
        note_repeat(same, post)
        outcome.repeats += 1
        return outcome
    resolved = reopenable_case(post, rules, moment.resolved_cases(post.author_id))
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
        moment.not_resolved(resolved)
    if not (from_thread or may_open):
        return outcome
    case = open_for(post, judgment, moment)
    moment.opened(case)
    outcome.opened.append(case)
    return outcome


def open_for(post: Post, judgment: Judgment, moment: Moment) -> Case:
    """A new case for the member's post, with its severity, reasons, origin, summary and risk."""
    at = moment.clock(post.thread.source_id)
    posts = moment.recent(post.thread_id, at)
    origin = find_origin(post, thread=moment.posts_of(post.thread_id))
    risk = complaint_escalation(post, at, graph=moment.graph, posts=posts, people=moment.people)
    reasons = [*judgment.reasons, *origin_reasons(post, origin), *troll_reasons(post, moment)]
    return open_case(
        source=post.source, member=post.author, post=post, thread=post.thread, topic=topic_of(post),
        summary=origin.summary, reasons=[*reasons, *risk_lines(risk)], risk=risk.probability,
        language=post.language, severity=judgment.severity,
    )


TEAM_MOVE_FIELDS = ("id", "thread_id", "author_id", "created_at", "text", "complaint", "sentiment", "scores",
                    "author__id", "author__is_team", "author__display_name", "author__handle", "author__external_id")


def _began_at(case: Case) -> Post:
    """The post a case's story starts at: its origin, else its own post (the cases listening reads have one)."""
    began = case.origin or case.post
    if began is None:
        raise ValueError(f"case {case.pk} has neither a post nor an origin; listening reads only cases with a post")
    return began


def read_team_moves(thread_id: int, moment: Moment, cases: list[Case] | None = None) -> int:
    """The team's public moves onto the thread's open cases (`cases`, when the caller read them): the first public
    reply, whether the member's latest post still waits, a hand-off to private (recorded through the state machine
    as outreach by that team account), and what the member's later public posts say. Returns how many cases
    changed."""
    if cases is None:
        cases = list(Case.objects.filter(thread_id=thread_id, state__in=OPEN_STATES, post__isnull=False)
                     .select_related("post", "origin"))
    if not cases:
        return 0
    held = moment.posts_of(thread_id)
    since = min(_began_at(c).created_at for c in cases)  # nothing before the earliest case counts
    # Only the team's posts and the cases' members' posts are read here: a long thread's others are not asked for.
    posts = ([p for p in held if not p.deleted and p.created_at >= since] if held is not None else
             list(Post.objects.filter(Q(author__is_team=True) | Q(author_id__in={c.member_id for c in cases}),
                                      thread_id=thread_id, deleted=False, created_at__gte=since,
                                      created_at__lte=moment.at)
                  .select_related("author").only(*TEAM_MOVE_FIELDS).order_by("created_at", "id")))
    changed = 0
    for case in cases:
        start = _began_at(case).created_at
        after = [p for p in posts if p.created_at >= start]
        team = [p for p in after if p.author.is_team]
        mine = [p for p in after if p.author_id == case.member_id]
        fields: dict = {}
        if team and case.first_response_at is None:
            fields["first_response_at"] = team[0].created_at
        last_mine = mine[-1] if mine else None
        answered = last_mine is not None and any(p.created_at > last_mine.created_at for p in team)
        waiting = None if answered or last_mine is None else last_mine.created_at
        if waiting != case.waiting_since:
            fields["waiting_since"] = waiting
        later = [p for p in mine if team and p.created_at > team[0].created_at]
        if later:
            last = later[-1]
            outcome = member_outcome(last.text, last.complaint or 0.0, negative_of(last))
            outcome = "" if outcome == "unknown" else outcome
            if outcome != case.public_outcome:
                fields["public_outcome"] = outcome
        if fields:
            update_case(case, **fields)
            changed += 1
        handoff = next((p for p in team if is_handoff(p.text)), None)
        if handoff is not None and case.handed_off_at is None and case.state == CaseState.NEW:
            try:
                transition(case, CaseState.REACHING_OUT, actor_label=f"{handoff.author} (team, in public)",
                           handed_off_in_public=True, post=handoff.pk, channel="dm", text=shorten(handoff.text, 200),
                           fields={"handed_off_at": handoff.created_at, "first_contact_at": handoff.created_at,
                                   "channel": "dm"})
                changed += 1
            except NotAllowed:
                case.refresh_from_db()
    return changed


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
    with_post = [(c, c.post) for c in cases if c.post is not None]
    if not with_post:
        return None
    scores = similarity(post.text, [p.text for _, p in with_post])
    best = max(range(len(with_post)), key=lambda i: scores[i])
    return with_post[best][0] if scores[best] >= rules.same_thing_similarity else None


def reopenable_case(post: Post, rules: Rules, resolved: list[Case] | None = None) -> Case | None:
    """The member's resolved case about the same thing as the post (the same thread, or close wording),
    resolved at most the reopen window before the post was written; the latest resolved when several are.
    (`resolved`: the member's resolved cases, latest closed first, when the caller read them.)"""
    window = rules.reopen_window
    if window <= timedelta(0):
        return None
    if resolved is not None:
        cases = [c for c in resolved if c.closed_at is not None and c.post_id != post.id
                 and post.created_at - window <= c.closed_at <= post.created_at]
    else:
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

    where = "in the same thread" if post.thread_id == case.thread_id else f"in {post.thread}"
    hours = rules.reopen_window.total_seconds() / 3600
    assert case.closed_at is not None, "a resolved case has the time it was closed"
    after = elapsed_in_words(post.created_at - case.closed_at)
    because = (f"{post.author} raised the same thing again {where}, {after} after it was resolved (this source "
               f"reopens within {hours:g} hours): \"{shorten(post.text, QUOTED)}\"")
    try:
        reopen(case, post, actor_label="careloop", because=because, repeat_post=post.pk)
    except NotAllowed:
        case.refresh_from_db()
        return False
    return True


def note_repeat(case: Case, post: Post) -> None:
    where = "in the same thread" if post.thread_id == case.thread_id else f"in {post.thread}"
    record(case, CaseEvent.Kind.NOTE, actor_label="careloop", repeat_post=post.pk,
           text=f"{post.author} raised it again {where}: \"{shorten(post.text, QUOTED)}\"")


def origin_reasons(post: Post, origin) -> list[str]:
    if origin.origin.id == post.id:
        return ["it begins with this post"]
    author = "the team" if origin.origin.author.is_team else str(origin.origin.author)
    return [f"where it began ({origin.reason}): {author}, \"{shorten(origin.origin.text, QUOTED)}\""]


def troll_reasons(post: Post, moment: Moment) -> list[str]:
    """The author's troll signals when they show: for the manager to weigh, never acted on by careloop."""
    signals = moment.trolls.get(moment.people.get(post.author_id, ""))
    if signals is None or signals.score < TROLL_SHOWN:
        return []
    return [f"troll signals {signals.score:.2f} (shown, never acted on automatically): " + "; ".join(signals.reasons)]


def risk_lines(risk: EscalationRisk) -> list[str]:
    return [f"{RISK_PREFIX}{reason}" for reason in risk.reasons]


def refresh_risk(thread_id: int, moment: Moment | None = None, cases: list[Case] | None = None) -> int:
    """Recompute the escalation risk of the thread's open cases (`cases`, when the caller read them; their
    reasons keep the opening part), on the thread's clock (history.py)."""
    if cases is None:
        cases = list(Case.objects.filter(thread_id=thread_id, state__in=OPEN_STATES, post__isnull=False)
                     .select_related("post__author"))
    if not cases:
        return 0
    moment = moment or Moment(timezone.now())
    at = moment.clock(cases[0].source_id)  # imported history is judged as it stood when the data ends
    posts = moment.recent(thread_id, at)
    signals = thread_signals(posts, at) if posts else None  # the thread's own part, the same for each of its cases
    for case in cases:
        if case.post is None:  # the cases read here have their post (post__isnull=False); there is nothing to read
            continue
        risk = complaint_escalation(case.post, at, graph=moment.graph, posts=posts, people=moment.people,
                                    signals=signals)
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
    return (post.thread.title or shorten(post.text, QUOTED))[:200]
