"""A member's contact details from the member card: set the e-mail address (validated, recorded on the case's
timeline and the member page), and reaching out by e-mail then writes to it."""

from __future__ import annotations

import pytest

from careloop.cases.models import CaseEvent, ContactChange, OutboxMessage
from careloop.community.models import Member

pytestmark = pytest.mark.django_db


def test_the_missing_address_is_set_from_the_case_page_and_e_mail_outreach_uses_it(login, community, recording):
    client = login("manager", "jonas")
    case = community["billing"]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "no address yet: add it under Contact details" in page and 'id="contact-form"' in page
    refused = client.post(f"/cases/{case.pk}/step", {"do": "reach_out", "text": "Hello Anna", "channel": "email"},
                          follow=True).content.decode()
    assert "has no e-mail address yet: add it under Contact details" in refused
    assert not OutboxMessage.objects.exists()

    bad = client.post(f"/members/{case.member_id}/contact",
                      {"email": "anna at example", "phone": "", "next": f"/cases/{case.pk}/"}, follow=True)
    html = bad.content.decode()
    assert "“anna at example” is not an e-mail address: write it as name@example.org." in html
    assert 'value="anna at example"' in html  # what was typed comes back
    assert not ContactChange.objects.exists()

    saved = client.post(f"/members/{case.member_id}/contact",
                        {"email": "anna@example.org", "phone": "+49 30 1234567", "next": f"/cases/{case.pk}/"})
    assert saved.status_code == 302 and saved.url == f"/cases/{case.pk}/#contact"
    assert Member.objects.get(pk=case.member_id).extra["email"] == "anna@example.org"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "(anna@example.org)" in page and "E-mail address changed" in page
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.CONTACT, details__field="email")
    assert event.actor == client.user and event.details["new"] == "anna@example.org"

    client.post(f"/cases/{case.pk}/step", {"do": "reach_out", "text": "Hello Anna", "channel": "email"})
    message = OutboxMessage.objects.get()
    assert (message.channel, message.recipient) == ("email", "anna@example.org")

    member_page = client.get(f"/members/{case.member_id}/").content.decode()
    assert "jonas · E-mail: – → anna@example.org" in member_page


def test_a_viewer_cannot_change_contact_details(login, community):
    viewer = login("viewer")
    member_id = community["billing"].member_id
    assert 'id="contact-form"' not in viewer.get(f"/members/{member_id}/").content.decode()
    assert viewer.post(f"/members/{member_id}/contact", {"email": "x@example.org"}).status_code == 403
    assert "email" not in Member.objects.get(pk=member_id).extra


def test_next_never_leaves_the_site(login, community):
    client = login("manager")
    member_id = community["billing"].member_id
    response = client.post(f"/members/{member_id}/contact", {"email": "a@example.org", "next": "https://evil.example/"})
    assert response.url == f"/members/{member_id}/#contact"
