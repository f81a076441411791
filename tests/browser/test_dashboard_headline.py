"""The dashboard in a real browser: it opens on the headline figures, the day not over yet is drawn apart from the
others, and the daily figures download as a CSV file (issue 15 item 8)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from careloop.cases.models import Case, CaseState
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_opens_on_the_headline_figures(page, live_server, community):
    cache.clear()  # the dashboard keeps its figures a few minutes: none from another test
    now = timezone.now()
    Case.objects.filter(pk=community["login"].pk).update(
        state=CaseState.RESOLVED, opened_at=now - timedelta(hours=30), closed_at=now - timedelta(hours=1),
        satisfaction=5, first_contact_at=now - timedelta(hours=3))
    user = User.objects.create_user("vera", "", "a-long-password")
    set_role(user, "viewer")
    sign_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("body[data-charts=drawn]")

    figures = page.locator(".headline .figure")
    assert figures.count() == 5
    first = page.evaluate("""() => [document.querySelector('.headline').getBoundingClientRect().top,
                                    document.querySelector('.charts').getBoundingClientRect().top]""")
    assert first[0] < first[1] < page.viewport_size["height"]  # the figures come first, within the first screen
    values = {f.get_attribute("id"): f.locator(".figure-value").inner_text() for f in figures.all()}
    assert values == {"figure-open": "1", "figure-waiting": "1", "figure-resolved": "1", "figure-contact": "27.0 h",
                      "figure-satisfaction": "100 %"}, values
    assert "1 more than the week before" in page.locator("#figure-resolved").inner_text()
    assert page.locator("#figure-resolved .figure-change.better").count() == 1

    # today is partial: the cases chart says so, and its last point is drawn dashed and hollow
    cases = page.locator("figure.chart", has=page.locator("#chart-cases"))
    assert "is not over yet" in cases.locator(".partial-note").inner_text()
    points = page.evaluate("""() => {
        const meta = Chart.getChart('chart-cases').getDatasetMeta(0), n = meta.data.length;
        return [meta.data[n - 1].options.radius, meta.data[n - 2].options.radius,
                meta.data[n - 1].options.backgroundColor];
    }""")
    assert points[:2] == [3, 0] and points[2] in ("#fff", "#ffffff", "rgb(255, 255, 255)"), points

    with page.expect_download() as download:
        page.click("a.csv-link")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename.startswith("careloop-dashboard-60-days-to-")
    assert text.startswith("date,partial_day,open_cases,cases_opened,cases_resolved,active_members")
    assert text.strip().splitlines()[-1].split(",")[1] == "yes"
    screenshot(page, "dashboard-headline")
    assert page.console_errors == []
