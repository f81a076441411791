"""Issue 15, item 5: each queue row shows its service-level timer in words (ok / soon / late), and managers and
admins set the service levels on the settings page (stored in the database, over CARELOOP_SERVICE_LEVELS; a
source's own settings win over both)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from careloop.cases import follow_up
from careloop.cases import service_levels as sla
from careloop.cases.models import Case, CaseEvent, CaseState, ServiceLevel
from careloop.web.forms import ServiceLevelForm
from careloop.web.queue import timer_in_words
from careloop.web.roles import Action, can


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.delete(sla.CACHE_KEY)
    yield
    cache.delete(sla.CACHE_KEY)


def _case(community, hours_ago: float, now=None, **fields) -> Case:
    now = now or timezone.now()
    Case.objects.filter(pk=community["billing"].pk).update(opened_at=now - timedelta(hours=hours_ago), **fields)
    return Case.objects.select_related("source").get(pk=community["billing"].pk)


# ------------------------------------------------------------------------------------------ the timer
def test_first_contact_timer_counts_down_then_late(community):
    now = timezone.now()
    fresh = sla.timer(_case(community, 2, now), now, in_force={"first_contact_hours": 24, "follow_up_hours": 72})
    assert fresh.level == sla.FIRST_CONTACT and fresh.status == "ok"
    assert timedelta(hours=21, minutes=59) < fresh.left <= timedelta(hours=22)
    assert timer_in_words(fresh) == "first contact due in 22 h"
    soon = sla.timer(_case(community, 20, now), now, in_force={"first_contact_hours": 24, "follow_up_hours": 72})
    assert soon.status == "soon"  # less than a quarter left
    levels = {"first_contact_hours": 24, "follow_up_hours": 72}
    late = sla.timer(_case(community, 24 + 38 / 60, now), now, in_force=levels)
    assert late.late and late.status == "late" and timer_in_words(late) == "first contact 38 min late"


def test_no_timer_once_contacted_or_acting(community):
    now = timezone.now()
    assert sla.timer(_case(community, 30, now, first_contact_at=now), now) is None
    assert sla.timer(_case(community, 30, now, state=CaseState.ACTING), now) is None
    assert timer_in_words(None) == ""


def test_follow_up_timer_runs_from_the_action_done(community):
    now = timezone.now()
    case = _case(community, 100, now, state=CaseState.FOLLOWING_UP, first_contact_at=now - timedelta(hours=90))
    CaseEvent.objects.create(case=case, at=now - timedelta(hours=70), kind=CaseEvent.Kind.TRANSITION,
                             from_state=CaseState.ACTING, to_state=CaseState.FOLLOWING_UP)
    running = sla.timer(case, now, in_force={"first_contact_hours": 24, "follow_up_hours": 72})
    assert running.level == sla.FOLLOW_UP and running.status == "soon"
    assert timer_in_words(running) == "follow-up question due in 2 h"
    case.following_since = now - timedelta(hours=75)  # as the queue annotates it
    assert timer_in_words(sla.timer(case, now, in_force={"first_contact_hours": 24, "follow_up_hours": 72})) == \
        "follow-up question 3 h late"


def test_imported_history_runs_on_the_datas_clock(community):
    """A case opened today on history whose data ended a month ago: measured from the post, on the data's clock."""
    now = timezone.now()
    ended = now - timedelta(days=30)
    case = _case(community, 0, now)
    case.waiting_since = ended - timedelta(hours=3)
    running = sla.timer(case, now, clock=ended, in_force={"first_contact_hours": 24, "follow_up_hours": 72})
    assert running.left == timedelta(hours=21) and running.status == "ok"


def test_lateness_asks_the_same_timer(community):
    now = timezone.now()
    assert follow_up.lateness(_case(community, 2, now), now) == ""
    assert follow_up.lateness(_case(community, 25, now), now) == "no private contact within 24 h of opening"
    sla.save(None, {"first_contact_hours": 1})
    assert follow_up.lateness(_case(community, 2, now), now) == "no private contact within 1 h of opening"


