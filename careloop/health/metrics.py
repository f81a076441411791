"""careloop's figures for Prometheus (GET /metrics, docs/operator-guide.md, "Metrics"), in the text exposition format
0.0.4.

Every figure is read from the database at scrape time — the stored posts, cases and outbox messages, and the freshest
worker heartbeat (careloop.health.heartbeat) — never counted in a process: any web node answers the same, whatever
process or host did the work, and nothing resets when a process restarts. The queries are aggregates that the
indexes serve (the partial post_unscored and post_unlistened indexes for what waits, post_time for the latency
window, case_queue for the cases per state), so a scrape stays cheap on a million posts.

Counts of stored rows that only grow (posts stored, posts scored) are counters; counts by state or status, which
move between labels, are gauges. Latency is a histogram over a recent window of stored timestamps (not a running
total): its _count and _sum fall as old posts leave the window, so read its quantiles (histogram_quantile over the
buckets as they are), not rate() of it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Aggregate, Count, F, FloatField, Func, Min, Q, Sum
from django.utils import timezone

from careloop.cases.models import Case, CaseState, OutboxMessage
from careloop.community.models import Post, Source
from careloop.health.models import WorkerHeartbeat, stale_after

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds: from a fast path's tenth of a second to an hour behind.
POST_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
# Seconds: from a quarter of an hour to a week (the first-contact target is CARELOOP_SLA_FIRST_CONTACT hours).
CASE_BUCKETS = (900.0, 3600.0, 4 * 3600.0, 8 * 3600.0, 24 * 3600.0, 48 * 3600.0, 72 * 3600.0, 7 * 24 * 3600.0)
WINDOW_POSTS = 10_000  # the latency histograms read at most this many of the window's latest posts
NAME_RE = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


@dataclass
class Family:
    """One metric: its name, type, help text and samples (suffix, labels, value)."""

    name: str
    kind: str  # counter, gauge or histogram
    help: str
    samples: list[tuple[str, dict[str, str], float]] = field(default_factory=list)

    def add(self, value: float, suffix: str = "", **labels: str) -> None:
        self.samples.append((suffix, labels, value))


# ------------------------------------------------------------------------------------------------ the text format
def _escape_label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


def render(families: list[Family]) -> str:
    """The families in Prometheus' text format 0.0.4: # HELP, # TYPE, then one line per sample."""
    lines = []
    for family in families:
        assert NAME_RE.match(family.name), family.name  # noqa: S101 - our own names, checked in the tests too
        lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for suffix, labels, value in family.samples:
            text = ",".join(f'{key}="{_escape_label(val)}"' for key, val in labels.items())
            lines.append(f"{family.name}{suffix}{{{text}}} {_number(value)}" if text else
                         f"{family.name}{suffix} {_number(value)}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ the figures
def _histogram(family: Family, rows, buckets: tuple[float, ...], key: str, **labels: str) -> None:
    """Add one histogram's samples from an aggregate row holding {key}_le{i}, {key}_count and {key}_sum."""
    for i, bound in enumerate(buckets):
        family.add(rows[f"{key}_le{i}"] or 0, "_bucket", **labels, le=_number(bound))
    count = rows[f"{key}_count"] or 0
    family.add(count, "_bucket", **labels, le="+Inf")
    family.add(round(float(rows[f"{key}_sum"] or 0.0), 3), "_sum", **labels)
    family.add(count, "_count", **labels)


class Seconds(Func):
    """later - earlier in seconds, in the database's own arithmetic. Django's datetime subtraction runs a Python
    function per row and per use on SQLite (each bucket uses it again): seconds a scrape on a busy window; julianday
    is SQLite's own (its text dates count to the millisecond, enough for buckets from 50 ms)."""

    arity = 2
    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM (%(expressions)s))::double precision"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s)) * 86400.0)",
                           arg_joiner=") - julianday(", **extra)


def _latency(key: str, later: str, earlier: str, buckets: tuple[float, ...]) -> tuple[dict, dict]:
    """(the annotation, the aggregates) of a histogram of (later - earlier) over the rows where both are set: one
    count per bucket, the count and the sum, all in the one aggregate query."""
    span = f"{key}_span"
    done = Q(**{f"{later}__isnull": False, f"{earlier}__isnull": False})
    aggregates: dict[str, Aggregate] = {f"{key}_le{i}": Count("id", filter=done & Q(**{f"{span}__lte": bound}))
                  for i, bound in enumerate(buckets)}
    aggregates[f"{key}_count"] = Count("id", filter=done)
    aggregates[f"{key}_sum"] = Sum(span, filter=done)
    return {span: Seconds(F(later), F(earlier))}, aggregates


