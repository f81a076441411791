"""Hostile posts in a real browser: script and onerror payloads are shown, never run."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from careloop.community.models import Post
from careloop.web.roles import set_role
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<script>window.__pwned = 'script'; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    "<a href=\"javascript:window.__pwned='link'\" id=evil>click me</a>",
]


def test_payloads_in_posts_do_not_run(page, live_server, community):
    hostile = " ".join(PAYLOADS)
    Post.objects.filter(pk=community["posts"]["1"].pk).update(text=hostile)
    Post.objects.filter(pk=community["posts"]["2"].pk).update(extra={"html": "<p>" + hostile + "</p>"})
    User.objects.create_user("vera", "", "a-long-password")
    set_role(User.objects.get(username="vera"), "viewer")
    sign_in(page, live_server, "vera")
    case = community["billing"]
    for url in (f"/cases/{case.pk}/", f"/threads/{case.thread_id}/", f"/members/{case.member_id}/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, url
        assert page.locator("img[src=x]").count() == 0 and page.locator("svg[onload]").count() == 0
        assert page.locator("script:not([src])").count() <= 1  # only the JSON data block, never a post's
    case_page = page.goto(live_server.url + f"/cases/{case.pk}/")
    assert "script-src 'self'" in case_page.headers["content-security-policy"]
    page.goto(live_server.url + f"/cases/{case.pk}/")
    assert "<script>window.__pwned" in page.locator(".post.complaint .text").inner_text()  # shown as text
    assert page.dialogs == []
