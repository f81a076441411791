"""Receiving is part of the connector interface (issue 14, item 3).

- Every connector kind declares how its posts come in (`receives`); the worker polls the kinds that declare
  POLL, `careloop source sync --follow` streams the ones that declare STREAM, asking that declaration only.
- One view serves every kind that declares WEBHOOK, at the URLs the webhooks always had; a new kind needs no
  view of its own.
- Every way in (webhook, poll, stream, file import) reaches scoring through the one ingest entry point,
  `careloop.connectors.ingest.receive()`.

The test kinds below stand for platforms in the registry's own tests; the real platforms are covered against
a real Synapse, a Discourse-shaped server and signed requests in test_matrix.py, test_discourse.py and
test_webhook.py, and Matrix here too (marked slow).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from careloop.community import json_input
from careloop.community.ingest import ImportResult
from careloop.community.models import Post, Source
from careloop.connectors import base, ingest, views
from careloop.connectors.base import (
    RECEIVE,
    ReceiveOnlyConnector,
    Receiving,
    WebhookDelivery,
    WebhookRefused,
    WebhookRoute,
)
from careloop.connectors.discord.connector import DiscordConnector
from careloop.connectors.discourse.connector import DiscourseConnector
from careloop.connectors.discourse.webhook import sign as discourse_sign
from careloop.connectors.email.connector import EmailConnector
from careloop.connectors.files.connector import FilesConnector, import_files
from careloop.connectors.github.connector import GitHubDiscussionsConnector
from careloop.connectors.mastodon.connector import MastodonConnector
from careloop.connectors.matrix.connector import MatrixConnector
from careloop.connectors.reddit.connector import RedditConnector
from careloop.connectors.slack.connector import SlackConnector
from careloop.connectors.tasks import sync_due_sources, sync_source
from careloop.connectors.urls import webhook_patterns
from careloop.connectors.webhook.connector import WebhookConnector
from careloop.connectors.webhook.signing import sign
from tests.conftest import post
from tests.connectors import discourse_payloads as payloads

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = {"files": FilesConnector, "webhook": WebhookConnector, "matrix": MatrixConnector,
           "discourse": DiscourseConnector, "email": EmailConnector, "mastodon": MastodonConnector,
           "slack": SlackConnector, "discord": DiscordConnector, "reddit": RedditConnector,
           "github": GitHubDiscussionsConnector}
COMPLAINT = "Still no refund after three weeks. This is the worst support I have ever had."


class TidePool(ReceiveOnlyConnector):
    """A polled test platform: the posts waiting on it are handed out by the next sync_once()."""

    kind = "tidepool"
    receives = frozenset({Receiving.POLL})
    waiting: list[dict[str, Any]] = []
    timeouts: list[int] = []

    def check(self) -> str:
        return "a test platform"

    def sync_once(self, timeout_ms: int = 0) -> tuple[list[dict[str, Any]], str]:
        TidePool.timeouts.append(timeout_ms)
        records, TidePool.waiting = TidePool.waiting, []
        return records, f"cursor-{len(TidePool.timeouts)}"


class Brook(TidePool):
    """A test platform that is only streamed (long-poll), never polled by the worker."""

    kind = "brook"
    receives = frozenset({Receiving.STREAM})


class Bell(ReceiveOnlyConnector):
    """A webhook test platform: a shared token in a header, a delivery id, posts in the import format."""

    kind = "bell"
    receives = frozenset({Receiving.WEBHOOK})
    webhook_route = WebhookRoute(prefix="bell/", label="Bell")

    def check(self) -> str:
        return "a test platform"

    def verify_webhook(self, request: HttpRequest, body: bytes) -> None:
        if request.headers.get("X-Bell-Token") != (self.source.settings or {}).get("token"):
            raise WebhookRefused("wrong token")

    def read_webhook(self, request: HttpRequest, body: bytes) -> WebhookDelivery:
        return WebhookDelivery(posts=json_input.split_list(body), delivery_id=request.headers.get("X-Bell-Id", ""),
                               event="ring", duplicate={"again": True})

    def answer_webhook(self, delivery: WebhookDelivery, result: ImportResult) -> tuple[dict[str, Any], int]:
        return {"stored": result.imported + result.updated}, 200


@pytest.fixture
def test_kinds() -> Iterator[None]:
    TidePool.waiting, TidePool.timeouts = [], []
    for connector in (TidePool, Brook, Bell):
        base.register(connector.kind, connector)
    yield
    for connector in (TidePool, Brook, Bell):
        base.unregister(connector.kind)


@pytest.fixture
def entry(monkeypatch) -> list[dict[str, Any]]:
    """Every call of the one ingest entry point, with its options: a spy around the real function."""
    calls: list[dict[str, Any]] = []
    real = ingest.receive

    def spy(lines, **options):
        calls.append(options)
        return real(lines, **options)

    monkeypatch.setattr(ingest, "receive", spy)
    return calls


def scored(source: Source, external_id: str) -> bool:
    stored = Post.objects.get(source=source, external_id=external_id)
    return stored.scored_at is not None and stored.complaint is not None


# ------------------------------------------------------------------------------------------- the declaration
def test_every_registered_kind_declares_how_it_receives():
    kinds = base.registered_kinds()
    assert set(Source.Kind.values) <= set(kinds), "every kind a source can have has a connector"
    for kind in kinds:
        ways = base.receiving(kind)
        assert isinstance(ways, frozenset) and all(isinstance(way, Receiving) for way in ways), kind
    for kind, connector in BUILTIN.items():
        assert base.receiving(kind) == connector.receives, kind
        assert (RECEIVE in connector.capabilities) == bool(connector.receives), kind
        if connector.receives & {Receiving.POLL, Receiving.STREAM}:
            assert callable(getattr(connector, "sync_once", None)), kind
        if Receiving.WEBHOOK in connector.receives:
            assert isinstance(connector.webhook_route, WebhookRoute), kind
            for method in ("verify_webhook", "read_webhook", "answer_webhook"):
                assert callable(getattr(connector, method, None)), (kind, method)
    assert {kind: base.receiving(kind) for kind in BUILTIN} == {
        "files": {Receiving.IMPORT}, "webhook": {Receiving.WEBHOOK}, "matrix": {Receiving.POLL, Receiving.STREAM},
        "discourse": {Receiving.WEBHOOK}, "email": frozenset(), "mastodon": {Receiving.POLL},
        "slack": {Receiving.WEBHOOK}, "discord": {Receiving.POLL}, "reddit": {Receiving.POLL},
        "github": {Receiving.POLL}}
    assert base.kinds_receiving(Receiving.POLL) == ["discord", "github", "mastodon", "matrix", "reddit"]


def test_a_connector_that_does_not_say_how_it_receives_is_not_registered():
    class Silent:
        kind = "silent"
        capabilities = frozenset({RECEIVE})

    class Hooked:
        kind = "hooked"
        receives = frozenset({Receiving.WEBHOOK})

    with pytest.raises(TypeError, match="must declare how it receives"):
        base.register("silent", Silent)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="webhook_route"):
        base.register("hooked", Hooked)  # type: ignore[arg-type]
    assert "silent" not in base.registered_kinds() and "hooked" not in base.registered_kinds()
    base.register("silent", lambda source: FilesConnector(source), receives=frozenset({Receiving.IMPORT}))
    try:  # a plain function choosing between connectors states it when registering (as the demo's does)
        assert base.receiving("silent") == {Receiving.IMPORT}
    finally:
        base.unregister("silent")


# ------------------------------------------------------------------------------------------- poll and stream
def test_the_worker_polls_exactly_the_sources_whose_kind_declares_poll(test_kinds, make_source, entry):
    pool = make_source("tidepool", name="pool")
    off = make_source("tidepool", name="pool-off")
    off.enabled = False
    off.save(update_fields=["enabled"])
    make_source("brook", name="brook")
    make_source("webhook", name="hook", secret="s" * 32)
    make_source("files", name="imported")
    chat = make_source("matrix", name="chat")  # no homeserver: selected, and says why it failed
    TidePool.waiting = [post("w1", source=pool.name, text=COMPLAINT)]

    outcome = sync_due_sources()

    assert set(outcome) == {pool.name, chat.name}
    assert outcome[pool.name] == "imported 1, updated 0, unchanged 0, failed 0"
    assert "no homeserver" in outcome[chat.name]
    assert TidePool.timeouts == [0]  # polled, not held open (CARELOOP_SYNC_TIMEOUT_MS is 0)
    assert scored(pool, "w1")
    assert len(entry) == 1  # the poll's posts went through the one entry point


def test_sync_and_follow_ask_the_declaration(test_kinds, make_source, cli):
    make_source("tidepool", name="pool")
    brook = make_source("brook", name="brook")
    make_source("webhook", name="hook", secret="s" * 32)

    refused = cli("source", "sync", "hook")
    assert refused.exit_code == 1 and "cannot be synced: its posts are sent to careloop by webhook" in refused.output
    refused = cli("source", "sync", "pool", "--follow")
    assert refused.exit_code == 1 and "pool (tidepool) cannot be followed: its posts are polled" in refused.output
    refused = cli("source", "sync", "brook")
    assert refused.exit_code == 1 and "cannot be synced: its posts are streamed" in refused.output
    assert cli("source", "sync", "pool").exit_code == 0
    added = cli("source", "add", "door", "--kind", "webhook", "--set", "note=x")
    assert added.exit_code == 0 and "posts go to POST /hooks/door/ signed with its secret" in added.output

    TidePool.waiting = [post("s1", source=brook.name, text=COMPLAINT)]
    assert sync_source(brook, timeout_ms=250).imported == 1  # what --follow does, one round
    assert TidePool.timeouts[-1] == 250 and scored(brook, "s1")


# ------------------------------------------------------------------------------------------- webhooks
def test_every_webhook_kind_is_served_by_the_one_view_at_the_urls_it_always_had():
    assert base.webhook_routes() == {"discourse": DiscourseConnector.webhook_route,
                                     "slack": SlackConnector.webhook_route,
                                     "webhook": WebhookConnector.webhook_route}
    for path, name, kind in [("/hooks/shop/", "shop", "webhook"), ("/hooks/shop", "shop", "webhook"),
                             ("/hooks/discourse/forum/", "forum", "discourse"),
                             ("/hooks/discourse/forum", "forum", "discourse"),
                             ("/hooks/discourse/", "discourse", "webhook")]:  # a generic source named "discourse"
        match = resolve(path)
        assert match.func is views.receive_webhook, path
        assert match.kwargs == {"source_name": name, "kind": kind}, path
    assert reverse("connectors:webhook", args=["shop"]) == "/hooks/shop/" == WebhookConnector.webhook_route.path("shop")
    assert reverse("connectors:discourse", args=["forum"]) == "/hooks/discourse/forum/"
    assert DiscourseConnector.webhook_route.path("forum") == "/hooks/discourse/forum/"
    hand_written = [n.name for n in ast.walk(ast.parse((ROOT / "careloop/connectors/views.py").read_text()))
                    if isinstance(n, ast.FunctionDef) and any(
                        isinstance(d, ast.Name) and d.id == "csrf_exempt" for d in n.decorator_list)]
    assert hand_written == ["receive_webhook"]


def test_a_new_webhook_kind_is_served_with_no_view_of_its_own(test_kinds, make_source, entry, caplog):
    assert [str(p.pattern) for p in webhook_patterns()][:2] == ["bell/<slug:source_name>/", "bell/<slug:source_name>"]
    assert Bell.webhook_route.path("door") == "/hooks/bell/door/"
    source = make_source("bell", name="door", token="t0ken")
    factory = RequestFactory()

    def ring(body: Any, *, token: str = "t0ken", delivery: str = "d1", name: str = "door"):
        request = factory.post(f"/hooks/bell/{name}/", json.dumps(body), content_type="application/json",
                               headers={"X-Bell-Token": token, "X-Bell-Id": delivery})
        return views.receive_webhook(request, source_name=name, kind="bell")

    with caplog.at_level("WARNING", logger="careloop.connectors.webhooks"):
        refused = ring(post("b1", source=source.name), token="guess")
    assert refused.status_code == 401 and json.loads(refused.content) == {"error": "wrong token"}
    assert "refused" in caplog.text and not Post.objects.filter(source=source).exists()
    missing = ring(post("b1"), name="nobody")
    assert missing.status_code == 404
    assert "no enabled Bell source named 'nobody'" in json.loads(missing.content)["error"]

    answer = ring(post("b1", source=source.name, text=COMPLAINT))
    assert answer.status_code == 200 and json.loads(answer.content) == {"stored": 1}
    assert scored(source, "b1") and len(entry) == 1
    again = ring(post("b1", source=source.name, text="changed on the way"))  # the same delivery id
    assert json.loads(again.content) == {"again": True} and len(entry) == 1
    assert Post.objects.get(source=source, external_id="b1").text == COMPLAINT
    source.refresh_from_db()
    assert source.last_success_at is not None


# ------------------------------------------------------------------------------------------- one entry point
def test_a_generic_webhook_post_is_scored_through_the_entry_point(make_source, entry):
    source = make_source("webhook", name="shop", secret="s" * 32)
    raw = json.dumps(post("r1", source=source.name, text=COMPLAINT)).encode()
    response = Client().post("/hooks/shop/", raw, content_type="application/json", headers=sign("s" * 32, raw))
    assert response.status_code == 200, response.content
    assert len(entry) == 1 and scored(source, "r1")


def test_a_discourse_post_is_scored_through_the_entry_point_and_a_topic_needs_none(make_source, entry):
    source = make_source("discourse", name="forum", base_url="http://127.0.0.1:9", webhook_secret="d" * 32)

    def deliver(body: dict, event: str, event_id: int):
        raw = json.dumps(body).encode()
        return Client().post("/hooks/discourse/forum/", raw, content_type="application/json", headers={
            "X-Discourse-Event": event, "X-Discourse-Event-Id": str(event_id),
            "X-Discourse-Event-Type": next(iter(body)), "X-Discourse-Event-Signature": discourse_sign("d" * 32, raw)})

    assert deliver(payloads.TOPIC_CREATED, "topic_created", 1).status_code == 200
    assert entry == []  # a topic brings no post
    assert deliver(payloads.post(1201, raw=COMPLAINT), "post_created", 2).status_code == 200
    assert len(entry) == 1 and scored(source, "1201")


@pytest.mark.django_db
def test_a_file_import_is_scored_through_the_entry_point(cli, write_jsonl, entry):
    path = write_jsonl([post(1, source="lake", text=COMPLAINT), post(2, source="lake", parent="1")])
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert len(entry) == 1 and entry[0]["gather"] is False  # each batch announced at once: the command ends soon
    assert scored(Source.objects.get(name="lake"), "1")
    stored: list[int] = []
    again = import_files([str(write_jsonl([post(3, source="lake")], "more.jsonl"))],
                         on_stored=lambda new, changed: stored.extend(new))
    assert again.imported == 1 and len(entry) == 2
    assert stored == [Post.objects.get(external_id="3").id] and scored(Source.objects.get(name="lake"), "3")


def test_only_the_entry_point_feeds_an_importer():
    """Every receiver goes through ingest.receive(); the demo's seed is the one other Importer: it stores the
    generated community, scores it in hand and replays its 60 days (careloop/demo/seed.py)."""
    feeding = []
    for path in sorted((ROOT / "careloop").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Importer":
                feeding.append(str(path.relative_to(ROOT)))
    assert sorted(feeding) == ["careloop/connectors/ingest.py", "careloop/demo/seed.py"]


@pytest.mark.slow
def test_a_matrix_sync_is_scored_through_the_entry_point(world, entry):
    sync_source(world.source)  # joins the room
    complaint = world.alice.say(world.room, COMPLAINT, "t1")
    assert sync_source(world.source).imported >= 1
    assert entry and scored(world.source, complaint)