POST_STAGES = (  # (stage label, later field, earlier field)
    ("stored_to_scored", "scored_at", "imported_at"),
    ("scored_to_listened", "listened_at", "scored_at"),
    ("stored_to_listened", "listened_at", "imported_at"),
)


def _post_families(now: datetime) -> list[Family]:
    window = settings.CARELOOP_METRICS_WINDOW
    names = dict(Source.objects.values_list("id", "name"))
    per_source = dict(Post.objects.order_by().values_list("source_id").annotate(n=Count("id")))
    waiting_scoring = Post.objects.filter(scored_at__isnull=True).count()  # post_unscored
    waiting_listening = Post.objects.filter(scored_at__isnull=False, listened_at__isnull=True)  # post_unlistened
    waiting_listening_count = waiting_listening.count()
    # Since the post was stored or its text last changed (an edit resets its scores): updated_at, which scoring
    # and listening do not touch. A post dated ahead is not listened to before its time: not waited for yet.
    oldest = [Post.objects.filter(scored_at__isnull=True).aggregate(at=Min("updated_at"))["at"],
              waiting_listening.filter(created_at__lte=now).aggregate(at=Min("updated_at"))["at"]]
    oldest = [at for at in oldest if at is not None]
    lag = max(0.0, (now - min(oldest)).total_seconds()) if oldest else 0.0

    stored = Family("careloop_posts_total", "counter", "Posts stored, per source (rows in the database).")
    for source_id, name in sorted(names.items(), key=lambda item: item[1]):
        stored.add(per_source.get(source_id, 0), source=name)
    total = sum(per_source.values())
    scored = Family("careloop_posts_scored_total", "counter", "Posts stored that carry their scores (stored minus "
                    "waiting for scoring; an edited post's text is scored again).")
    scored.add(max(0, total - waiting_scoring))
    w_score = Family("careloop_posts_waiting_for_scoring", "gauge", "Posts stored but not scored yet.")
    w_score.add(waiting_scoring)
    w_listen = Family("careloop_posts_waiting_for_listening", "gauge",
                      "Posts scored but not listened to yet (their thread not analysed, no case opened from them).")
    w_listen.add(waiting_listening_count)
    lag_family = Family("careloop_listen_lag_seconds", "gauge",
                        "Age of the oldest post waiting to be scored or listened to, since it was stored or its text "
                        "last changed (0: nothing waits).")
    lag_family.add(round(lag, 3))

    spans: dict[str, Seconds] = {}
    aggregates: dict[str, Aggregate] = {}
    for stage, later, earlier in POST_STAGES:
        span, counts = _latency(stage, later, earlier, POST_BUCKETS)
        spans, aggregates = spans | span, aggregates | counts
    # The latest WINDOW_POSTS posts of the window at most (post_time, read backwards): a scrape costs the same at
    # 200 posts/s as at 2.
    # Aggregated over the sliced query itself (Django puts the LIMIT in a subquery): `id IN (the latest ids)` has
    # PostgreSQL hash the whole table.
    rows = (Post.objects.filter(created_at__gte=now - timedelta(seconds=window), created_at__lte=now)
            .order_by("-created_at").annotate(**spans)[:WINDOW_POSTS].aggregate(**aggregates))
    latency = Family("careloop_post_stage_seconds", "histogram",
                     f"Seconds each post took per stage, over the posts dated in the last {window:g} s "
                     f"(CARELOOP_METRICS_WINDOW; the latest {WINDOW_POSTS} of them at most): stored_to_scored (stored, "
                     "imported_at, to scored_at), scored_to_listened (scored_at to listened_at), stored_to_listened "
                     "(the whole way).")
    for stage, _, _ in POST_STAGES:
        _histogram(latency, rows, POST_BUCKETS, stage, stage=stage)
    return [stored, scored, w_score, w_listen, lag_family, latency]


def _case_families(now: datetime) -> list[Family]:
    window = settings.CARELOOP_METRICS_CASE_WINDOW
    per_state = dict(Case.objects.order_by().values_list("state").annotate(n=Count("id")))  # case_queue
    cases = Family("careloop_cases", "gauge", "Cases per state, now.")
    for state in CaseState.values:
        cases.add(per_state.get(state, 0), state=state)
    span, counts = _latency("first_contact", "first_contact_at", "opened_at", CASE_BUCKETS)
    rows = Case.objects.filter(opened_at__gte=now - timedelta(seconds=window)).annotate(**span).aggregate(**counts)
    contact = Family("careloop_case_first_contact_seconds", "histogram",
                     f"Seconds from a case opened to its first contact with the member, over the cases opened in the "
                     f"last {window:g} s (CARELOOP_METRICS_CASE_WINDOW) that have had it.")
    _histogram(contact, rows, CASE_BUCKETS, "first_contact")
    waiting = Family("careloop_cases_waiting_first_contact", "gauge",
                     "Open cases (new, reaching out) with no first contact yet.")
    waiting.add(Case.objects.filter(state__in=(CaseState.NEW, CaseState.REACHING_OUT),
                                    first_contact_at__isnull=True).count())
    return [cases, contact, waiting]


