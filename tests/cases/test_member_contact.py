"""A member's contact details set by a teammate: validated, recorded (who, when, old → new) on the member and the
timelines of their open cases, and used by the next e-mail outreach."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from careloop.cases import contact, reach_out
from careloop.cases.models import CaseEvent, ContactChange
from careloop.cases.roles import Role, set_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(manager):
    set_role(manager, Role.AGENT)
    return manager


def test_an_address_set_by_hand_is_what_e_mail_outreach_uses(case, member, agent):
    member.extra = {}
    member.save()
    with pytest.raises(reach_out.ReachOutError, match="no e-mail address"):
        reach_out.recipient_for(case, "email")
    changes = contact.set_contact(member, agent, email=" Mia.K@Example.ORG ", phone="+49 30 1234567")
    assert [(c.field, c.old, c.new, c.changed_by) for c in changes] == [
        ("email", "", "Mia.K@example.org", agent), ("phone", "", "+49 30 1234567", agent)]
    member.refresh_from_db()
    assert contact.contact_of(member) == {"email": "Mia.K@example.org", "phone": "+49 30 1234567"}
    assert reach_out.recipient_for(case, "email") == "Mia.K@example.org"
    events = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CONTACT).order_by("id")
    assert [(e.details["field"], e.details["old"], e.details["new"], e.actor) for e in events] == [
        ("email", "", "Mia.K@example.org", agent), ("phone", "", "+49 30 1234567", agent)]


def test_a_change_keeps_the_old_value_and_the_same_value_changes_nothing(case, member, agent):
    contact.set_contact(member, agent, email="mia@new.example.org")
    assert contact.set_contact(member, agent, email="mia@new.example.org") == []
    change = ContactChange.objects.get()
    assert (change.old, change.new) == ("mia@example.org", "mia@new.example.org")
    assert contact.set_contact(member, agent, email="")[0].new == ""  # cleared
    member.refresh_from_db()
    assert "email" not in member.extra


@pytest.mark.parametrize(("email", "phone", "why"), [
    ("mia at example.org", None, "is not an e-mail address"),
    ("mia@", None, "is not an e-mail address"),
    ("a" * 250 + "@example.org", None, "too long"),
    (None, "call me maybe", "is not a phone number"),
    (None, "12", "is not a phone number"),
])
def test_bad_input_is_refused_and_changes_nothing(case, member, agent, email, phone, why):
    with pytest.raises(ValueError, match=why):
        contact.set_contact(member, agent, email=email, phone=phone)
    member.refresh_from_db()
    assert member.extra == {"email": "mia@example.org"} and not ContactChange.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.CONTACT).exists()


def test_a_viewer_may_not_change_contact_details(member, teammate):
    set_role(teammate, Role.VIEWER)
    with pytest.raises(PermissionDenied):
        contact.set_contact(member, teammate, email="x@example.org")
