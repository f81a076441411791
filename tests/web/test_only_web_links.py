"""Only http(s) addresses become links (issue 16 point 7): a post's `javascript:` URL is refused on import with
its line named, and one already stored is not written into an href (the CSP was the only guard)."""

from __future__ import annotations

import pytest

from careloop.community.models import Thread
from careloop.web.templatetags.careloop_tags import web_link
from tests.conftest import post
from tests.web.conftest import load


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,x",
                                 "vbscript:x", "//evil.example/x", "http://ok.example/\njavascript:x"])
def test_other_schemes_are_no_link(url):
    assert web_link(url) == ""


def test_http_and_https_stay_links():
    assert web_link("https://forum.example.org/t/1") == "https://forum.example.org/t/1"
    assert web_link("HTTP://forum.example.org/t/1") == "HTTP://forum.example.org/t/1"


def test_a_javascript_url_is_the_lines_error_on_import(db, cli, write_jsonl):
    path = write_jsonl([post(1, url="javascript:alert(1)"), post(2, url="https://forum.example.org/t/1/2")])
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "posts.jsonl:1: url: must be an http:// or https:// address" in result.output
    assert "imported 1" in result.output


def test_a_stored_javascript_url_is_not_written_into_the_page(login, db):
    load(post(1, thread="t-js", title="Evil thread", text="hello"))
    thread = Thread.objects.get(external_id="t-js")
    Thread.objects.filter(pk=thread.pk).update(url="javascript:alert(document.cookie)")  # stored before the check
    page = login("manager").get(f"/threads/{thread.pk}/").content.decode()
    assert "Evil thread" in page and "javascript:" not in page
    Thread.objects.filter(pk=thread.pk).update(url="https://forum.example.org/t/evil")
    page = login("viewer").get(f"/threads/{thread.pk}/").content.decode()
    assert 'href="https://forum.example.org/t/evil"' in page
