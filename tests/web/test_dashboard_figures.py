"""The dashboard's headline figures (careloop.cases.figures) on a small fixture, the week measured to the data's
own clock when it is history, the partial day marked on the charts, and the CSV of the daily figures."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from careloop.cases import figures
from careloop.cases.models import Case, CaseState, OutboxMessage
from careloop.community.models import Member, Post, Source, Thread
from careloop.web import dashboard

pytestmark = pytest.mark.django_db
T = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)  # a Wednesday afternoon: the day is not over
H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.fixture(autouse=True)
def fresh_cache():
    """The dashboard keeps its figures a few minutes: none from another test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def loop(db) -> dict[str, Case]:
    """Two open cases (one waiting for the team), three resolved (one last week), one dismissed this week."""
    source = Source.objects.create(name="forum")
    member = Member.objects.create(source=source, external_id="m1", handle="anna")

    def case(name, state, opened, **fields):
        return name, Case.objects.create(source=source, member=member, state=state, topic=name, opened_at=opened,
                                         **fields)

    return dict([
        case("waiting", CaseState.NEW, T - 10 * D, waiting_since=T - 2 * H),
        case("contacted", CaseState.ACTING, T - 3 * D, first_contact_at=T - 3 * D + 4 * H),
        case("last-week", CaseState.RESOLVED, T - 9 * D, first_contact_at=T - 9 * D + 2 * H, closed_at=T - 8 * D,
             satisfaction=5),
        case("rated-3", CaseState.RESOLVED, T - 5 * D, first_contact_at=T - 5 * D + 6 * H, closed_at=T - 1 * D,
             satisfaction=3),
        case("rated-4", CaseState.RESOLVED, T - 4 * D, first_contact_at=T - 4 * D + 8 * H, closed_at=T - 2 * D,
             satisfaction=4),
        case("dismissed", CaseState.DISMISSED, T - 20 * D, closed_at=T - 6 * D),
    ])


def test_the_headline_figures_and_how_they_moved(loop):
    h = figures.headline(T)
    assert h.at == T and not h.history
    # open now: waiting and contacted; a week ago: waiting and dismissed (closed since)
    assert (h.open.now, h.open.before) == (2, 2) and h.open.change == 0
    assert h.waiting == 1 and h.longest_wait_hours == 2.0
    assert (h.resolved.now, h.resolved.before) == (2, 1)
    # contacts this week: contacted 4 h, rated-3 6 h, rated-4 8 h -> median 6; last week: last-week 2 h
    assert (h.contact_hours.now, h.contacts.now) == (6.0, 3) and (h.contact_hours.before, h.contacts.before) == (2.0, 1)
    assert h.contact_hours.change == 4.0
    assert (h.satisfied_share.now, h.mean_rating.now, h.ratings.now) == (0.5, 3.5, 2)
    assert (h.satisfied_share.before, h.mean_rating.before, h.ratings.before) == (1.0, 5.0, 1)


def test_an_even_number_of_contacts_takes_the_middle_two(loop):
    loop["waiting"].first_contact_at = T - 1 * H  # opened 10 days ago: 239 h
    loop["waiting"].save()
    assert figures.headline(T).contact_hours.now == 7.0  # 4, 6, 8, 239 -> (6 + 8) / 2


def test_a_resolved_case_nothing_reached_does_not_count(loop):
    OutboxMessage.objects.create(case=loop["rated-4"], kind=OutboxMessage.Kind.PRIVATE,
                                 status=OutboxMessage.Status.FAILED, body="hello", created_at=T,
                                 next_attempt_at=T)
    h = figures.headline(T)
    assert h.resolved.now == 1 and h.ratings.now == 1 and h.satisfied_share.now == 0.0


def test_imported_history_is_measured_to_its_own_clock(loop):
    source = Source.objects.get(name="forum")
    thread = Thread.objects.create(source=source, external_id="t1", title="old")
    Post.objects.create(source=source, thread=thread, author=Member.objects.get(), external_id="p1", text="old",
                        created_at=T)
    Case.objects.update(updated_at=T - 1 * H)  # nothing touched the cases since the history ended
    wall = T + 40 * D
    assert figures.clock(wall) == T
    assert figures.clock(T + 3 * D) == T + 3 * D  # a week has not passed: the data is live
    Case.objects.filter(topic="waiting").update(updated_at=wall - 1 * H)  # someone worked a case today
    assert figures.clock(wall) == wall


