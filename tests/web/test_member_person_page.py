"""The member page shows one person (issue 18): every linked account with a link to its page, the posts of all of
them in one history (newest first, paged), their cases and satisfaction on the card; a manager sees the
suggestions, links and undoes from the page; the case page's member card says where else the member is."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from careloop.cases import people
from careloop.cases.models import Case
from careloop.community.models import Member, PersonLink
from tests.conftest import post
from tests.web.conftest import load

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna_elsewhere(community) -> Member:
    """anna of the forum writes in Matrix too, under the same handle, and got a rating there."""
    now = timezone.now()
    load(post("m1", thread="room", title="Chat", author="anna", source="matrix", at=(now - timedelta(hours=6.8))
              .isoformat(), text="Matrix: still waiting for my refund"),
         post("m2", thread="room", author="anna", source="matrix", at=(now - timedelta(hours=1)).isoformat(),
              text="Matrix: anyone there?"))
    elsewhere = Member.objects.get(source__name="matrix", external_id="anna")
    Case.objects.create(source=elsewhere.source, member=elsewhere, topic="refund", state="resolved",
                        satisfaction=2, opened_at=now - timedelta(days=3))
    return elsewhere


def test_a_linked_member_page_shows_every_account_and_one_history(login, community, anna_elsewhere):
    manager = login("manager")
    anna = community["members"]["anna"]
    people.link(anna, anna_elsewhere, manager.user)
    html = manager.get(f"/members/{anna.pk}/").content.decode()
    assert "One person, 2 accounts" in html
    assert f'href="/members/{anna_elsewhere.pk}/"' in html and "@h_anna" in html
    texts = re.findall(r'<div class="text">(.*?)</div>', html, re.S)
    assert [t.strip()[:23] for t in texts] == ["Matrix: anyone there?", "Matrix: still waiting f",
                                               "I was charged twice aft"]  # both accounts, newest first
    card = html[html.index('class="card membercard"'):]
    assert re.search(r"<dt>Posts</dt><dd>3", card)  # every account's posts
    assert re.search(r"<dt>Open cases</dt><dd>1</dd>", card) and "2.0 / 5" in card  # the Matrix rating counts
    assert f'href="/cases/{Case.objects.get(member=anna_elsewhere).pk}/"' in card
    other = manager.get(f"/members/{anna_elsewhere.pk}/").content.decode()
    assert "One person, 2 accounts" in other and f'href="/members/{anna.pk}/"' in other
    case_page = manager.get(f"/cases/{community['billing'].pk}/").content.decode()
    assert f'also on: <a href="/members/{anna_elsewhere.pk}/">matrix @h_anna</a>' in case_page


def test_the_history_pages_across_accounts(login, community, anna_elsewhere, monkeypatch):
    monkeypatch.setattr("careloop.web.views.POSTS_PER_PAGE", 2)
    manager = login("manager")
    people.link(community["members"]["anna"], anna_elsewhere, manager.user)
    first = manager.get(f"/members/{anna_elsewhere.pk}/").content.decode()
    second = manager.get(f"/members/{anna_elsewhere.pk}/?page=2").content.decode()
    assert "anyone there?" in first and "still waiting" in first and "charged twice" not in first
    assert "charged twice" in second and "anyone there?" not in second


def test_a_manager_links_from_a_suggestion_and_undoes(login, community, anna_elsewhere):
    manager = login("manager")
    anna = community["members"]["anna"]
    page = manager.get(f"/members/{anna.pk}/").content.decode()
    assert "Possibly the same person" in page and "same handle “h_anna” on another source" in page
    response = manager.post(f"/members/{anna.pk}/link", {"other": anna_elsewhere.pk, "basis": "handle",
                                                         "detail": "h_anna"})
    assert response.status_code == 302 and response.url == f"/members/{anna.pk}/#accounts"
    assert [m.pk for m in people.person_of(anna)] == [anna.pk, anna_elsewhere.pk]
    page = manager.get(f"/members/{anna.pk}/").content.decode()
    assert "Linked as one person" in page and "Possibly the same person" not in page
    assert "Links and undos" in page and re.search(
        r"manager-user · linked Member anna \(matrix\) with Member anna: same handle “h_anna” on another source", page)
    assert manager.post(f"/members/{anna.pk}/unlink", {"account": anna_elsewhere.pk}).status_code == 302
    assert people.person_of(anna) == [anna]
    assert list(PersonLink.objects.values_list("kind", "by")) == [("linked", manager.user.pk),
                                                                  ("unlinked", manager.user.pk)]
    page = manager.get(f"/members/{anna.pk}/").content.decode()
    assert "is no longer linked" in page and "One person" not in page and "Possibly the same person" in page


@pytest.mark.parametrize("role", ["agent", "viewer"])
def test_others_read_the_person_but_neither_link_nor_undo(login, community, anna_elsewhere, role):
    manager = login("manager")
    anna = community["members"]["anna"]
    teammate = login(role)
    assert "Possibly the same person" not in teammate.get(f"/members/{anna.pk}/").content.decode()
    assert teammate.post(f"/members/{anna.pk}/link", {"other": anna_elsewhere.pk}).status_code == 403
    people.link(anna, anna_elsewhere, manager.user)
    page = teammate.get(f"/members/{anna.pk}/").content.decode()
    assert "One person, 2 accounts" in page and "Undo link" not in page
    assert teammate.post(f"/members/{anna.pk}/unlink", {"account": anna_elsewhere.pk}).status_code == 403
    assert len(people.person_of(anna)) == 2
