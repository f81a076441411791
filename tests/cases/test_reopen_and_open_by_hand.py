"""Reopen a dismissed or resolved case, and open a case by hand from a post: both steps through the state
machine's one door, recorded with who and why, refused in words (and by role) when they do not apply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from careloop.cases import act, state, steps
from careloop.cases.corrections import corrections
from careloop.cases.models import AffectedMember, Case, CaseEvent, CaseState
from careloop.cases.roles import set_role
from careloop.cases.state import ALLOWED, NotAllowed
from careloop.community.models import Member, Post

S = CaseState
pytestmark = pytest.mark.django_db


def person(name: str, role: str):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "a-long-password")
    set_role(user, role)
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def mgr(db):
    return person("mara", "manager")


@pytest.fixture
def agent(db):
    return person("jonas", "agent")


@pytest.fixture
def viewer(db):
    return person("vic", "viewer")


def resolve(case, who):
    for to in (S.REACHING_OUT, S.ACTING, S.FOLLOWING_UP, S.RESOLVED):
        state.transition(case, to, who)


# ------------------------------------------------------------------------------------------------ reopen
def test_the_table_lets_dismissed_and_resolved_cases_reopen_and_nothing_else_leaves_moderated():
    assert ALLOWED[S.DISMISSED] == {S.NEW, S.REACHING_OUT, S.ACTING}
    assert S.ACTING in ALLOWED[S.RESOLVED] and ALLOWED[S.MODERATED] == frozenset()


def test_a_dismissed_case_goes_back_to_new_with_who_and_why(case, mgr):
    act.dismiss(case, mgr, "duplicate")
    event = steps.reopen(case, mgr, "  not a duplicate after all  ")
    case.refresh_from_db()
    assert (case.state, case.closed_at) == (S.NEW, None)
    assert (event.kind, event.from_state, event.to_state, event.actor) == ("transition", "dismissed", "new", mgr)
    dismissal = CaseEvent.objects.get(case=case, to_state=S.DISMISSED)
    assert event.details == {"reopened": True, "by_hand": True, "note": "not a duplicate after all",
                             "undoes": dismissal.pk, "dismissed_as": "duplicate"}


def test_a_case_dismissed_while_acting_goes_back_to_acting_and_from_following_up_to_acting(case, mgr):
    state.transition(case, S.REACHING_OUT, mgr)
    act.dismiss(case, mgr, "handled_elsewhere")
    assert steps.reopen(case, mgr, "they wrote again").to_state == S.REACHING_OUT
    state.transition(case, S.ACTING, mgr)
    state.transition(case, S.FOLLOWING_UP, mgr)
    act.dismiss(case, mgr, "handled_elsewhere")
    assert steps.reopen(case, mgr, "not handled").to_state == S.ACTING
    case.refresh_from_db()
    assert case.follow_up_due_at is None and case.state == S.ACTING


def test_a_resolved_case_goes_back_to_acting_one_more_loop(case, mgr):
    resolve(case, mgr)
    event = steps.reopen(case, mgr, "the refund never arrived")
    case.refresh_from_db()
    assert (case.state, case.loop_count, case.closed_at) == (S.ACTING, 1, None)
    assert event.details == {"reopened": True, "by_hand": True, "note": "the refund never arrived"}


def test_undoing_a_not_a_complaint_dismissal_withdraws_its_correction_label(case, mgr):
    act.dismiss(case, mgr, "not_complaint")
    assert len(list(corrections())) == 1
    event = steps.reopen(case, mgr, "it was a complaint")
    assert event.details["withdrawn_label"] == "not_complaint"
    assert list(corrections()) == []
    act.dismiss(case, mgr, "not_complaint")  # dismissed again as not a complaint: that label counts
    (again,) = corrections()
    assert again["at"] == CaseEvent.objects.filter(case=case, to_state=S.DISMISSED).last().at


@pytest.mark.parametrize("how", ["open", "moderated"])
def test_only_closed_cases_reopen_and_moderated_ones_do_not(case, mgr, how):
    if how == "moderated":
        act.moderate(case, mgr, warning="")
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(NotAllowed, match="only a dismissed or a resolved case can be reopened"):
        steps.reopen(case, mgr, "why not")
    assert CaseEvent.objects.filter(case=case).count() == before


def test_reopening_needs_a_why(case, mgr):
    act.dismiss(case, mgr, "troll")
    with pytest.raises(ValueError, match="say why"):
        steps.reopen(case, mgr, "   ")
    assert isinstance(ValueError("x"), steps.REFUSED)
    case.refresh_from_db()
    assert case.state == S.DISMISSED


def test_roles_agents_and_managers_reopen_viewers_do_not(case, mgr, agent, viewer):
    act.dismiss(case, mgr, "duplicate")
    with pytest.raises(PermissionDenied):
        steps.reopen(case, viewer, "I think so")
    steps.reopen(case, agent, "unassigned: an agent may")  # an unassigned case
    act.assign(case, mgr, to_user=mgr)
    act.dismiss(case, mgr, "duplicate")
    with pytest.raises(PermissionDenied):  # someone else's case: the agent asks its manager
        steps.reopen(case, agent, "not mine")
    act.assign(case, mgr, to_user=agent)
    assert steps.reopen(case, agent, "mine now").actor == agent


# ------------------------------------------------------------------------------------------------ open by hand
@pytest.fixture
def quiet_post(complaint, source):
    """A post of another member in the same thread that no case covers."""
    leo = Member.objects.create(source=source, external_id="@leo:example.org", handle="leo", display_name="Leo",
                                language="de")
    return Post.objects.create(source=source, external_id="$post-2", thread=complaint.thread, author=leo,
                               created_at=datetime(2026, 5, 3, 11, tzinfo=UTC), text="My invoice is wrong too.")


def test_a_case_opened_by_hand_is_about_the_post_and_by_the_person(quiet_post, mgr):
    case = steps.open_from_post(quiet_post, mgr, "asked in the thread, missed by listening", topic="invoice")
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.post, case.origin, case.member, case.thread) == (
        S.NEW, quiet_post, quiet_post, quiet_post.author, quiet_post.thread)
    assert (case.source, case.severity, case.language, case.topic) == (quiet_post.source, 2, "de", "invoice")
    assert case.reasons == ["opened by hand by mara", "asked in the thread, missed by listening"]
    assert case.waiting_since == quiet_post.created_at
    opened = CaseEvent.objects.get(case=case, kind="opened")
    assert (opened.actor, opened.actor_label) == (mgr, "mara")
    assert opened.details["by_hand"] is True and opened.details["note"] == "asked in the thread, missed by listening"
    assert AffectedMember.objects.get(case=case).role == "complainer"


def test_an_open_case_on_the_post_refuses_a_second(case, complaint, quiet_post, mgr):
    with pytest.raises(steps.AlreadyCovered, match=f"already covered by open case {case.pk}") as refused:
        steps.open_from_post(complaint, mgr)
    assert refused.value.case_id == case.pk
    state.add_affected_member(case, quiet_post.author, quiet_post)  # a "me too" on the open case covers it too
    with pytest.raises(steps.AlreadyCovered):
        steps.open_from_post(quiet_post, mgr)
    assert Case.objects.count() == 1


def test_a_closed_case_on_the_post_does_not_stop_a_new_one(case, complaint, mgr):
    act.dismiss(case, mgr, "duplicate")
    again = steps.open_from_post(complaint, mgr, "")
    assert again.pk != case.pk and again.reasons == ["opened by hand by mara"]


def test_the_teams_own_post_is_never_a_case(quiet_post, mgr):
    Member.objects.filter(pk=quiet_post.author_id).update(is_team=True)
    with pytest.raises(NotAllowed, match="speaks for the team"):
        steps.open_from_post(quiet_post, mgr)


def test_roles_agents_and_managers_open_viewers_do_not(quiet_post, agent, viewer):
    with pytest.raises(PermissionDenied):
        steps.open_from_post(quiet_post, viewer)
    assert not Case.objects.exists()
    assert steps.open_from_post(quiet_post, agent).events.get(kind="opened").actor == agent


def test_severity_is_checked(quiet_post, mgr):
    with pytest.raises(ValueError, match="severity"):
        steps.open_from_post(quiet_post, mgr, severity=0)