# ------------------------------------------------------------------------------------------ which wins
@override_settings(CARELOOP_SERVICE_LEVELS={"first_contact_hours": 24, "follow_up_hours": 72})
def test_source_beats_page_beats_default(community):
    source = community["billing"].source
    assert sla.levels(source)["first_contact_hours"] == 24 and sla.origin("first_contact_hours") == "default"
    sla.save(None, {"first_contact_hours": 8})
    assert sla.levels(source)["first_contact_hours"] == 8 and sla.origin("first_contact_hours") == "page"
    source.settings = {"service_levels": {"first_contact_hours": 2}}
    assert sla.levels(source)["first_contact_hours"] == 2 and sla.levels()["first_contact_hours"] == 8
    sla.save(None, {"first_contact_hours": None})  # back to the default
    assert not ServiceLevel.objects.exists() and sla.levels()["first_contact_hours"] == 24


# ------------------------------------------------------------------------------------------ the form
@pytest.mark.parametrize(("number", "unit", "hours"), [("36", "hours", 36.0), ("1,5", "hours", 1.5),
                                                       ("2", "days", 48.0), ("", "hours", None)])
def test_the_form_reads_numbers_with_units(db, number, unit, hours):
    form = ServiceLevelForm({"first_contact_hours": number, "first_contact_hours_unit": unit,
                             "follow_up_hours": "", "follow_up_hours_unit": "hours"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours"]["first_contact_hours"] == hours


@pytest.mark.parametrize(("number", "unit", "words"), [("soon", "hours", "is not a number"),
                                                       ("0.1", "hours", "at least 15 minutes"),
                                                       ("91", "days", "at most 90 days"),
                                                       ("nan", "hours", "plain number")])
def test_the_form_says_what_is_wrong_in_words(db, number, unit, words):
    form = ServiceLevelForm({"first_contact_hours": number, "first_contact_hours_unit": unit})
    assert not form.is_valid() and words in " ".join(form.errors["first_contact_hours"])


# ------------------------------------------------------------------------------------------ roles and pages
def test_managers_and_admins_set_service_levels_others_read(login):
    assert [can(login(r).user, Action.SERVICE_LEVELS) for r in ("admin", "manager", "agent", "viewer")] == \
        [True, True, False, False]


def test_a_manager_saves_levels_on_the_settings_page(login, community):
    manager = login("manager")
    html = manager.get("/settings/").content.decode()
    assert 'id="level-form"' in html and "empty: the default, 24 hours" in html
    response = manager.post("/settings/service-levels/", {"first_contact_hours": "2", "first_contact_hours_unit":
                                                          "hours", "follow_up_hours": "3",
                                                          "follow_up_hours_unit": "days"})
    assert response.status_code == 302 and response.url.endswith("#levels")
    assert dict(ServiceLevel.objects.values_list("name", "hours")) == {"first_contact_hours": 2, "follow_up_hours": 72}
    html = manager.get("/settings/").content.decode()
    assert "2 hours" in html and "this page" in html
    bad = manager.post("/settings/service-levels/", {"first_contact_hours": "lots",
                                                     "first_contact_hours_unit": "hours"})
    assert bad.status_code == 200 and "is not a number" in bad.content.decode()


def test_agents_and_viewers_may_not_set_levels(login, community):
    for role in ("agent", "viewer"):
        client = login(role)
        assert 'id="level-form"' not in client.get("/settings/").content.decode()
        assert client.post("/settings/service-levels/", {"first_contact_hours": "2"}).status_code == 403
    assert not ServiceLevel.objects.exists()


def test_queue_rows_show_the_timer_styled(login, community):
    Case.objects.filter(pk=community["login"].pk).update(opened_at=timezone.now() - timedelta(hours=30))
    html = login("viewer").get("/").content.decode()
    assert 'class="timer late"' in html and "first contact 6 h late" in html  # the login case, 30 h open
    assert 'class="timer ok"' in html and "first contact due in" in html  # the billing case, just opened
