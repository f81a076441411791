"""Tags on cases (cases/tags.py) and one step on many cases (cases/bulk.py): the role rules, the timeline, and a
refusal among successes that blocks none of the others."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from careloop.cases import act, bulk, state, tags
from careloop.cases.models import Case, CaseEvent, CaseState, Tag
from careloop.cases.roles import Role, set_role

pytestmark = pytest.mark.django_db


def person(name: str, role: Role):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "a-long-password")
    set_role(user, role)
    return user


def more_cases(case, n: int) -> list[Case]:
    return [case] + [state.open_case(source=case.source, member=case.member, topic=f"topic {i}") for i in range(n)]


def test_an_agent_tags_any_case_and_the_timeline_says_so(case):
    agent = person("otto", Role.AGENT)
    tag = tags.add_tag(case, agent, "  refund   please ")
    assert tag.name == "refund please" and tag.colour in tags.PALETTE
    assert list(case.tags.values_list("name", flat=True)) == ["refund please"]
    tags.add_tag(case, agent, "Refund please")  # the same tag, any case: no second one, no second event
    assert Tag.objects.count() == 1 and case.tags.count() == 1
    events = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ACTION)
    assert [(e.details["what"], e.details["tag"], e.actor) for e in events] == [("tag_added", "refund please", agent)]

    assert tags.remove_tag(case, agent, "refund please") is True
    assert case.tags.count() == 0 and tags.remove_tag(case, agent, "refund please") is False
    assert [e.details["what"] for e in CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ACTION)] == [
        "tag_added", "tag_removed"]


def test_a_viewer_may_not_tag_and_a_tag_needs_a_name_and_a_known_colour(case):
    viewer = person("vera", Role.VIEWER)
    with pytest.raises(PermissionDenied):
        tags.add_tag(case, viewer, "refund")
    manager = person("mara", Role.MANAGER)
    with pytest.raises(ValueError):
        tags.add_tag(case, manager, "   ")
    with pytest.raises(ValueError):
        tags.add_tag(case, manager, "refund", colour="magenta")
    assert tags.add_tag(case, manager, "refund", colour="red").colour == "red"
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ACTION, actor=viewer).exists()


def test_bulk_dismiss_goes_on_past_a_refusal(case):
    manager = person("mara", Role.MANAGER)
    cases = more_cases(case, 3)
    act.dismiss(cases[1], manager, "duplicate")  # closed already: dismissing it again is refused
    outcome = bulk.dismiss_many([c.pk for c in cases] + [999999], manager, "troll")
    assert outcome.done == [cases[0].pk, cases[2].pk, cases[3].pk]
    assert [i for i, _why in outcome.refused] == [cases[1].pk, 999999]
    assert isinstance(outcome.errors[cases[1].pk], state.NotAllowed) and outcome.states[cases[1].pk] == "dismissed"
    for c in Case.objects.filter(pk__in=outcome.done):
        assert c.state == CaseState.DISMISSED
        assert c.events.get(kind=CaseEvent.Kind.TRANSITION, to_state=CaseState.DISMISSED).details["reason"] == "troll"
    words = outcome.in_words()
    assert words.startswith(f"3 done, 2 refused: case {cases[1].pk} (") and "case 999999 (no such case)" in words


def test_bulk_assign_asks_the_assignment_rule_per_case(case):
    agent = person("otto", Role.AGENT)
    other = person("ben", Role.AGENT)
    cases = more_cases(case, 2)
    act.assign(cases[1], person("mara", Role.MANAGER), to_user=other)  # someone else's: not the agent's to take
    outcome = bulk.assign_many([c.pk for c in cases], agent)
    assert outcome.done == [cases[0].pk, cases[2].pk]
    assert [i for i, _why in outcome.refused] == [cases[1].pk]
    assert isinstance(outcome.errors[cases[1].pk], PermissionDenied)
    assert list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk").values_list("assignee__username",
                                                                                              flat=True)) == [
        "otto", "ben", "otto"]
    # an agent may not hand cases to a teammate; a manager may not give them to a viewer
    assert bulk.assign_many([cases[0].pk], agent, to_user=other).done == []
    viewer = person("vera", Role.VIEWER)
    refused = bulk.assign_many([cases[0].pk], person("priya", Role.MANAGER), to_user=viewer)
    assert refused.done == [] and refused.refused[0][0] == cases[0].pk


def test_a_viewer_bulk_step_does_nothing_and_tagging_many_tags_each(case):
    viewer = person("vera", Role.VIEWER)
    cases = more_cases(case, 2)
    ids = [c.pk for c in cases]
    assert bulk.dismiss_many(ids, viewer, "troll").done == []
    assert bulk.tag_many(ids, viewer, "refund").done == []
    agent = person("otto", Role.AGENT)
    assert bulk.tag_many(ids + ["x", ids[0]], agent, "refund").done == ids  # junk and repeats left out
    assert Tag.objects.get(name="refund").cases.count() == 3
    assert not Case.objects.filter(pk__in=ids).exclude(state=CaseState.NEW).exists()
