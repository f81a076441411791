"""The dashboard's numbers, and the charts drawn offline from files the package ships."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from careloop.cases.models import Case, CaseState
from careloop.web.dashboard import charts

pytestmark = pytest.mark.django_db


def by_id(result):
    return {c["id"]: c for c in result}


def test_cases_over_time_and_loops_and_satisfaction(community):
    now = timezone.now()
    Case.objects.filter(pk=community["login"].pk).update(
        state=CaseState.RESOLVED, closed_at=now, loop_count=1, satisfaction=5,
        first_contact_at=now - timedelta(hours=27))
    result = by_id(charts(14, now=now, use_cache=False))
    cases = result["cases"]
    assert cases["datasets"][0]["data"][-1] == 1  # one still open today
    assert sum(cases["datasets"][1]["data"]) == 2 and sum(cases["datasets"][2]["data"]) == 1
    assert result["loops"]["labels"] == ["0", "1"] and result["loops"]["datasets"][0]["data"] == [0, 1]
    assert 100 in result["satisfaction"]["datasets"][0]["data"]
    week = result["satisfaction"]["datasets"][0]["data"].index(100)  # and what the share stands on, for its tooltip
    assert result["satisfaction"]["datasets"][0]["counts"][week] == 1 and result["satisfaction"]["count_label"]
    assert 3.0 in result["first-contact"]["datasets"][0]["data"]  # contact 3 h after the case opened
    assert max(result["members"]["datasets"][0]["data"]) >= 1


def test_dashboard_page_carries_its_data_and_the_chart_library(login, community):
    html = login("viewer").get("/dashboard/").content.decode()
    data = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert {c["id"] for c in data} >= {"cases", "first-contact", "resolution", "loops", "satisfaction",
                                       "negative", "toxicity", "members"}
    assert "/static/careloop/vendor/chart.umd.min.js" in html and "/static/careloop/dashboard.js" in html
    assert finders.find("careloop/vendor/chart.umd.min.js") and finders.find("careloop/vendor/htmx.min.js")
    assert "http://" not in re.sub(r'(xmlns|href)="http[^"]*"', "", html.split("<main")[1].split("</main>")[0])


def test_settings_page_shows_sources_templates_teams_and_service_levels(login, community):
    html = login("viewer").get("/settings/").content.decode()
    assert "forum" in html and "no contact yet" in html
    assert "Private outreach" in html and "<td>de</td>" in html  # the canned responses, with their language
    assert "CARELOOP_FOLLOW_UP_AFTER" in html and "48 hours (2 days)" in html and "24 hours (1 day)" in html
    assert "{'first_contact_hours'" not in html and "First private contact after a case opens" in html
    assert "Add team" not in html  # a viewer reads only


def test_an_admin_adds_a_team_by_ticking_teammates(login):
    admin = login("admin")
    mara = login("agent", "mara").user
    html = admin.get("/settings/").content.decode()
    form = html[html.index('id="team-form"'):html.index("</form>", html.index('id="team-form"'))]
    assert 'type="checkbox"' in form and "<select" not in form and "mara" in form
    assert admin.post("/settings/", {"name": "billing", "members": [mara.pk]}).status_code == 302
    from careloop.web.models import Team

    assert list(Team.objects.get(name="billing").members.values_list("username", flat=True)) == ["mara"]
