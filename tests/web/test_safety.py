"""Posts are hostile input: shown as text, or cleaned by nh3 where a platform gave HTML; a CSP on every page."""

from __future__ import annotations

import pytest

from careloop.community.models import Post
from careloop.web.templatetags.careloop_tags import clean_html

pytestmark = pytest.mark.django_db
PAYLOADS = ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">hi</a>']


def test_clean_html_keeps_text_and_drops_what_runs():
    dirty = '<p>Hi <b>there</b><script>alert(1)</script><img src=x onerror=alert(1)>' \
            '<a href="javascript:alert(1)" onclick="x()">link</a><a href="https://ok.example">ok</a></p>'
    clean = clean_html(dirty)
    assert "<script" not in clean and "onerror" not in clean and "javascript:" not in clean and "<img" not in clean
    assert "onclick" not in clean and "<b>there</b>" in clean
    assert 'href="https://ok.example"' in clean and 'rel="noopener noreferrer nofollow ugc"' in clean


@pytest.mark.parametrize("page", ["case", "member", "thread"])
def test_hostile_posts_are_harmless_on_every_page(login, community, page):
    complaint = community["posts"]["1"]
    Post.objects.filter(pk=complaint.pk).update(text=" ".join(PAYLOADS), extra={})
    Post.objects.filter(pk=community["posts"]["4"].pk).update(extra={"html": "<p>" + "".join(PAYLOADS) + "</p>"})
    case = community["billing"]
    url = {"case": f"/cases/{case.pk}/", "member": f"/members/{case.member_id}/",
           "thread": f"/threads/{case.thread_id}/"}[page]
    response = login("viewer").get(url)
    html = response.content.decode()
    for payload in PAYLOADS:
        assert payload not in html
    assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
