"""A small community with cases, one user per role, and API clients that authenticate by token or session."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from careloop.api.tokens import create_token
from careloop.cases import state
from careloop.cases.models import Case, CaseEvent, OutboxMessage
from careloop.cases.roles import Role, set_role
from careloop.community.models import Member, Post, Source, Thread
from tests.cases.recording import KIND, RecordingConnector, registered

ROLES = ("admin", "manager", "agent", "viewer")


class Api:
    """A test client for the API: JSON in, JSON out, as one user."""

    def __init__(self, client: Client, user) -> None:
        self.client, self.user = client, user

    def get(self, path: str, **params):
        return self.client.get(path, params)

    def post(self, path: str, data=None, *, raw: bytes | str | None = None, **headers):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(path, body, content_type="application/json", headers=headers)


@pytest.fixture
def recording() -> Iterator[type[RecordingConnector]]:
    """The community's source sends through a connector that records what it was asked to send."""
    with registered() as connector:
        yield connector


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    def make(role: str, name: str | None = None):
        user = get_user_model().objects.create_user(name or f"{role}-user", f"{role}@example.org", "a-long-password")
        set_role(user, Role(role))
        return get_user_model().objects.get(pk=user.pk)

    return make


@pytest.fixture
def api(make_user) -> Callable[..., Api]:
    """api(role) -> a client that sends a fresh personal token of a fresh user with that role."""

    def make(role: str, name: str | None = None, *, enforce_csrf: bool = True) -> Api:
        user = make_user(role, name)
        _row, token = create_token(user, "tests")
        client = Client(enforce_csrf_checks=enforce_csrf, headers={"Authorization": f"Bearer {token}"})
        client.token = token
        return Api(client, user)

    return make


@pytest.fixture
def session_api(make_user) -> Callable[..., Api]:
    """session_api(role) -> a browser-like client logged in with a session (CSRF enforced)."""

    def make(role: str, name: str | None = None) -> Api:
        user = make_user(role, name)
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return Api(client, user)

    return make


@pytest.fixture
def community(db, recording) -> dict:
    """Two sources; a billing complaint with two me-too members, a login complaint, and a resolved case."""
    forum = Source.objects.create(name="forum", kind=KIND, display_name="Example Forum")
    chat = Source.objects.create(name="chat", kind=KIND, display_name="Example Chat")

    def member(source, handle, name):
        return Member.objects.create(source=source, external_id=f"@{handle}", handle=handle, display_name=name,
                                     language="en", extra={"email": f"{handle}@example.org"})

    def post(source, thread, n, author, text):
        return Post.objects.create(source=source, external_id=f"p{n}", thread=thread, author=author, text=text,
                                   created_at=datetime(2026, 5, 3, 10, n, tzinfo=UTC))

    anna, ben, cara = member(forum, "anna", "Anna"), member(forum, "ben", "Ben"), member(forum, "cara", "Cara")
    eve = member(chat, "eve", "Eve")
    bill = Thread.objects.create(source=forum, external_id="bill", title="Charged twice")
    login = Thread.objects.create(source=chat, external_id="login", title="Cannot log in")
    p1 = post(forum, bill, 1, anna, "I was charged twice after the price change. This is not ok.")
    p2 = post(forum, bill, 2, ben, "Same here, two charges on my card.")
    p3 = post(forum, bill, 3, cara, "me too!!")
    p4 = post(chat, login, 4, eve, "Login broken since 2.3")
    billing = state.open_case(source=forum, member=anna, post=p1, thread=bill, topic="billing", risk=0.8,
                              summary="charged twice", reasons=["a complaint about a double charge"], language="en")
    state.add_affected_member(billing, ben, p2)
    state.add_affected_member(billing, cara, p3)
    login_case = state.open_case(source=chat, member=eve, post=p4, thread=login, topic="login", risk=0.4,
                                 language="en")
    old = state.open_case(source=forum, member=ben, post=p2, thread=bill, topic="refund", risk=0.2, language="en")
    state.transition(old, "dismissed", actor_label="tests", reason="duplicate")
    return {"billing": billing, "login": login_case, "dismissed": Case.objects.get(pk=old.pk),
            "sources": {"forum": forum, "chat": chat}}


def stored(case: Case) -> tuple[int, int, str, int | None]:
    """What a refused request must leave unchanged: events, outbox rows, state and assignee."""
    case = Case.objects.get(pk=case.pk)
    return (CaseEvent.objects.filter(case=case).count(), OutboxMessage.objects.filter(case=case).count(),
            case.state, case.assignee_id)
