"""GET /metrics (issue 17, Operations): Prometheus' text format, figures read from the database and the heartbeat,
off until CARELOOP_METRICS_TOKEN is set and refused without it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careloop.cases.models import Case, CaseState, OutboxMessage
from careloop.community.models import Member, Post, Source, Thread
from careloop.health.metrics import CONTENT_TYPE, Family, metrics_text, render
from careloop.health.models import WorkerHeartbeat

TOKEN = "s3cret-metrics-token"

# The text format 0.0.4, line by line (https://prometheus.io/docs/instrumenting/exposition_formats/).
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
LABELS = rf"\{{(?:[a-zA-Z_][a-zA-Z0-9_]*={LABEL_VALUE}(?:,[a-zA-Z_][a-zA-Z0-9_]*={LABEL_VALUE})*)?\}}"
VALUE = r"(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN)"
SAMPLE_RE = re.compile(rf"^(?P<name>{NAME})(?P<labels>{LABELS})? (?P<value>{VALUE})$")
HELP_RE = re.compile(rf"^# HELP (?P<name>{NAME}) (?:[^\\\n]|\\[\\n])*$")
TYPE_RE = re.compile(rf"^# TYPE (?P<name>{NAME}) (?P<kind>counter|gauge|histogram|summary|untyped)$")
PAIR_RE = re.compile(rf"([a-zA-Z_][a-zA-Z0-9_]*)=({LABEL_VALUE})")


def parse(text: str) -> dict[str, dict]:
    """Strictly parse the text format: {family: {"type", "help", "samples": {(name, labels): value}}}. Fails on any
    line that is not HELP, TYPE or a sample of the family last typed, and on a sample seen twice."""
    assert text.endswith("\n")
    families: dict[str, dict] = {}
    current = None
    for line in text[:-1].split("\n"):
        if m := HELP_RE.match(line):
            current = families.setdefault(m["name"], {"samples": {}})
            assert "help" not in current, line
            current["help"] = line.split(" ", 3)[3]
        elif m := TYPE_RE.match(line):
            assert m["name"] in families and "type" not in families[m["name"]], line
            families[m["name"]]["type"] = m["kind"]
        else:
            m = SAMPLE_RE.match(line)
            assert m, f"not a sample line: {line!r}"
            name = m["name"]
            assert current is not None
            family = name if name in families else name.rsplit("_", 1)[0]  # a histogram's _bucket, _sum, _count
            assert family in families and families[family] is current, f"{name} outside its family: {line!r}"
            if family != name:
                assert current["type"] in ("histogram", "summary") and name[len(family):] in (
                    "_bucket", "_sum", "_count"), line
            elif current["type"] == "counter":
                assert name.endswith("_total"), line
            labels = tuple(sorted((k, bytes(v[1:-1], "utf-8").decode("unicode_escape"))
                                  for k, v in PAIR_RE.findall(m["labels"] or "")))
            assert (name, labels) not in current["samples"], f"twice: {line!r}"
            current["samples"][(name, labels)] = float(m["value"])
    return families


def value(families: dict, family: str, name: str | None = None, **labels: str) -> float:
    return families[family]["samples"][(name or family, tuple(sorted(labels.items())))]


def get(client: Client, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.get("/metrics", **headers)


@pytest.fixture
def token(settings):
    settings.CARELOOP_METRICS_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def community(db):
    """Two sources; forum: 5 posts (2 not scored, 1 scored not listened, 2 listened), chat "a\"b": 1 listened."""
    now = timezone.now()
    forum = Source.objects.create(name="forum")
    chat = Source.objects.create(name="chat-x", display_name='the "chat"')
    posts = []
    for source, n in ((forum, 5), (chat, 1)):
        member = Member.objects.create(source=source, external_id="m1")
        thread = Thread.objects.create(source=source, external_id="t1")
        for i in range(n):
            posts.append(Post.objects.create(source=source, external_id=str(i), thread=thread, author=member,
                                             created_at=now - timedelta(seconds=150 - len(posts)),
                                             text=f"post {i}"))
    stored = now - timedelta(seconds=120)
    Post.objects.update(imported_at=stored, updated_at=stored)
    # forum 0, 1: waiting for scoring; 2: scored 0.3 s after storing, not listened; 3, 4 and chat 0: listened 2 s on
    Post.objects.filter(id__in=[p.id for p in posts[2:]]).update(scored_at=stored + timedelta(seconds=0.3))
    Post.objects.filter(id__in=[p.id for p in posts[3:]]).update(listened_at=stored + timedelta(seconds=2.3))
    return {"now": now, "forum": forum, "chat": chat, "posts": posts, "stored": stored}


@pytest.fixture
def cases(community):
    now, forum = community["now"], community["forum"]
    member = Member.objects.get(source=forum)
    opened = now - timedelta(hours=10)
    made = {}
    for name, state, contact in (("a", CaseState.NEW, None), ("b", CaseState.NEW, None),
                                 ("c", CaseState.ACTING, timedelta(hours=2)),
                                 ("d", CaseState.RESOLVED, timedelta(hours=5))):
        made[name] = Case.objects.create(source=forum, member=member, state=state, opened_at=opened,
                                         first_contact_at=opened + contact if contact else None)
    for i, (status, channel, error) in enumerate((("sent", "dm", ""), ("sent", "dm", ""), ("sent", "email", ""),
                                                  ("queued", "dm", "timeout"), ("queued", "email", ""),
                                                  ("failed", "dm", "refused"), ("unsure", "email", "crash"))):
        OutboxMessage.objects.create(case=made["c"], purpose="outreach", channel=channel, body="hi",
                                     idempotency_key=f"k{i}", status=status, last_error=error,
                                     created_at=now, next_attempt_at=now)
    return made


# --------------------------------------------------------------------------------------------------------- access
def test_metrics_are_off_without_a_token(client, community, settings):
    settings.CARELOOP_METRICS_TOKEN = ""
    assert get(client).status_code == 404
    assert get(client, token=None).status_code == 404


def test_metrics_refuse_a_request_without_the_token(client, community, token):
    for given in (None, "", "wrong", TOKEN + "x"):
        response = get(client, given)
        assert response.status_code == 401, given
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"forum" not in response.content
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}")
    assert response.status_code == 401
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_metrics_with_the_token_are_prometheus_text(client, cases, token):
    response = get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE == "text/plain; version=0.0.4; charset=utf-8"
    families = parse(response.content.decode())
    for name, family in families.items():
        assert name.startswith("careloop_") and family["type"] and family["help"], name


def test_the_figures_match_the_database(client, cases, token):
    families = parse(get(client).content.decode())
    assert families["careloop_posts_total"]["type"] == "counter"
    assert value(families, "careloop_posts_total", source="forum") == 5
    assert value(families, "careloop_posts_total", source="chat-x") == 1
    assert value(families, "careloop_posts_scored_total") == 4
    assert value(families, "careloop_posts_waiting_for_scoring") == 2
    assert value(families, "careloop_posts_waiting_for_listening") == 1
    assert 115 < value(families, "careloop_listen_lag_seconds") < 200  # stored 120 s ago, still waiting
    for state in CaseState.values:
        assert value(families, "careloop_cases", state=state) == {"new": 2, "acting": 1, "resolved": 1}.get(state, 0)
    assert value(families, "careloop_cases_waiting_first_contact") == 2
    messages = {dict(labels)["status"] + "/" + dict(labels)["channel"]: v
                for (_, labels), v in families["careloop_messages_total"]["samples"].items()}
    assert messages == {"sent/dm": 2, "sent/email": 1, "queued/dm": 1, "queued/email": 1, "failed/dm": 1,
                        "unsure/email": 1, "sending/": 0, "cancelled/": 0}
    assert value(families, "careloop_message_errors_total") == 2
    assert value(families, "careloop_messages_retrying") == 1
    assert value(families, "careloop_source_failing", source="forum") == 0


def test_the_stage_latency_histograms(client, cases, token):
    families = parse(get(client).content.decode())
    hist = families["careloop_post_stage_seconds"]
    assert hist["type"] == "histogram" and "last 300 s" in hist["help"]

    def stage(name: str, suffix: str, **labels: str) -> float:
        return value(families, "careloop_post_stage_seconds", f"careloop_post_stage_seconds{suffix}",
                     stage=name, **labels)

    assert stage("stored_to_scored", "_count") == 4
    assert stage("stored_to_scored", "_sum") == pytest.approx(1.2)
    assert stage("stored_to_scored", "_bucket", le="0.25") == 0
    assert stage("stored_to_scored", "_bucket", le="0.5") == 4
    assert stage("stored_to_scored", "_bucket", le="+Inf") == 4
    assert stage("scored_to_listened", "_count") == 3
    assert stage("scored_to_listened", "_bucket", le="1.0") == 0
    assert stage("scored_to_listened", "_bucket", le="2.5") == 3
    assert stage("stored_to_listened", "_sum") == pytest.approx(6.9)
    buckets = [v for (name, labels), v in hist["samples"].items()
               if name.endswith("_bucket") and ("stage", "stored_to_listened") in labels]
    assert buckets == sorted(buckets)  # cumulative
    first = "careloop_case_first_contact_seconds"
    assert value(families, first, f"{first}_count") == 2
    assert value(families, first, f"{first}_sum") == pytest.approx(7 * 3600)
    assert value(families, first, f"{first}_bucket", le="14400.0") == 1


def test_posts_outside_the_window_are_not_in_the_histograms(client, community, token, settings):
    Post.objects.update(created_at=timezone.now() - timedelta(hours=2))
    settings.CARELOOP_METRICS_WINDOW = 3600
    families = parse(get(client).content.decode())
    assert value(families, "careloop_post_stage_seconds", "careloop_post_stage_seconds_count",
                 stage="stored_to_scored") == 0
    assert value(families, "careloop_posts_waiting_for_scoring") == 2  # the counts are not windowed


def test_the_histograms_read_the_latest_posts_of_the_window_only(client, community, token, monkeypatch):
    from careloop.health import metrics

    monkeypatch.setattr(metrics, "WINDOW_POSTS", 3)  # the latest three: forum 3 and 4, chat 0, all listened
    families = parse(get(client).content.decode())
    for stage in ("stored_to_scored", "scored_to_listened", "stored_to_listened"):
        assert value(families, "careloop_post_stage_seconds", "careloop_post_stage_seconds_count", stage=stage) == 3
    assert "the latest 3 of them" in families["careloop_post_stage_seconds"]["help"]
    assert value(families, "careloop_posts_waiting_for_scoring") == 2  # the counts are not capped


def test_nothing_waiting_is_no_lag(client, community, token):
    Post.objects.update(scored_at=timezone.now(), listened_at=timezone.now())
    families = parse(get(client).content.decode())
    assert value(families, "careloop_listen_lag_seconds") == 0
    assert value(families, "careloop_posts_waiting_for_scoring") == 0


def test_queues_and_worker_come_from_the_freshest_heartbeat(client, community, token):
    families = parse(get(client).content.decode())
    assert families["careloop_worker_heartbeat_age_seconds"]["samples"] == {}  # never seen: no sample
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker="old:1", seen_at=now - timedelta(hours=1), started_at=now,
                                   queues={"careloop": {"waiting": 99, "oldest_task_age": 999.0}})
    WorkerHeartbeat.objects.create(worker="host-b:2", seen_at=now - timedelta(seconds=4), started_at=now,
                                   queues={"careloop": {"waiting": 7, "oldest_task_age": 12.5},
                                           "other": {"waiting": 0, "oldest_task_age": None},
                                           "broken": {"waiting": None, "oldest_task_age": None,
                                                      "error": "ConnectionError"}})
    WorkerHeartbeat.objects.create(worker="host-c:3", seen_at=now - timedelta(seconds=9), started_at=now,
                                   queues={"careloop": {"waiting": 50, "oldest_task_age": 70.0},
                                           "second": {"waiting": 3, "oldest_task_age": 1.5}})
    families = parse(get(client).content.decode())
    assert 3.5 < value(families, "careloop_worker_heartbeat_age_seconds") < 30
    assert value(families, "careloop_workers_alive") == 2
    assert value(families, "careloop_queue_waiting", queue="second") == 3  # another queue, from another worker
    assert value(families, "careloop_queue_waiting", queue="careloop") == 7
    assert value(families, "careloop_queue_oldest_task_seconds", queue="careloop") == 12.5
    assert value(families, "careloop_queue_oldest_task_seconds", queue="other") == 0
    assert value(families, "careloop_queue_readable", queue="broken") == 0
    assert ("careloop_queue_waiting", (("queue", "broken"),)) not in families["careloop_queue_waiting"]["samples"]


def test_label_values_and_help_are_escaped():
    family = Family("careloop_x", "gauge", "a help\\text\nwith a newline")
    family.add(1, source='a "quoted" \\ name\nnext line')
    family.add(float("inf"), source="b")
    text = render([family])
    assert text.count("\n") == 4
    families = parse(text)
    assert value(families, "careloop_x", source='a "quoted" \\ name\nnext line') == 1
    assert value(families, "careloop_x", source="b") == float("inf")


def test_a_scrape_is_a_few_aggregate_queries(cases, token):
    with CaptureQueriesContext(connection) as queries:
        metrics_text()
    assert len(queries) <= 20
    assert not any("LIMIT 21" in q["sql"] for q in queries)  # no listing of rows


def test_the_text_parses_with_prometheus_client(client, cases, token):
    parser = pytest.importorskip("prometheus_client.parser")
    text = get(client).content.decode()
    names = {family.name: family for family in parser.text_string_to_metric_families(text)}
    assert not [name for name, family in names.items() if family.type in ("unknown", "untyped")]  # all as typed
    assert names["careloop_posts"].type == "counter"
    assert names["careloop_post_stage_seconds"].type == "histogram"
    assert {s.labels["source"]: s.value for s in names["careloop_posts"].samples} == {"forum": 5, "chat-x": 1}


def test_the_operator_guide_lists_every_metric(client, cases, token):
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "operator-guide.md").read_text()
    section = guide.split("### Metrics\n", 1)[1].split("\n### ", 1)[0]
    documented = set(re.findall(r"^\| `(careloop_[a-z_]+)` \|", section, re.M))
    WorkerHeartbeat.objects.create(worker="h:1", seen_at=timezone.now(), started_at=timezone.now(),
                                   queues={"careloop": {"waiting": 0, "oldest_task_age": None}})
    assert documented == set(parse(get(client).content.decode()))
    assert "scrape_configs:" in section and "credentials_file:" in section
