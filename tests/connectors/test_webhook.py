"""The generic webhook: signed posts in the import format; bad signatures, replays and duplicates refused."""

from __future__ import annotations

import json
import logging
import time

import pytest
from django.test import Client

from careloop.community.models import Post
from careloop.connectors.webhook.signing import sign
from tests.conftest import post

SECRET = "webhook-secret-0123456789abcdef"
COMPLAINT = "Still no refund after three weeks. This is the worst support I have ever had."


@pytest.fixture
def source(make_source):
    return make_source("webhook", name="shop-reviews", secret=SECRET)


@pytest.fixture
def hook(source):
    client = Client(enforce_csrf_checks=True)

    def send(body, *, secret: str = SECRET, timestamp: int | None = None, headers: dict | None = None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        signed = sign(secret, raw, timestamp)
        return client.post(f"/hooks/{source.name}/", raw, content_type="application/json",
                           headers={**signed, **(headers or {})})

    return send


def test_a_signed_post_is_stored_and_scored(hook, source):
    response = hook(post("r1", source=source.name, text=COMPLAINT))
    assert response.status_code == 200, response.content
    assert response.json()["imported"] == 1
    stored = Post.objects.get(source=source, external_id="r1")
    assert stored.text == COMPLAINT and stored.scored_at is not None and stored.complaint is not None
    source.refresh_from_db()
    assert source.last_success_at is not None


def test_a_list_of_posts_and_posts_without_a_source_field(hook, source):
    records = [post("a", source=source.name), post("b", parent="a", source=source.name)]
    del records[1]["source"]
    assert hook(records).json() == {"imported": 2, "updated": 0, "unchanged": 0, "failed": 0, "errors": []}
    assert Post.objects.get(source=source, external_id="b").parent.external_id == "a"


def test_a_duplicate_is_stored_once(hook, source):
    body = post("r1", source=source.name, text=COMPLAINT)
    hook(body, timestamp=int(time.time()) - 1)
    assert hook(body).json()["unchanged"] == 1  # signed anew: a new request, with nothing new in it
    assert Post.objects.filter(source=source).count() == 1


def test_a_replay_within_the_five_minutes_is_ignored_and_cannot_revert_a_post(source):
    """The same signed request again (same timestamp, same body) is recognised by its signature, which is
    stored for the length of the window like the Discourse receiver's event ids."""
    client = Client()
    first = json.dumps(post("r1", source=source.name, text="Order 1234 never arrived.")).encode()
    first_headers = sign(SECRET, first, int(time.time()) - 60)

    def send(raw: bytes, headers: dict):
        return client.post(f"/hooks/{source.name}/", raw, content_type="application/json", headers=headers)

    assert send(first, first_headers).json()["imported"] == 1
    edited = json.dumps(post("r1", source=source.name, text="Order 1234 arrived, thanks!")).encode()
    assert send(edited, sign(SECRET, edited)).json()["updated"] == 1
    replay = send(first, first_headers)  # captured on the way and sent again within the window
    assert replay.status_code == 200 and "received before" in replay.json()["duplicate"]
    assert Post.objects.get(source=source, external_id="r1").text == "Order 1234 arrived, thanks!"


def test_a_request_that_failed_can_be_sent_again(hook, source, monkeypatch):
    import careloop.connectors.views as views

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    body = post("r1", source=source.name, text=COMPLAINT)
    stamp = int(time.time())
    monkeypatch.setattr(views, "ingest_posts", broken)
    with pytest.raises(RuntimeError):
        hook(body, timestamp=stamp)
    monkeypatch.undo()
    assert hook(body, timestamp=stamp).json()["imported"] == 1  # the same request, after the failure


def test_a_wrong_signature_is_refused_with_401_and_logged_without_the_body(hook, source, caplog):
    with caplog.at_level(logging.WARNING, logger="careloop.connectors.webhooks"):
        response = hook(post("r1", source=source.name, text=COMPLAINT), secret="guessed")
    assert response.status_code == 401 and "wrong signature" in response.json()["error"]
    assert not Post.objects.exists()
    assert "wrong signature" in caplog.text and COMPLAINT not in caplog.text and SECRET not in caplog.text


def test_a_replay_older_than_five_minutes_is_refused(hook, source):
    old = int(time.time()) - 301
    response = hook(post("r1", source=source.name), timestamp=old)
    assert response.status_code == 401 and "replay refused" in response.json()["error"]
    assert hook(post("r1", source=source.name), timestamp=int(time.time()) - 200).status_code == 200
    # a fresh timestamp on an old signature does not help: the timestamp is part of what is signed
    raw = json.dumps(post("r2", source=source.name)).encode()
    stale = sign(SECRET, raw, old)
    fresh = sign(SECRET, raw)
    forged = {"X-Careloop-Timestamp": fresh["X-Careloop-Timestamp"],
              "X-Careloop-Signature": stale["X-Careloop-Signature"]}
    response = Client().post(f"/hooks/{source.name}/", raw, content_type="application/json", headers=forged)
    assert response.status_code == 401


def test_missing_headers_other_sources_and_bad_lines(hook, source, make_source):
    raw = json.dumps(post("r1", source=source.name)).encode()
    assert Client().post(f"/hooks/{source.name}/", raw, content_type="application/json").status_code == 401
    assert Client().get(f"/hooks/{source.name}/").status_code == 405
    assert Client().post("/hooks/nobody/", raw, content_type="application/json").status_code == 404
    other = make_source("files", name="other-place")
    response = hook([post("x", source=other.name), post("y", source=source.name), {"id": "z"}])
    assert response.status_code == 200
    result = response.json()
    assert result["imported"] == 1 and result["failed"] == 2
    assert "names source 'other-place'" in result["errors"][0]
    assert not Post.objects.filter(source=other).exists()
    assert hook(b"{not json").status_code == 400
    assert hook([{"id": "z"}]).status_code == 400  # nothing could be imported


def test_a_reply_before_its_parent_is_kept_and_linked_when_the_parent_comes(hook, source):
    early = hook(post("child", parent="root", source=source.name))
    assert early.status_code == 200
    assert early.json()["waiting_for_parent"] == 1 and early.json()["failed"] == 0
    hook(post("root", source=source.name))
    assert Post.objects.get(source=source, external_id="child").parent.external_id == "root"


def test_posts_of_many_requests_share_one_scoring_task(monkeypatch):
    from huey.contrib.djhuey import HUEY

    from careloop.connectors.ingest import ScoringBatcher

    queued: list[list[int]] = []
    monkeypatch.setattr(HUEY, "immediate", False)
    monkeypatch.setattr(ScoringBatcher, "_queue", staticmethod(queued.append))
    batcher = ScoringBatcher(window=60)
    batcher.add([1, 2], [])
    batcher.add([3], [2])
    assert queued == []  # waiting for the window to close
    batcher.flush()
    assert queued == [[1, 2, 3, 2]]
    batcher.flush()
    assert queued == [[1, 2, 3, 2]]


def test_concurrent_requests_for_one_new_thread_all_land(transactional_db, make_source):
    """Several requests creating the same new thread and member at once (a race on PostgreSQL) all succeed."""
    import threading

    from django.db import connection

    from careloop.connectors.ingest import ingest_posts

    source = make_source("webhook", name="busy-hook", secret=SECRET)
    results, errors = [], []
    start = threading.Barrier(6)

    def send(n: int) -> None:
        try:
            start.wait()
            record = post(f"c{n}", thread="hot", author="same", source=source.name)
            results.append(ingest_posts(source.name, [record], origin="test"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sum(r.imported for r in results) == 6
    assert Post.objects.filter(source=source, thread__external_id="hot").count() == 6


def test_one_bad_post_in_a_list_costs_that_post_only(hook, source):
    """A NUL in an unknown field, a lone surrogate, an element nested too deep: each is its own line's error
    (a 200 naming it), never a 500 that stores nothing."""
    good = [json.dumps(post(f"g{n}", source=source.name)).encode() for n in range(3)]
    nul = json.dumps(post("nul", source=source.name, extra_note="a\u0000b")).encode()
    surrogate = json.dumps(post("sur", source=source.name)).encode()[:-1] + b', "mood": "\\ud800"}'
    deep = b'{"source": "x", "nest": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    body = b"[" + b", ".join([good[0], nul, good[1], surrogate, deep, good[2]]) + b"]"
    response = hook(body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["imported"], result["failed"]) == (3, 3)
    assert sorted(Post.objects.filter(source=source).values_list("external_id", flat=True)) == ["g0", "g1", "g2"]
    reasons = " | ".join(e["message"] if isinstance(e, dict) else str(e) for e in result["errors"])
    assert "NUL" in reasons and "surrogate" in reasons and "nested more than" in reasons


def test_a_body_nested_too_deep_is_a_clear_400(hook):
    response = hook(b"[" * 100_000 + b"]" * 100_000)  # a list whose one element nests 99,999 levels deep
    assert response.status_code == 400
    assert response.json()["failed"] == 1 and "nested more than 64 levels" in response.json()["errors"][0]
    response = hook(b"{" * 100_000)  # not JSON at all
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]


def test_a_body_over_the_limit_is_a_clear_413(hook, source, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = hook([post(f"p{n}", source=source.name, text="x" * 100) for n in range(20)])
    assert response.status_code == 413 and "send the posts in smaller batches" in response.json()["error"]
    assert not Post.objects.exists()
