"""Undo in a real browser: dismiss a case, reopen it from its page, find it back in the queue; and open a case
by hand from a post on the thread page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from careloop.cases.models import Case, CaseEvent, CaseState
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_dismiss_reopen_and_open_a_case_by_hand(page, live_server, community):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    set_role(manager, "manager")
    case = community["login"]

    sign_in(page, live_server, "maria")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    dismiss = page.locator("form:has(input[name=do][value=dismiss])")
    dismiss.locator("select[name=reason]").select_option("not_complaint")
    dismiss.locator("button[type=submit]").click()
    page.locator(".messages", has_text="Case dismissed.").wait_for()
    assert page.locator("#case-state").inner_text() == "Dismissed"
    page.goto(f"{live_server.url}/")
    assert page.locator(f"a[href='/cases/{case.pk}/']").count() == 0  # out of the queue

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("#reopen-case")  # the why is required: the browser keeps the form
    assert page.locator(".messages", has_text="Case reopened.").count() == 0
    page.fill("#reopen-why", "eve wrote again: the login is still broken")
    screenshot(page, "reopen")
    page.click("#reopen-case")
    page.locator(".messages", has_text="Case reopened.").wait_for()
    assert page.locator("#case-state").inner_text() == "New"
    timeline = page.locator("section.timeline-section").inner_text()
    assert "Dismissed → New: reopened by hand" in timeline and "eve wrote again" in timeline
    assert "label is withdrawn" in timeline
    assert page.locator("#reopen-case").count() == 0
    page.goto(f"{live_server.url}/")
    assert page.locator(f"table.queue a[href='/cases/{case.pk}/']").count() >= 1  # back in the queue

    # open a case by hand: dave's question in the billing thread is covered by no case
    dave = community["posts"]["4"]
    page.goto(f"{live_server.url}/threads/{dave.thread_id}/")
    assert page.locator(".open-case").count() == 1
    post = page.locator(f"#post-{dave.pk}")
    post.locator(".open-case summary").click()
    post.locator("input[name=why]").fill("dave needs to know where to write")
    post.locator(".open-case button[type=submit]").click()
    page.locator(".messages", has_text="Case opened by hand.").wait_for()
    opened = Case.objects.get(post=dave)
    assert page.url == f"{live_server.url}/cases/{opened.pk}/"
    assert "maria opened the case by hand" in page.locator("section.timeline-section").inner_text()
    assert CaseEvent.objects.get(case=opened, kind="opened").actor == manager
    assert opened.state == CaseState.NEW
    page.goto(f"{live_server.url}/threads/{dave.thread_id}/")
    assert page.locator(".open-case").count() == 0
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