def test_headline_reads_the_history_clock(loop, monkeypatch):
    source = Source.objects.get(name="forum")
    thread = Thread.objects.create(source=source, external_id="t1", title="old")
    Post.objects.create(source=source, thread=thread, author=Member.objects.get(), external_id="p1", text="old",
                        created_at=T)
    Case.objects.update(updated_at=T)
    monkeypatch.setattr(timezone, "now", lambda: T + 40 * D)
    h = figures.headline()
    assert h.history and h.at == T and h.resolved.now == 2


def test_the_partial_day_and_week_are_marked_on_the_charts(loop):
    by_id = {c["id"]: c for c in dashboard.charts(14, now=T, use_cache=False)}
    for chart_id in ("cases", "members", "negative", "toxicity"):
        assert by_id[chart_id]["partial"] == len(by_id[chart_id]["labels"]) - 1
    assert by_id["cases"]["labels"][-1] == "2026-11-18"
    assert by_id["cases"]["partial_note"].startswith("Nov. 18, 2026 is not over yet")
    assert by_id["satisfaction"]["partial"] == len(by_id["satisfaction"]["labels"]) - 1
    assert by_id["loops"]["partial"] is None
    midnight = {c["id"]: c for c in dashboard.charts(14, now=T.replace(hour=0, minute=0), use_cache=False)}
    assert midnight["cases"]["partial"] is None


def test_the_headline_in_words(loop):
    cards = {c["id"]: c for c in dashboard.headline(use_cache=False, now=T)["cards"]}
    assert cards["open"]["value"] == "2" and cards["open"]["change"] == "the same as the week before"
    assert cards["open"]["trend"] == "same" and cards["open"]["verdict"] == ""
    assert cards["resolved"]["change"] == "1 more than the week before" and cards["resolved"]["verdict"] == "better"
    assert cards["contact"]["value"] == "6.0 h" and cards["contact"]["verdict"] == "worse"
    assert cards["contact"]["change"] == "4.0 h slower than the week before"
    assert cards["satisfaction"]["value"] == "50 %" and "50 points fewer" in cards["satisfaction"]["change"]
    assert cards["waiting"]["value"] == "1" and cards["waiting"]["note"] == "longest waiting 2 h"


def test_the_dashboard_opens_on_the_headline_figures(login, loop):
    html = login("viewer").get("/dashboard/").content.decode()
    assert html.index('id="figure-open"') < html.index('class="charts"')
    for label in ("Open cases", "Waiting for the team", "Resolved this week", "Median time to private contact",
                  "Satisfied members"):
        assert label in html
    assert 'href="/dashboard.csv?days=60"' in html


def test_the_csv_of_the_daily_figures(login, loop, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: T)
    response = login("viewer").get("/dashboard.csv?days=14")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="careloop-dashboard-14-days-to-2026-11-18.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0][:6] == ["date", "partial_day", "open_cases", "cases_opened", "cases_resolved", "active_members"]
    assert len(rows) == 1 + 15 and rows[-1][:2] == ["2026-11-18", "yes"] and rows[-2][1] == "no"
    by_day = {r[0]: r for r in rows[1:]}
    assert by_day["2026-11-17"][4] == "1" and by_day["2026-11-16"][4] == "1"  # rated-3 and rated-4 resolved
    assert by_day["2026-11-15"][3] == "1"  # contacted opened
    assert rows[-1][2] == "2"  # open today


def test_the_csv_is_for_logged_in_users_only(loop):
    response = Client().get("/dashboard.csv")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_same_figures_from_the_command_line(loop, monkeypatch):
    import json

    from click.testing import CliRunner

    from careloop.cases import cli

    monkeypatch.setattr(cli, "_setup", lambda: None)
    monkeypatch.setattr(timezone, "now", lambda: T)
    out = CliRunner().invoke(cli.case_group, ["figures", "--json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)
    assert got["at"] == T.isoformat() and got["resolved"] == {"now": 2, "before": 1} and got["waiting"] == 1
    text = CliRunner().invoke(cli.case_group, ["figures"]).output
    assert "resolved" in text and "(week before: 1)" in text and "50 %" in text
