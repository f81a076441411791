"""Canned responses (careloop.cases.canned): seeded once from the message templates, listed, created, changed and
deleted by managers and admins only, checked in words, and written out for a case with the placeholders filled."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from careloop.cases import canned, reach_out, state, templates
from careloop.cases.models import CannedResponse
from careloop.cases.roles import Action, can, set_role

pytestmark = pytest.mark.django_db


def person(role: str) -> User:
    user = User.objects.create_user(f"{role}-1", f"{role}@example.org", "a-long-password", first_name=role.title())
    set_role(user, role)
    return user


def test_seeded_once_from_the_templates_so_an_install_sees_the_same_texts():
    found = canned.responses()
    shipped = templates.templates()
    assert {(r.language, r.template) for r in found} == {(lang, name) for lang, texts in shipped.items()
                                                         for name in texts}
    call = next(r for r in found if r.language == "en" and r.template == "call_offer")
    assert call.name == "Offer a call" and call.body == templates.SHIPPED["en"]["call_offer"]
    assert next(r for r in found if r.language == "de" and r.template == "call_offer").name == "Anruf anbieten"
    CannedResponse.objects.all().delete()  # the team deleted them all: they stay deleted
    assert canned.responses() == []


def test_careloop_templates_seed_the_canned_responses(settings):
    settings.CARELOOP_TEMPLATES = {"en": {"closing": "Bye {member_name}!"},
                                   "fr": {"outreach": "Bonjour {member_name}, ici {manager_name}."}}
    assert [r.body for r in canned.responses("en") if r.template == "closing"] == ["Bye {member_name}!"]
    assert [(r.template, r.body) for r in canned.responses("fr")] == [
        ("outreach", "Bonjour {member_name}, ici {manager_name}.")]
    settings.CARELOOP_TEMPLATES = {"en": {"closing": "Later change"}}  # seeded once: the table is what counts now
    assert [r.body for r in canned.responses("en") if r.template == "closing"] == ["Bye {member_name}!"]


def test_the_role_rule_managers_and_admins_edit_agents_use_viewers_read():
    admin, manager, agent, viewer = (person(r) for r in ("admin", "manager", "agent", "viewer"))
    assert can(admin, Action.RESPONSES) and can(manager, Action.RESPONSES)
    assert not can(agent, Action.RESPONSES) and not can(viewer, Action.RESPONSES)
    assert can(agent, Action.SEND) and can(viewer, Action.VIEW)  # agents use them; viewers read them
    made = canned.create(manager, "Thanks", "en", "Thanks, {member_name}!")
    assert made.updated_by == manager
    canned.update(admin, made, "Thanks a lot", "en", "Thanks a lot, {member_name}!")
    for user in (agent, viewer):
        with pytest.raises(PermissionDenied):
            canned.create(user, "Mine", "en", "Hello")
        with pytest.raises(PermissionDenied):
            canned.update(user, made, "Changed", "en", "Changed")
        with pytest.raises(PermissionDenied):
            canned.delete(user, made)
    assert CannedResponse.objects.get(pk=made.pk).name == "Thanks a lot"
    canned.delete(manager, made)
    assert not CannedResponse.objects.filter(pk=made.pk).exists()


@pytest.mark.parametrize(("name", "body", "field", "words"), [
    ("", "Hello {member_name}", "name", "Give the canned response a name."),
    ("   ", "Hello", "name", "Give the canned response a name."),
    ("Hello", "  ", "body", "Write the text of the canned response."),
    ("Hello", "Hi {member}, about {topic}", "body", "“{member}” is not a placeholder careloop knows. Use one of: "
     "{member_name}, {quote}, {manager_name}, {community}, {call_time}."),
    ("Hello", "Hi {member_name", "body", "A curly brace is not closed."),
    ("Offer a call", "Hi", "name", "There is already a canned response named “Offer a call” in this language."),
])
def test_refused_in_words(name, body, field, words):
    manager = person("manager")
    with pytest.raises(canned.CannedResponseError) as refused:
        canned.create(manager, name, "en", body)
    assert words in str(refused.value) and refused.value.field == field


def test_the_same_name_in_another_language_and_keeping_its_own_name():
    manager = person("manager")
    de = canned.create(manager, "Offer a call", "de", "Hallo {member_name}, passt dir [eine Uhrzeit]?")
    assert canned.update(manager, de, "Offer a call", "de", "Hallo {member_name}!").body == "Hallo {member_name}!"


def test_filled_in_for_a_case_with_the_call_time_left_to_fill_in(complaint, member):
    manager = person("manager")
    case = state.open_case(source=complaint.source, member=member, post=complaint, topic="login", language="en")
    call = next(r for r in canned.responses("en") if r.template == "call_offer")
    text = canned.fill(call, case, manager)
    assert text.startswith("Hi Mia, I'm Manager from the Example Forum team.")
    assert "Would a short call on [a time that suits you] work for you?" in text
    with pytest.raises(reach_out.ReachOutError, match="placeholder to fill in: \\[a time that suits you\\]"):
        reach_out.check_filled(text)  # the send guard still stops it
    own = canned.create(manager, "Check back", "en", "Hi {member_name}, can we talk on [a day that suits you]?")
    assert canned.fill(own, case, manager) == "Hi Mia, can we talk on [a day that suits you]?"
    assert templates.unfilled(canned.fill(own, case, manager)) == ["[a day that suits you]"]


def test_the_composer_offers_the_members_language_else_english():
    manager = person("manager")
    assert {r.language for r in canned.for_case_language("de")} == {"de"}
    assert {r.language for r in canned.for_case_language("fr")} == {"en"}
    canned.create(manager, "Bonjour", "fr", "Bonjour {member_name} !")
    assert [r.name for r in canned.for_case_language("fr-FR")] == ["Bonjour"]


def test_added_after_the_draft_without_javascript():
    assert canned.added("My own words.\r\n", "Hi Mia") == "My own words.\n\nHi Mia"
    assert canned.added("", "Hi Mia") == "Hi Mia"
