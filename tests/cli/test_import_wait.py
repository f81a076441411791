"""`careloop import --wait`: it returns once every new or changed post is scored and listened to, and says how many
cases that opened; `careloop status` shows what scoring and listening still have to do."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from careloop.cases.models import Case
from careloop.community.models import Post
from careloop.health.models import WorkerHeartbeat
from careloop.listen.incremental import clear_graph_cache
from tests.conftest import CARELOOP, post


def community() -> list[dict]:
    """Three threads: a complaint with a "me too", a double charge, and friendly chat."""
    return [
        post(1, thread="login", author="anna", at="2026-11-20T09:00:00+00:00",
             text="Since the 3.2 update the app is broken, I can't log in anymore"),
        post(2, thread="login", parent="1", author="ben", at="2026-11-20T09:10:00+00:00",
             text="me too, can't log in since the update"),
        post(3, thread="login", parent="1", author="carl", at="2026-11-20T09:30:00+00:00",
             text="Have you tried logging out and in again?"),
        post(4, thread="billing", author="dora", at="2026-11-21T14:00:00+00:00",
             text="I was charged twice after the price change, I want a refund"),
        post(5, thread="billing", parent="4", author="emil", at="2026-11-21T14:20:00+00:00",
             text="Sorry to hear that, did you write to support?"),
        post(6, thread="photos", author="fay", at="2026-11-22T18:00:00+00:00",
             text="Lovely photos from the lake today"),
        post(7, thread="photos", parent="6", author="gus", at="2026-11-22T18:05:00+00:00", text="Thanks for sharing!"),
    ]


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The post ids the import queued for scoring; the tasks go nowhere, as with no worker taking them."""
    ids: list[int] = []
    monkeypatch.setattr("careloop.listen.tasks.queue_scoring", lambda new, changed: ids.extend([*new, *changed]))
    clear_graph_cache()
    return ids


@pytest.fixture
def idle_worker(monkeypatch) -> None:
    """A worker that says it is alive (its heartbeat) but takes no tasks; tasks are not run inline either."""
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", False)
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker="elsewhere:1", seen_at=now, started_at=now)


@pytest.fixture
def own_queue(process_env) -> dict[str, str]:
    """A queue of this test's own: the tasks its processes leave behind reach no other test's worker."""
    return {**process_env, "CARELOOP_QUEUE_NAME": f"careloop-test-{uuid.uuid4().hex[:8]}"}


def wait_lines(result) -> tuple[str, str, str]:
    scored, listened, summary = result.stdout.splitlines()[-3:]
    return scored, listened, summary


@pytest.mark.django_db
def test_wait_without_a_worker_scores_and_listens_in_this_process(cli, write_jsonl, queued):
    result = cli("import", str(write_jsonl(community())), "--wait")
    assert result.exit_code == 0, result.output
    assert "no worker is running" in result.stderr
    scored, listened, summary = wait_lines(result)
    assert summary == "imported 7, updated 0, unchanged 0, failed 0"
    assert scored == "scored: 7 posts"
    cases = Case.objects.count()
    assert cases >= 2, "the login complaint and the double charge are cases"
    assert listened == f"listened: 3 threads, {cases} cases opened"
    assert not Post.objects.filter(scored_at__isnull=True).exists()
    assert not Post.objects.filter(listened_at__isnull=True).exists()
    assert sorted(queued) == sorted(Post.objects.values_list("id", flat=True)), "a worker still gets the tasks"


@pytest.mark.django_db
def test_wait_counts_only_what_this_import_changed(cli, write_jsonl, queued):
    path = write_jsonl(community())
    assert cli("import", str(path), "--wait").exit_code == 0
    cases = Case.objects.count()

    again = cli("import", str(path), "--wait", "--quiet")
    assert again.exit_code == 0
    assert again.stdout.splitlines() == ["scored: 0 posts", "listened: 0 threads, 0 cases opened",
                                         "imported 0, updated 0, unchanged 7, failed 0"]

    edited = community()
    edited[6]["text"], edited[6]["edited_at"] = "Thanks for sharing, what a view!", "2026-11-22T18:30:00+00:00"
    changed = cli("import", str(write_jsonl(edited, "edited.jsonl")), "--wait")
    assert changed.exit_code == 0, changed.output
    assert wait_lines(changed) == ("scored: 1 posts", "listened: 1 threads, 0 cases opened",
                                   "imported 0, updated 1, unchanged 6, failed 0")
    assert Case.objects.count() == cases, "the cases opened before stay the only ones"
    assert not Post.objects.filter(listened_at__isnull=True).exists()


