"""The queue's tags, search, saved views and bulk bar (issue 15, item 4), through the web pages."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from careloop.cases import tags
from careloop.cases.models import Case, CaseState
from careloop.web.models import SavedView

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    """The message this response added (earlier ones stay in the cookie until a page shows them)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def test_a_tag_added_on_the_case_page_shows_on_the_queue_and_filters_it(login, community):
    agent = login("agent")
    billing, login_case = community["billing"], community["login"]
    r = agent.post(f"/cases/{billing.pk}/tags", {"name": "refund", "colour": "red"})
    assert r.status_code == 302 and r["Location"].endswith(f"/cases/{billing.pk}/#tags")
    assert list(billing.tags.values_list("name", "colour")) == [("refund", "red")]
    page = agent.get(f"/cases/{billing.pk}/").content.decode()
    assert 'class="tag label red"' in page and "Tag “refund” added" in page

    queue = agent.get("/").content.decode()
    assert queue.count('class="tag label red"') == 1 and '<option value="refund"' in queue
    filtered = agent.get("/?tag=refund").content.decode()
    assert f"#{billing.pk}<" in filtered and f"#{login_case.pk}<" not in filtered

    agent.post(f"/cases/{billing.pk}/tags", {"untag": "refund"})
    assert billing.tags.count() == 0


def test_a_viewer_cannot_tag_nor_sees_the_bulk_bar(login, community):
    viewer = login("viewer")
    assert viewer.post(f"/cases/{community['billing'].pk}/tags", {"name": "refund"}).status_code == 403
    assert viewer.post("/queue/bulk", {"do": "dismiss", "reason": "troll",
                                       "case": [community["billing"].pk]}).status_code == 403
    page = viewer.get("/").content.decode()
    assert 'id="bulk"' not in page and 'name="case"' not in page
    assert Case.objects.get(pk=community["billing"].pk).state == CaseState.NEW


def test_search_finds_words_in_the_post_topic_and_member(login, community):
    manager = login("manager")
    billing, login_case = community["billing"], community["login"]
    for q, found, missing in (("charged twice", billing, login_case), ("LOGIN", login_case, billing),
                              ("eve", login_case, billing), ("price change", billing, login_case)):
        page = manager.get("/", {"q": q}).content.decode()
        assert f"#{found.pk}<" in page and f"#{missing.pk}<" not in page, q
    assert "Nothing needs you right now" in manager.get("/", {"q": "nothing like this"}).content.decode()


def test_a_saved_view_is_listed_for_its_owner_only_and_deleted(login, community):
    manager = login("manager")
    other = login("manager", "otto")
    r = manager.post("/queue/views", {"name": "Refunds", "query": "tag=refund&risk=high&junk=1&page=3"})
    assert r.status_code == 302 and r["Location"] == "/?risk=high&tag=refund"
    view = SavedView.objects.get(user=manager.user)
    assert (view.name, view.query) == ("Refunds", "risk=high&tag=refund")
    page = manager.get("/").content.decode()
    assert '<a href="?risk=high&amp;tag=refund">Refunds</a>' in page
    assert 'aria-current="page"' in manager.get("/?risk=high&tag=refund").content.decode()
    assert "Refunds" not in other.get("/").content.decode()
    assert other.post(f"/queue/views/{view.pk}/delete").status_code == 404
    manager.post("/queue/views", {"name": "Refunds", "query": "tag=refund"})  # the same name: replaced
    assert SavedView.objects.get(user=manager.user).query == "tag=refund"
    assert manager.post(f"/queue/views/{view.pk}/delete").status_code == 302
    assert not SavedView.objects.exists()


def test_bulk_dismiss_reports_what_was_done_and_what_was_refused(login, community):
    agent = login("agent")
    billing, login_case = community["billing"], community["login"]
    from careloop.cases import act

    act.assign(billing, agent.user)  # the agent's own case; the login case is nobody's: not theirs to dismiss
    r = agent.post("/queue/bulk", {"do": "dismiss", "reason": "duplicate", "case": [billing.pk, login_case.pk],
                                   "query": "risk=medium"})
    assert r.status_code == 302 and r["Location"] == "/?risk=medium"
    assert said(r) == [f"1 done, 1 refused: case {login_case.pk} (your role may not do this on this case)"]
    assert Case.objects.get(pk=billing.pk).state == CaseState.DISMISSED
    assert Case.objects.get(pk=login_case.pk).state == CaseState.NEW


def test_bulk_assign_and_tag_from_the_queue(login, community):
    manager = login("manager")
    agent = login("agent", "jonas")
    ids = [community["billing"].pk, community["login"].pk]
    r = manager.post("/queue/bulk", {"do": "assign", "user": agent.user.pk, "case": ids})
    assert said(r) == ["2 done"]
    assert set(Case.objects.filter(pk__in=ids).values_list("assignee__username", flat=True)) == {"jonas"}
    r = manager.post("/queue/bulk", {"do": "tag", "tag": "app 2.3", "case": ids})
    assert said(r) == ["2 done"] and tags.Tag.objects.get(name="app 2.3").cases.count() == 2
    r = manager.post("/queue/bulk", {"do": "dismiss", "reason": "nonsense", "case": ids})
    assert said(r) == ["Choose why the cases are dismissed."]
    r = manager.post("/queue/bulk", {"do": "dismiss", "reason": "troll"})
    assert said(r) == ["Tick the cases first, then choose what to do with them."]


def test_the_queue_page_stays_bounded_with_tags(login, community, django_assert_max_num_queries):
    manager = login("manager")
    for c in (community["billing"], community["login"]):
        tags.add_tag(c, manager.user, "refund")
        tags.add_tag(c, manager.user, "billing")
    manager.get("/")
    with django_assert_max_num_queries(30):
        page = manager.get("/?q=charged&tag=refund").content.decode()
    assert page.count('class="tag label') == 2
