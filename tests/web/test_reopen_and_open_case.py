"""The web's doors to reopen a closed case (a "Reopen" form on its page) and to open a case by hand (an "Open a
case" form on each post of a thread that no open case covers): one call each into careloop.cases.steps."""

from __future__ import annotations

import pytest

from careloop.cases import act
from careloop.cases.models import Case, CaseEvent, CaseState
from careloop.web.models import Preference
from careloop.web.roles import Action, Role, can

pytestmark = pytest.mark.django_db


def test_the_can_table_for_reopen_and_open(login):
    users = {role: login(role.value).user for role in Role}

    class Unassigned:
        assignee_id = None

    class Someone:
        assignee_id = -1

    assert [can(users[r], Action.REOPEN, Unassigned()) for r in Role] == [True, True, True, False]
    assert [can(users[r], Action.REOPEN, Someone()) for r in Role] == [True, True, False, False]
    assert [can(users[r], Action.OPEN) for r in Role] == [True, True, True, False]


def test_a_dismissed_case_shows_reopen_and_reopens(login, community):
    client = login("manager")
    case = community["login"]
    act.dismiss(case, client.user, "not_complaint")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="reopen-case"' in page and "a “not a complaint” label is withdrawn" in page
    refused = client.post(f"/cases/{case.pk}/step", {"do": "reopen", "why": " "}, follow=True).content.decode()
    assert "Say why you reopen the case" in refused
    answer = client.post(f"/cases/{case.pk}/step", {"do": "reopen", "why": "eve wrote again"}, follow=True)
    html = answer.content.decode()
    assert "Case reopened." in html and "Dismissed → New: reopened by hand" in html and "eve wrote again" in html
    assert "the “not a complaint” label is withdrawn" in html
    case.refresh_from_db()
    assert case.state == CaseState.NEW
    assert 'id="reopen-case"' not in client.get(f"/cases/{case.pk}/").content.decode()  # open again: no button
    assert f'href="/cases/{case.pk}/"' in client.get("/").content.decode()  # back in the queue


def test_a_viewer_sees_no_reopen_and_may_not(login, community):
    case = community["login"]
    act.dismiss(case, login("manager", "boss").user, "duplicate")
    viewer = login("viewer")
    assert 'id="reopen-case"' not in viewer.get(f"/cases/{case.pk}/").content.decode()
    assert viewer.post(f"/cases/{case.pk}/step", {"do": "reopen", "why": "x"}).status_code == 403
    assert Case.objects.get(pk=case.pk).state == CaseState.DISMISSED


def test_an_open_case_refuses_reopen_in_words(login, community):
    client = login("manager")
    case = community["billing"]
    html = client.post(f"/cases/{case.pk}/step", {"do": "reopen", "why": "x"}, follow=True).content.decode()
    assert "only a dismissed or a resolved case can be reopened" in html


def test_the_thread_page_offers_open_a_case_where_no_open_case_covers_the_post(login, community):
    client = login("agent")
    posts = community["posts"]
    thread = posts["1"].thread_id
    html = client.get(f"/threads/{thread}/").content.decode()
    # anna's complaint is the case's post, ben's and cara's are "me too" on it: only dave's post is open to a case
    assert html.count('class="open-case"') == 1
    assert f'action="/posts/{posts["4"].pk}/open-case"' in html
    assert 'class="open-case"' not in login("viewer").get(f"/threads/{thread}/").content.decode()

    answer = client.post(f"/posts/{posts['4'].pk}/open-case", {"why": "dave asks if anyone wrote to support"})
    case = Case.objects.get(post=posts["4"])
    assert answer.status_code == 302 and answer.headers["Location"] == f"/cases/{case.pk}/"
    page = client.get(answer.headers["Location"]).content.decode()
    assert "Case opened by hand." in page and "agent-user opened the case by hand" in page
    assert "opened by hand by agent-user" in page  # why this is a case
    assert CaseEvent.objects.get(case=case, kind="opened").actor == client.user
    assert 'class="open-case"' not in client.get(f"/threads/{thread}/").content.decode()

    again = client.post(f"/posts/{posts['4'].pk}/open-case", {}, follow=True)
    assert f"Post {posts['4'].pk} is already covered by open case {case.pk}: work that case instead." \
        in again.content.decode()
    assert Case.objects.filter(post=posts["4"]).count() == 1
    assert login("viewer", "vic").post(f"/posts/{posts['4'].pk}/open-case", {}).status_code == 403
    assert client.get(f"/posts/{posts['4'].pk}/open-case").status_code == 405


def test_in_german(login, community):
    client = login("manager")
    Preference.objects.create(user=client.user, language="de")
    case = community["login"]
    act.dismiss(case, client.user, "duplicate")
    assert "Wieder öffnen" in client.get(f"/cases/{case.pk}/").content.decode()
    html = client.post(f"/cases/{case.pk}/step", {"do": "reopen", "why": "doch kein Duplikat"},
                       follow=True).content.decode()
    assert "Fall wieder geöffnet." in html and "Verworfen → Neu: von Hand wieder geöffnet, doch kein Duplikat" in html
    assert "Fall eröffnen" in client.get(f"/threads/{community['posts']['4'].thread_id}/").content.decode()
    answer = client.post(f"/posts/{community['posts']['4'].pk}/open-case", {}, follow=True).content.decode()
    assert "Fall von Hand eröffnet." in answer and "von manager-user von Hand eröffnet" in answer


def test_a_troll_dismissal_undone_is_no_troll_signal_any_more(login, community):
    from careloop.cases import steps
    from careloop.web.story import member_card

    client = login("manager")
    case = community["login"]
    act.dismiss(case, client.user, "troll")
    assert member_card(case.member).troll_reasons == ["1 earlier case(s) dismissed as trolling, 0 moderated"]
    steps.reopen(case, client.user, "eve is no troll, the login is broken")
    assert member_card(case.member).troll_reasons == []
