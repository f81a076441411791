"""Who may do what: four roles, one question (`can`) that every view and API call asks.

- admin    everything: settings, users, every case
- manager  works every case: reach out, act, assign to anyone, follow up
- agent    works the cases assigned to them, and may take an unassigned one (for themselves only); reopens a
           closed case of theirs or an unassigned one, and opens a case by hand from any post
- viewer   reads everything, changes nothing; a case is never assigned to a viewer

Tags (cases/tags.py): agents, managers and admins add and remove them on any case; viewers only read them.

Linking a member's accounts as one person (cases/people.py): managers and admins link and undo; others read.

Service levels (cases/service_levels.py): managers and admins set them on the settings page; others read them.

Canned responses (cases/canned.py): managers and admins edit them, agents (and managers, admins) use them in
the composer of a case they may send on, viewers read them in the settings page.

A role is a Django group of the same name (created by the web app's migration and by `ensure_roles`).
A superuser is an admin. A user in no group is a viewer: a login alone gives no right to change a case.
These are the case loop's rules, asked by every door (web pages, the API, the command line); the web's view
decorator is careloop/web/roles.py.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"
    VIEWER = "viewer"


RANK = {Role.VIEWER: 0, Role.AGENT: 1, Role.MANAGER: 2, Role.ADMIN: 3}


class Action(StrEnum):
    VIEW = "view"  # read pages: queue, cases, members, threads, dashboard, settings
    WORK = "work"  # act on a case: notes, checklist, links, state changes, follow-up
    SEND = "send"  # reach out: send a message to a member
    ASSIGN = "assign"  # give a case to someone else
    SETTINGS = "settings"  # change sources, templates, teams, service levels
    REOPEN = "reopen"  # reopen a dismissed or resolved case (steps.reopen)
    OPEN = "open"  # open a case by hand from a post (steps.open_from_post)
    RESPONSES = "responses"  # add, change and delete the team's canned responses (cases/canned.py)
    SERVICE_LEVELS = "service_levels"  # set the service levels on the settings page (cases/service_levels.py)
    TAG = "tag"  # add or remove a tag on any case (cases/tags.py): agents, managers, admins
    LINK = "link"  # link a member's accounts as one person, or undo a link (cases/people.py): managers, admins


def ensure_roles() -> None:
    """Create the four role groups if they are missing (idempotent)."""
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)


def role_of(user: Any) -> Role | None:
    """The user's highest role; None for an anonymous or inactive user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    cached = getattr(user, "_careloop_role", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = max((r for r in Role if r.value in names), key=RANK.__getitem__, default=Role.VIEWER)
    user._careloop_role = role
    return role


def set_role(user: Any, role: Role | str) -> None:
    """Give the user exactly this role (removes the other role groups)."""
    from django.contrib.auth.models import Group

    role = Role(role)
    ensure_roles()
    user.groups.remove(*Group.objects.filter(name__in=[r.value for r in Role if r != role]))
    user.groups.add(Group.objects.get(name=role.value))
    user._careloop_role = role


def can(user: Any, action: Action | str, case: Any = None) -> bool:
    """May this user do this action (on this case)?"""
    role = role_of(user)
    if role is None:
        return False
    action = Action(action)
    if action == Action.VIEW:
        return True
    if role == Role.ADMIN:
        return True
    if action == Action.SERVICE_LEVELS:  # managers answer for the team's promises: they set them, with admins
        return role == Role.MANAGER
    if action == Action.SETTINGS or role == Role.VIEWER:
        return False
    if role == Role.MANAGER:
        return True
    if action == Action.LINK:  # who is whom across sources is a manager's judgment (cases/people.py)
        return False
    if action == Action.RESPONSES:  # agents use the canned responses; managers and admins edit them
        return False
    if action == Action.TAG:  # a tag is a label for the team, not work on the case: agents tag any case
        return True
    # agent: their own cases; an unassigned case only to take it (assign it to themselves) or to reopen it
    if case is None:
        return action in (Action.WORK, Action.SEND, Action.REOPEN, Action.OPEN)
    if action in (Action.ASSIGN, Action.REOPEN):
        return case.assignee_id in (None, user.pk)
    if action == Action.OPEN:
        return True
    return case.assignee_id == user.pk


WORKS_CASES = (Role.ADMIN, Role.MANAGER, Role.AGENT)


class AssignmentRefused(ValueError):
    """The case cannot go to that person: they cannot work cases (a viewer, or no longer active)."""


def works_cases(user: Any) -> bool:
    """Whether cases can be assigned to this user: an active admin, manager or agent, never a viewer."""
    return role_of(user) in WORKS_CASES


def check_assignment(actor: Any, case: Any, to_user: Any) -> None:
    """The role rule of assignments, asked by every door before `act.assign`.

    `to_user` is who gets the case (None: a team only, nobody in person). An agent only takes a case (an
    unassigned one, or their own) for themselves; managers and admins assign to anyone who works cases; nobody
    assigns to a viewer. Raises PermissionDenied (the actor's role may not) or AssignmentRefused (the target).
    """
    require_on_case(actor, Action.ASSIGN, case)
    if role_of(actor) == Role.AGENT and (to_user is None or to_user.pk != actor.pk):
        raise PermissionDenied("an agent may only take a case for themselves; a manager assigns it to others")
    if to_user is not None and not works_cases(to_user):
        raise AssignmentRefused(f"{to_user.get_username()} cannot work cases (role: {role_of(to_user) or 'inactive'});"
                                " assign the case to an agent, a manager or an admin")


def permissions(user: Any, case: Any = None) -> dict[str, bool]:
    """Every action as a flag, for templates: `{% if may.send %}`."""
    return {action.value: can(user, action, case) for action in Action}


def require_on_case(user: Any, action: Action | str, case: Any) -> None:
    """Raise PermissionDenied unless the user may do `action` on this case."""
    if not can(user, action, case):
        raise PermissionDenied(f"your role may not {Action(action).value} on this case")
