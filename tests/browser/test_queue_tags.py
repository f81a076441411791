"""The queue's tags, saved views and bulk bar in a real browser: tag a case on its page, filter the queue by the
tag, save that view, and dismiss two cases at once from the queue."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from careloop.cases import state, tags
from careloop.cases.models import Case, CaseState
from careloop.web.models import SavedView
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_tag_filter_save_the_view_and_dismiss_two_at_once(page, live_server, community):
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    set_role(manager, "manager")
    billing, login_case = community["billing"], community["login"]
    third = state.open_case(source=billing.source, member=community["members"]["dave"], post=community["posts"]["4"],
                            topic="support reply", risk=0.2, language="en")
    tags.add_tag(login_case, manager, "app 2.3", "blue")

    sign_in(page, live_server, "maria")
    page.goto(f"{live_server.url}/cases/{billing.pk}/")
    form = page.locator("form.add-tag")
    form.locator("input[name=name]").fill("refund")
    form.locator("select[name=colour]").select_option("red")
    form.locator("button[type=submit]").click()
    page.locator(".messages", has_text="Tagged “refund”.").wait_for()
    assert page.locator(".tags-card .tag.label.red", has_text="refund").count() == 1
    assert "Tag “refund” added" in page.locator("section.timeline-section").inner_text()

    page.goto(f"{live_server.url}/")
    row = page.locator("table.queue tr", has=page.locator(f"a[href='/cases/{billing.pk}/']"))
    assert row.locator(".tag.label.red", has_text="refund").count() == 1
    page.locator("form.filters select[name=tag]").select_option("refund")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r".*tag=refund.*"))
    assert page.locator("table.queue a.case-link").count() == 1
    assert page.locator(f"table.queue a[href='/cases/{billing.pk}/']").count() == 1

    page.fill(".save-view input[name=name]", "Refunds")
    page.click(".save-view button[type=submit]")
    page.locator(".messages", has_text="View “Refunds” saved.").wait_for()
    assert SavedView.objects.get(user=manager).query == "tag=refund"
    page.goto(f"{live_server.url}/")
    page.click(".saved-view a:text('Refunds')")
    page.wait_for_url(re.compile(r".*\?tag=refund$"))
    assert page.locator("table.queue a.case-link").count() == 1
    assert page.locator(".saved-view a[aria-current=page]").inner_text() == "Refunds"

    page.goto(f"{live_server.url}/")
    tags.add_tag(third, manager, "billing", "green")
    page.reload()
    screenshot(page, "queue-tags")
    for c in (login_case, third):
        page.check(f"#pick-{c.pk}")
    page.evaluate("htmx.ajax('GET', location.pathname, {target: '#queue', swap: 'outerHTML'})")  # the 15 s refresh
    page.wait_for_timeout(500)
    assert page.is_checked(f"#pick-{login_case.pk}") and page.is_checked(f"#pick-{third.pk}")  # ticks survive it
    bar = page.locator("form#bulk")
    bar.locator("select[name=reason]").select_option("duplicate")
    bar.locator("button[value=dismiss]").click()
    page.locator(".messages", has_text="2 done").wait_for()
    assert set(Case.objects.filter(pk__in=[login_case.pk, third.pk]).values_list("state", flat=True)) == {
        CaseState.DISMISSED}
    assert Case.objects.get(pk=billing.pk).state == CaseState.NEW
    assert page.locator("table.queue a.case-link").count() == 1
    assert not page.console_errors