def _message_families() -> list[Family]:
    Status = OutboxMessage.Status
    rows = (OutboxMessage.objects.order_by().values_list("status", "channel").annotate(n=Count("id")))
    counts: dict[tuple[str, str], int] = {}
    for status, channel, n in rows:
        counts[(status, channel)] = n
    messages = Family("careloop_messages_total", "gauge",
                      "Outbox messages per status and channel, now (status=\"sent\": sent; a message moves from "
                      "queued to sending to sent, failed or unsure).")
    for status in Status.values:  # every status present, so a rule on one finds a zero rather than nothing
        if not any(s == status for s, _ in counts):
            counts[(status, "")] = 0
    for (status, channel), n in sorted(counts.items()):
        messages.add(n, status=status, channel=channel)
    by_status = {s: sum(n for (st, _), n in counts.items() if st == s) for s in Status.values}
    errors = Family("careloop_message_errors_total", "gauge",
                    "Outbox messages that ended in an error a person must look at: failed (refused, or gave up after "
                    "CARELOOP_OUTBOX_MAX_ATTEMPTS) or unsure (the send may have happened). A retry moves them back.")
    errors.add(by_status[Status.FAILED] + by_status[Status.UNSURE])
    retrying = Family("careloop_messages_retrying", "gauge",
                      "Queued outbox messages whose last attempt failed for now (waiting for their next attempt).")
    retrying.add(OutboxMessage.objects.filter(status=Status.QUEUED).exclude(last_error="").count())
    return [messages, errors, retrying]


def _source_families() -> list[Family]:
    failing = Family("careloop_source_failing", "gauge",
                     "1 when the source's last connector error is newer than its last success, else 0.")
    for name, error_at, success_at in Source.objects.order_by("name").values_list(
            "name", "last_error_at", "last_success_at"):
        failing.add(int(bool(error_at and (not success_at or error_at > success_at))), source=name)
    return [failing]


def _queues_seen(beats: Sequence[Mapping[str, Any]]) -> dict[str, dict]:
    """Per queue, what the freshest heartbeat that reports it saw (workers of one database may serve several
    queues, CARELOOP_QUEUE_NAME)."""
    queues: dict[str, dict] = {}
    for beat in beats:
        for name, queue in (beat["queues"] or {}).items():
            queues.setdefault(name, queue)
    return queues


def _worker_families(now: datetime) -> list[Family]:
    heartbeats = WorkerHeartbeat.objects.order_by("-seen_at").values("seen_at", "queues")
    # The live workers' heartbeats; when none is live, the freshest (what /health reports too).
    beats = list(heartbeats.filter(seen_at__gt=now - stale_after())) or list(heartbeats[:1])
    age = Family("careloop_worker_heartbeat_age_seconds", "gauge",
                 "Seconds since the freshest worker heartbeat (no sample: no worker has ever started).")
    alive = Family("careloop_workers_alive", "gauge", "Worker processes whose heartbeat is fresher than "
                   "CARELOOP_HEALTH_HEARTBEAT_STALE seconds.")
    alive.add(sum(1 for beat in beats if beat["seen_at"] > now - stale_after()))
    waiting = Family("careloop_queue_waiting", "gauge",
                     "Tasks waiting in the queue, as the freshest worker heartbeat that reports the queue saw it.")
    oldest = Family("careloop_queue_oldest_task_seconds", "gauge",
                    "How long the oldest task waiting in the queue had waited, at the freshest heartbeat that "
                    "reports it (0: none waiting; no sample: not known).")
    readable = Family("careloop_queue_readable", "gauge",
                      "1 when the worker of that heartbeat could read the queue, 0 when it could not (Redis down).")
    if beats:
        age.add(round(max(0.0, (now - beats[0]["seen_at"]).total_seconds()), 3))
        for name, queue in sorted(_queues_seen(beats).items()):
            readable.add(0 if queue.get("error") else 1, queue=name)
            if queue.get("waiting") is not None:
                waiting.add(queue["waiting"], queue=name)
            if queue.get("oldest_task_age") is not None:
                oldest.add(queue["oldest_task_age"], queue=name)
            elif queue.get("waiting") == 0:
                oldest.add(0, queue=name)
    return [age, alive, waiting, oldest, readable]


def collect(now: datetime | None = None) -> list[Family]:
    now = timezone.now() if now is None else now
    return (_post_families(now) + _case_families(now) + _message_families() + _source_families()
            + _worker_families(now))


def metrics_text(now: datetime | None = None) -> str:
    return render(collect(now))
