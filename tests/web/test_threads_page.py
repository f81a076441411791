"""The first page: threads and their posts, behind a login, safe with hostile post content."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from careloop.community.ingest import Importer
from tests.conftest import carry, post

pytestmark = pytest.mark.django_db


def load(*records: dict) -> None:
    importer = Importer()
    importer.feed(("test", n, r) for n, r in enumerate(records, 1))
    importer.finish()


@pytest.fixture
def manager(client: Client) -> Client:
    user = User.objects.create_user("anna", "anna@example.org", "a-long-password")
    client.force_login(user)
    return client


def test_pages_need_a_login(client):
    for url in ("/", "/threads/", "/threads/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login/")


def test_login_page_logs_in(client):
    User.objects.create_user("anna", "", "a-long-password")
    page = client.get("/login/")
    assert b"Log in to careloop" in page.content
    response = client.post("/login/", {"username": "anna", "password": "a-long-password"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    wrong = client.post("/login/", {"username": "anna", "password": "nope"})
    assert b"do not match" in wrong.content


def test_threads_are_listed_newest_activity_first(manager):
    load(post(1, thread="old", title="An old thread", at="2026-05-01T10:00:00Z"),
         post(2, thread="new", title="A fresh thread", at="2026-05-03T10:00:00Z"),
         post(3, thread="new", parent="2", author="b", at="2026-05-03T11:00:00Z"))
    html = manager.get("/threads/").content.decode()
    assert html.index("A fresh thread") < html.index("An old thread")
    assert "No worker has run yet" in html  # the footer says whether a worker runs


def test_search_and_source_filter(manager):
    load(post(1, thread="a", title="Billing question", source="forum"),
         post(2, thread="b", title="Login trouble", source="chat"))
    assert "Login trouble" not in manager.get("/threads/?q=billing").content.decode()
    only_chat = manager.get("/threads/?source=chat").content.decode()
    assert "Login trouble" in only_chat and "Billing question" not in only_chat


def test_a_thread_with_open_cases_links_its_riskiest(manager):
    from careloop.cases.state import open_case
    from careloop.community.models import Post

    load(post(1, thread="hot", title="Charged twice", author="a"), post(2, thread="hot", parent="1", author="b"),
         post(3, thread="calm", title="Nice photos"))
    first, second = Post.objects.get(external_id="1"), Post.objects.get(external_id="2")
    low = open_case(source=first.source, member=first.author, post=first, risk=0.2)
    high = open_case(source=second.source, member=second.author, post=second, risk=0.8)
    html = manager.get("/threads/").content.decode()
    row = html[html.index("Charged twice"):html.index("</tr>", html.index("Charged twice"))]
    assert f'href="/cases/{high.pk}/"' in row and "80 %" in row and "+1" in row
    assert f'href="/cases/{low.pk}/"' not in row
    only_open = manager.get("/threads/?open=1").content.decode()
    assert "Charged twice" in only_open and "Nice photos" not in only_open
    for case in (low, high):
        carry(case, "resolved")
    assert "Charged twice" not in manager.get("/threads/?open=1").content.decode()


def test_empty_community_explains_how_to_start(manager):
    assert "careloop import" in manager.get("/threads/").content.decode()


def test_a_thread_shows_its_posts_in_order_with_whom_they_answer(manager):
    load(post(1, thread="t", title="Sync stuck", text="my photos do not sync"),
         post(2, thread="t", parent="1", author="b", text="same here", at="2026-05-03T10:05:00Z"))
    from careloop.community.models import Thread

    html = manager.get(f"/threads/{Thread.objects.get().id}/").content.decode()
    assert html.index("my photos do not sync") < html.index("same here")
    assert "replying to Member a1" in html


def test_hostile_post_content_is_shown_as_text(manager):
    load(post(1, thread="t", title="<b>bold</b> title", text='<script>alert("x")</script><img src=x onerror=alert(1)>'))
    from careloop.community.models import Thread

    response = manager.get(f"/threads/{Thread.objects.get().id}/")
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; title" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_missing_thread_is_404(manager):
    assert manager.get("/threads/999999/").status_code == 404


def test_health_reports_database_and_worker(client):
    response = client.get("/health")
    body = response.json()
    assert response.status_code == 200
    assert (body["database"], body["worker"], body["problems"]) == ("ok", "never seen", [])
    assert "no worker is needed" in body["note"]  # the tests run tasks in-process
