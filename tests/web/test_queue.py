"""The queue: open cases, most urgent first, with filters, the reason in words, and live refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from careloop.cases.models import Case
from careloop.cases.state import transition
from tests.conftest import carry

pytestmark = pytest.mark.django_db


def test_queue_lists_open_cases_with_the_reason_in_words(login, community):
    html = login("manager").get("/").content.decode()
    assert "complaint about billing, 2 members agree, left unanswered 7 h" in html
    assert "complaint about login, left unanswered 30 h" in html
    assert "2 open cases" in html


def test_waiting_outranks_a_little_more_risk_and_overdue_comes_first(login, community):
    html = login("manager").get("/").content.decode()
    # login: risk 0.4 waiting 30 h (urgency 0.8) before billing: risk 0.55 waiting 7 h (0.75)
    assert html.index("complaint about login") < html.index("complaint about billing")
    Case.objects.filter(pk=community["billing"].pk).update(follow_up_due_at=timezone.now() - timedelta(hours=2))
    html = login("manager", "m2").get("/").content.decode()
    assert html.index("complaint about billing") < html.index("complaint about login")
    assert "follow-up overdue by 2 h" in html


def test_closed_cases_leave_the_queue(login, community):
    transition(community["login"], "dismissed", reason="duplicate")
    html = login("manager").get("/").content.decode()
    assert "complaint about login" not in html and "1 open case" in html


def test_the_closed_cases_most_recently_closed_first(login, community):
    client = login("manager")
    billing, login_case = community["billing"], community["login"]
    now = timezone.now()
    carry(billing, "resolved")
    carry(login_case, "dismissed")
    Case.objects.filter(pk=billing.pk).update(satisfaction=5, opened_at=now - timedelta(hours=7),
                                              closed_at=now - timedelta(hours=1))
    Case.objects.filter(pk=login_case.pk).update(closed_at=now - timedelta(minutes=5))
    assert "Nothing needs you right now" in client.get("/").content.decode()
    html = client.get("/?state=closed").content.decode()
    assert "What the team closed" in html and "2 closed cases" in html
    assert html.index("complaint about login") < html.index("complaint about billing")  # newest first
    assert "complaint about billing, 2 members agree, resolved after 6 h, rated 5 of 5" in html
    assert "dismissed after 29 h" in html
    only = client.get("/?state=resolved").content.decode()
    assert "1 closed case" in only and "complaint about login" not in only
    assert '<option value="closed" selected>' in html
    none = client.get("/?state=closed&language=xx").content.decode()
    assert "No closed cases match" in none


def test_filters(login, community):
    client = login("manager")
    billing = community["billing"]
    assert "complaint about login" not in client.get("/?risk=high").content.decode()  # neither is high
    medium = client.get("/?risk=medium").content.decode()
    assert "complaint about billing" in medium and "complaint about login" in medium
    client.post(f"/cases/{billing.pk}/step", {"do": "assign"})
    mine = client.get("/?assignee=me").content.decode()
    assert "complaint about billing" in mine and "complaint about login" not in mine
    nobody = client.get("/?assignee=none").content.decode()
    assert "complaint about billing" not in nobody and "complaint about login" in nobody
    assert "complaint about billing" in client.get(f"/?assignee={client.user.pk}").content.decode()
    assert "Nothing needs you right now" in client.get("/?state=following_up").content.decode()
    assert "complaint about login" in client.get("/?state=new&language=en&source=forum").content.decode()
    assert "Nothing needs you right now" in client.get("/?language=de").content.decode()
    assert "Nothing needs you right now" in client.get("/?source=chat").content.decode()


def test_the_rows_refresh_themselves(login, community):
    client = login("manager")
    page = client.get("/?risk=medium").content.decode()
    assert 'hx-get="/?risk=medium"' in page and 'hx-trigger="every 15s"' in page
    assert "/static/careloop/vendor/htmx.min.js" in page
    rows = client.get("/?risk=medium", headers={"HX-Request": "true"}).content.decode()
    assert rows.lstrip().startswith('<div id="queue"') and "<html" not in rows
    assert "complaint about billing" in rows


def test_the_queue_pages_fifty_at_a_time(login, community):
    from careloop.cases.state import open_case

    billing = community["billing"]
    for _ in range(55):
        open_case(source=billing.source, member=billing.member, topic="spam", risk=0.01)
    client = login("manager")
    first = client.get("/").content.decode()
    assert "57 open cases" in first and "Page 1 of 2" in first
    assert first.count('class="case-link"') == 50
    assert client.get("/?page=2").content.decode().count('class="case-link"') == 7
