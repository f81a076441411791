"""One person, several accounts in a real browser (issue 18): mara, a manager, opens anna's member page, sees her
Matrix account among the suggestions with why, links it, sees one person (both accounts, both histories), and
undoes the link; the case page's member card said "also on" while they were linked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from careloop.cases import people
from careloop.community.models import Member, PersonLink
from careloop.web.roles import set_role
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import post
from tests.web.conftest import load

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_manager_links_two_accounts_sees_one_person_and_undoes(page, live_server, community):
    set_role(User.objects.create_user("mara", "mara@example.org", "a-long-password"), "manager")
    load(post("m1", thread="room", title="Chat", author="anna", source="matrix",
              at=(timezone.now() - timedelta(hours=1)).isoformat(), text="Matrix: is my refund on its way?"))
    anna = community["members"]["anna"]
    on_matrix = Member.objects.get(source__name="matrix", external_id="anna")

    sign_in(page, live_server, "mara")
    page.goto(f"{live_server.url}/members/{anna.pk}/")
    suggestion = page.locator(f"li.suggestion[data-member='{on_matrix.pk}']")
    assert "same handle “h_anna” on another source" in suggestion.inner_text()
    assert page.locator(".post .text", has_text="Matrix: is my refund").count() == 0  # not one person yet
    screenshot(page, "member-suggestion-desktop")
    suggestion.get_by_role("button", name="Link as one person").click()

    page.locator(".messages", has_text="Linked as one person").wait_for()
    assert page.locator("#accounts h2").first.inner_text() == "One person, 2 accounts"
    assert page.locator("li.account").count() == 2 and page.locator("li.suggestion").count() == 0
    texts = page.locator(".post .text").all_inner_texts()
    assert texts[0].startswith("Matrix: is my refund") and any("charged twice" in t for t in texts)
    screenshot(page, "member-one-person-desktop")
    page.goto(f"{live_server.url}/cases/{community['billing'].pk}/")
    assert page.locator(".also-on").inner_text() == "also on: matrix @h_anna"
    page.locator(".also-on a").click()
    page.wait_for_url(f"{live_server.url}/members/{on_matrix.pk}/")

    page.get_by_role("button", name=f"Undo the link of {on_matrix} (matrix)").click()
    page.locator(".messages", has_text="is no longer linked").wait_for()
    assert page.locator("li.account").count() == 0 and page.locator(
        f"li.suggestion[data-member='{anna.pk}']").count() == 1  # a suggestion again, nothing lost
    assert people.person_of(anna) == [anna]
    assert list(PersonLink.objects.order_by("id").values_list("kind", flat=True)) == ["linked", "unlinked"]
    assert not page.console_errors and not page.dialogs
