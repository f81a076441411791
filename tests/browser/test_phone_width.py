"""At a phone's width (390 px) no page scrolls sideways, the queue's rows stay readable, and the case page
shows the composer and the Act panel within the first two screens however long its thread and timeline are.

One browser context per width, one page load per page. With CARELOOP_SCREENSHOTS=docs/screenshots the
pages are photographed at 390 px and at desktop width (`*-390.png`, `*-desktop.png`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from careloop.cases import act
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import post
from tests.web.conftest import load

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDE = "Ein-sehr-langes-Wort-ohne-Leerzeichen-das-nirgends-umbrechen-darf-" * 3


@pytest.fixture
def long_case(community):
    """The billing case with a long thread (60 replies, one with a word wider than a phone) and a long timeline."""
    now = timezone.now()
    at = lambda n: (now - timedelta(hours=4) + timedelta(minutes=n)).isoformat()  # noqa: E731
    load(*[post(100 + n, thread="bill", parent="1", author=f"member{n % 9}", at=at(n),
                text=(WIDE if n == 3 else "") + " the second charge is still on my statement, any news? " * 4)
           for n in range(60)])
    manager = User.objects.create_user("maria", "maria@example.org", "a-long-password")
    set_role(manager, "manager")
    case = community["billing"]
    for n in range(25):
        act.add_note(case, manager, f"note {n}: called the payment provider again, waiting for their answer")
    act.add_action_item(case, manager, "refund the second charge")
    return case


def pages(community, case) -> dict[str, str]:
    member = community["members"]["anna"].pk
    return {"queue": "/", "case": f"/cases/{case.pk}/", "threads": "/threads/",
            "thread": f"/threads/{case.thread_id}/", "member": f"/members/{member}/", "dashboard": "/dashboard/",
            "settings": "/settings/"}


def visit(browser, live_server, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "maria")
    return context, page


def test_no_page_scrolls_sideways_at_390_px(browser, live_server, community, long_case):
    context, page = visit(browser, live_server, 390, 844)
    try:
        for name, path in pages(community, long_case).items():
            page.goto(live_server.url + path)
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{name}: {width[0]} px wide on a {width[1]} px screen"
            if name == "queue":  # the source tag keeps its word whole: one line, not a letter per line
                tag = page.locator("table.queue .tag").first
                box = tag.bounding_box()
                assert box and box["height"] < 30 and box["width"] > 30, box
            if name == "case":
                tops = page.evaluate("""() => ['#outreach', 'section.act'].map(
                    s => document.querySelector(s).getBoundingClientRect().top + window.scrollY)""")
                screens = page.evaluate("() => 2 * window.innerHeight")
                assert all(top < screens for top in tops), (tops, screens)
                assert page.locator(".timeline .event").count() >= 8  # the timeline is there, older entries folded
                assert page.locator("details.older").count() == 1
            if name == "dashboard":
                page.wait_for_selector("body[data-charts=drawn]")
                overflow = page.evaluate("""() => [...document.querySelectorAll('.chart canvas')].filter(
                    c => c.getBoundingClientRect().right > window.innerWidth).length""")
                assert overflow == 0, f"{overflow} charts cut off"
            screenshot(page, f"{name}-390")
    finally:
        context.close()


def test_desktop_width_keeps_two_columns(browser, live_server, community, long_case):
    context, page = visit(browser, live_server, 1280, 900)
    try:
        for name, path in pages(community, long_case).items():
            page.goto(live_server.url + path)
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{name}: {width[0]} px wide on a {width[1]} px screen"
            if name == "case":  # the Act panel beside the thread, not below it
                main, side = (page.locator(s).bounding_box() for s in (".maincol", ".sidecol"))
                assert side["x"] > main["x"] + main["width"] - 1
            if name == "dashboard":
                page.wait_for_selector("body[data-charts=drawn]")
            screenshot(page, f"{name}-desktop")
    finally:
        context.close()
