"""A burst through the one webhook view (issue 17): 500 signed posts from 8 threads at once are all answered 200,
stored once, gathered into a few scoring tasks (not one per request), and once those run every post is scored and
its thread listened to; the posts of each thread are listened to in the order they were written."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from careloop.community.models import Post
from careloop.connectors.webhook.signing import sign
from careloop.listen.tasks import score_posts_task

SECRET = "webhook-secret-0123456789abcdef"
POSTS, SENDERS, PER_THREAD = 500, 8, 10
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
TEXTS = ["the app update broke login again and support never answers my ticket", "+1 same here since Tuesday",
         "thanks for the quick help, works now", "billing charged me twice, please fix this"]


def record(n: int, source: str) -> dict:
    thread, i = divmod(n, PER_THREAD)
    return {"source": source, "id": f"b{n}", "thread_id": f"bt{thread}", "parent_id": f"b{n - 1}" if i else None,
            "author": {"id": f"m{n % 37}", "name": f"Member {n % 37}"}, "text": TEXTS[i % len(TEXTS)],
            "created_at": (T0 + timedelta(seconds=n)).isoformat()}


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_500_webhooks_is_stored_once_and_all_scored_and_listened(make_source, monkeypatch):
    from huey.contrib.djhuey import HUEY

    from careloop.connectors.ingest import ScoringBatcher, scoring

    source = make_source("webhook", name="burst-hook", secret=SECRET)
    queued: list[list[int]] = []
    monkeypatch.setattr(HUEY, "immediate", False)  # the web process's path: ids gathered, then one task queued
    monkeypatch.setattr(ScoringBatcher, "_queue", staticmethod(queued.append))
    monkeypatch.setattr(scoring, "window", 3600.0)  # the window closes below, when the test flushes it
    statuses: list[int] = []
    errors: list[BaseException] = []
    order = iter(range(POSTS))
    lock = threading.Lock()

    def sender() -> None:
        client = Client(HTTP_HOST="127.0.0.1")
        try:
            while True:
                with lock:
                    n = next(order, None)
                if n is None:
                    return
                body = json.dumps(record(n, source.name)).encode()
                response = client.post(f"/hooks/{source.name}/", body, content_type="application/json",
                                       headers=sign(SECRET, body))
                with lock:
                    statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and statuses == [200] * POSTS
    posts = Post.objects.filter(source=source)
    assert posts.count() == POSTS and posts.values("external_id").distinct().count() == POSTS
    assert not posts.filter(scored_at__isnull=False).exists()  # answered before scoring: nothing waited for it

    scoring.flush()
    assert len(queued) == 1 and sorted(queued[0]) == sorted(posts.values_list("id", flat=True))
    # The worker's side, out of order: the second half of the batch first, as two workers could.
    batch = sorted(queued[0])
    score_posts_task.call_local(batch[POSTS // 2:])
    score_posts_task.call_local(batch[:POSTS // 2])
    assert not posts.filter(scored_at__isnull=True).exists()
    assert not posts.filter(listened_at__isnull=True).exists()
    for thread in posts.values_list("thread_id", flat=True).distinct():
        rows = list(posts.filter(thread_id=thread).order_by("created_at").values_list("listened_at", flat=True))
        assert rows == sorted(rows), "a later post of a thread was listened to before an earlier one"
