"""Canned responses in the settings page (add, edit, delete; refused in words; managers and admins only) and in
the composer (the member's language; "Use" without JavaScript adds the text after the draft, which stays)."""

from __future__ import annotations

import pytest

from careloop.cases import canned
from careloop.cases.models import CannedResponse

pytestmark = pytest.mark.django_db


def test_the_settings_page_lists_them_and_offers_the_form_to_managers(login):
    page = login("manager").get("/settings/").content.decode()
    assert "Canned responses" in page and "Offer a call" in page and "Passt dir ein Anruf am {call_time}?" in page
    assert "Anruf anbieten" not in page  # a seeded name the team kept is shown in the reader's language
    assert 'id="canned-form"' in page and "Add canned response" in page
    assert "{member_name}" in page and "[a time that suits you]" in page  # the placeholders, explained
    assert "CARELOOP_TEMPLATES" not in page  # no longer "change it in the settings file"
    for role in ("agent", "viewer"):
        page = login(role).get("/settings/").content.decode()
        assert "Offer a call" in page and 'id="canned-form"' not in page and "?edit=" not in page
        assert "Managers and admins edit them." in page


def test_a_seeded_name_reads_in_german_until_the_team_renames_it(login):
    from careloop.web.models import Preference

    client = login("viewer")
    Preference.objects.create(user=client.user, language="de")
    assert client.get("/settings/").content.decode().count("<strong>Anruf anbieten</strong>") == 2  # en and de
    call = next(r for r in canned.responses("en") if r.template == "call_offer")
    canned.update(login("admin").user, call, "Call them", "en", call.body)
    page = client.get("/settings/").content.decode()
    assert page.count("<strong>Anruf anbieten</strong>") == 1 and "<strong>Call them</strong>" in page


def test_add_edit_and_delete(login):
    client = login("manager")
    response = client.post("/settings/responses/", {"name": "Refund on its way", "language": "en",
                                                    "body": "Hi {member_name}, the refund is on its way."})
    assert response.status_code == 302 and response.headers["Location"] == "/settings/#canned"
    made = CannedResponse.objects.get(name="Refund on its way")
    assert made.updated_by == client.user
    page = client.get("/settings/").content.decode()
    assert "Canned response “Refund on its way” saved." in page

    form = client.get(f"/settings/?edit={made.pk}").content.decode()
    assert "Edit “Refund on its way”" in form and f'action="/settings/responses/{made.pk}/"' in form
    assert "Hi {member_name}, the refund is on its way.</textarea>" in form
    client.post(f"/settings/responses/{made.pk}/", {"name": "Refund sent", "language": "de",
                                                   "body": "Hallo {member_name}, die Erstattung ist unterwegs."})
    made.refresh_from_db()
    assert (made.name, made.language, made.body) == ("Refund sent", "de",
                                                      "Hallo {member_name}, die Erstattung ist unterwegs.")

    client.post(f"/settings/responses/{made.pk}/", {"delete": "yes"})
    assert not CannedResponse.objects.filter(pk=made.pk).exists()
    assert "Canned response “Refund sent” deleted." in client.get("/settings/").content.decode()


def test_refused_in_words_and_what_was_typed_stays(login):
    client = login("admin")
    before = len(canned.responses())
    response = client.post("/settings/responses/", {"name": "", "language": "en", "body": "Hi {member_name}"})
    page = response.content.decode()
    assert response.status_code == 200 and "Give the canned response a name." in page
    assert "Hi {member_name}</textarea>" in page
    response = client.post("/settings/responses/", {"name": "Topic", "language": "en",
                                                    "body": "Hi {member}, about {topic}"})
    page = response.content.decode()
    assert "“{member}” is not a placeholder careloop knows. Use one of: {member_name}" in page
    assert 'value="Topic"' in page
    call = next(r for r in canned.responses("en") if r.template == "call_offer")
    page = client.post(f"/settings/responses/{call.pk}/", {"name": "Private outreach", "language": "en",
                                                          "body": "x"}).content.decode()
    assert "There is already a canned response named “Private outreach” in this language." in page
    assert f'action="/settings/responses/{call.pk}/"' in page  # still editing the same one
    assert CannedResponse.objects.count() == before and CannedResponse.objects.get(pk=call.pk).body != "x"


def test_agents_and_viewers_may_not_change_them(login):
    call = next(r for r in canned.responses("en") if r.template == "call_offer")
    for role in ("agent", "viewer"):
        client = login(role)
        assert client.post("/settings/responses/", {"name": "x", "language": "en", "body": "x"}).status_code == 403
        assert client.post(f"/settings/responses/{call.pk}/", {"delete": "yes"}).status_code == 403
    assert CannedResponse.objects.filter(pk=call.pk).exists() and not CannedResponse.objects.filter(name="x")


def test_the_composer_offers_them_and_use_without_javascript_keeps_the_draft(login, community):
    client = login("agent")
    case = community["billing"]
    case.assignee = client.user
    case.save(update_fields=["assignee"])
    own = canned.create(login("manager", "boss").user, "Refund", "en", "Hi {member_name}, the refund is on its way.")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<option value="call_offer" >Offer a call</option>' in page
    assert f'<option value="{own.pk}" >Refund</option>' in page
    response = client.post(f"/cases/{case.pk}/step", {"do": "reach_out", "use": "yes", "response": str(own.pk),
                                                      "text": "My own words first.\r\n", "channel": "dm"})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.pk}/#message"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "My own words first.\n\nHi Member anna, the refund is on its way.</textarea>" in page
    assert f'<option value="{own.pk}" selected>Refund</option>' in page
    assert not case.outbox.exists()  # "Use" sends nothing


def test_a_viewer_cannot_use_them_on_a_case(login, community):
    case = community["billing"]
    response = login("viewer").post(f"/cases/{case.pk}/step", {"use": "yes", "response": "call_offer", "text": "x"})
    assert response.status_code == 403