@pytest.mark.django_db
def test_wait_does_not_wait_for_posts_dated_in_the_future(cli, write_jsonl, queued):
    later = (timezone.now() + timedelta(days=30)).isoformat()
    result = cli("import", str(write_jsonl([*community(), post(8, thread="photos", author="hal", at=later)])),
                 "--wait")
    assert result.exit_code == 0, result.output
    assert wait_lines(result)[:2] == ("scored: 8 posts", f"listened: 3 threads, {Case.objects.count()} cases opened")
    assert "1 of these posts is dated in the future" in result.stderr
    future = Post.objects.get(external_id="8")
    assert future.scored_at is not None and future.listened_at is None
    assert not Post.objects.exclude(external_id="8").filter(listened_at__isnull=True).exists()


@pytest.mark.django_db
def test_wait_takes_over_from_a_worker_that_does_not_move(cli, write_jsonl, queued, idle_worker):
    result = cli("import", str(write_jsonl(community())), "--wait", "--stall-after", "0")
    assert result.exit_code == 0, result.output
    assert "waiting for the worker (elsewhere:1)" in result.stderr
    assert "doing the rest in this process" in result.stderr
    assert wait_lines(result)[1] == f"listened: 3 threads, {Case.objects.count()} cases opened"
    assert not Post.objects.filter(listened_at__isnull=True).exists()


@pytest.mark.django_db
def test_wait_gives_up_after_its_timeout_with_exit_status_4(cli, write_jsonl, queued, idle_worker):
    result = cli("import", str(write_jsonl(community())), "--wait", "--timeout", "0.1")
    assert result.exit_code == 4
    assert "--wait gave up after 0.1 s: 7 posts not scored yet" in result.stderr
    assert result.stdout.splitlines()[-1] == "imported 7, updated 0, unchanged 0, failed 0"


@pytest.mark.django_db
def test_wait_keeps_exit_status_1_when_lines_failed(cli, write_jsonl, queued):
    result = cli("import", str(write_jsonl([*community(), "{not json"])), "--wait")
    assert result.exit_code == 1
    assert wait_lines(result) == ("scored: 7 posts", f"listened: 3 threads, {Case.objects.count()} cases opened",
                                  "imported 7, updated 0, unchanged 0, failed 1")


@pytest.mark.django_db
def test_status_shows_the_scoring_and_listening_backlog(cli, write_jsonl, queued):
    from careloop.listen.incremental import update_threads
    from careloop.listen.scoring import score_posts

    out = cli("status").stdout
    assert "scored        0 posts" in out and "to score      0 posts waiting to be scored" in out
    assert "to listen to  0 scored posts in 0 threads" in out

    cli("import", str(write_jsonl(community())))  # queued, and no worker takes the tasks
    out = cli("status").stdout
    assert "posts         7" in out and "cases         0" in out, "the lines that were there stay"
    assert "scored        0 posts" in out and "to score      7 posts waiting to be scored" in out
    assert "to listen to  0 scored posts in 0 threads" in out

    ids = list(Post.objects.values_list("id", flat=True))
    score_posts(ids)
    out = cli("status").stdout
    assert "scored        7 posts" in out and "to score      0 posts waiting to be scored" in out
    assert "to listen to  7 scored posts in 3 threads" in out

    update_threads(ids)
    out = cli("status").stdout
    assert "to listen to  0 scored posts in 0 threads" in out


def test_import_help_documents_wait(cli):
    out = cli("import", "--help").output
    assert "--wait" in out and "--timeout" in out
    assert "listened: T threads, C cases opened" in out and "4 --wait ran out of --timeout" in out


@pytest.mark.slow
def test_wait_in_another_process_while_a_real_worker_listens(own_queue, write_jsonl):
    """The interface other tools rely on: `careloop import FILE --wait` returns once the worker has done it all."""
    path = write_jsonl(community())
    worker = subprocess.Popen([*CARELOOP, "worker"], env=own_queue, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.exists():
            assert time.monotonic() < deadline, "the worker never said hello"
            time.sleep(0.3)
        result = subprocess.run([*CARELOOP, "import", str(path), "--wait"], env=own_queue, capture_output=True,
                                text=True, timeout=180)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.communicate(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "waiting for the worker" in result.stderr
    assert result.stdout.splitlines() == [
        "scored: 7 posts", f"listened: 3 threads, {Case.objects.count()} cases opened",
        "imported 7, updated 0, unchanged 0, failed 0",
    ]
    assert Case.objects.count() >= 2
    assert not Post.objects.filter(listened_at__isnull=True).exists()


@pytest.mark.slow
def test_wait_in_another_process_without_a_worker(own_queue, write_jsonl):
    result = subprocess.run([*CARELOOP, "import", str(write_jsonl(community())), "--wait"], env=own_queue,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "no worker is running" in result.stderr
    assert result.stdout.splitlines()[-2] == f"listened: 3 threads, {Case.objects.count()} cases opened"
    assert not Post.objects.filter(scored_at__isnull=True).exists()
    assert not Post.objects.filter(listened_at__isnull=True).exists()
    status = subprocess.run([*CARELOOP, "status"], env=own_queue, capture_output=True, text=True, timeout=60)
    assert "to score      0 posts waiting to be scored" in status.stdout
    assert "to listen to  0 scored posts in 0 threads" in status.stdout
