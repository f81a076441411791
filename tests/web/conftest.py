"""A small community with cases, and one login per role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from careloop.cases.models import Case
from careloop.cases.state import add_affected_member, open_case
from careloop.community.ingest import Importer
from careloop.community.models import Member, Post
from careloop.web.roles import Role, set_role
from tests.conftest import post


def load(*records: dict) -> None:
    importer = Importer()
    importer.feed(("test", n, r) for n, r in enumerate(records, 1))
    importer.finish()


@pytest.fixture
def login(db) -> Callable[[str], Client]:
    """login(role) -> a client logged in as a fresh user with that role."""

    def make(role: str, name: str | None = None) -> Client:
        user = User.objects.create_user(name or f"{role}-user", f"{role}@example.org", "a-long-password")
        set_role(user, Role(role))
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def community(db) -> dict:
    """A billing complaint with two me-too replies and a friendly answer, and an older login complaint."""
    now = timezone.now()
    at = lambda hours: (now - timedelta(hours=hours)).isoformat()  # noqa: E731
    load(
        post(1, thread="bill", title="Charged twice", author="anna", at=at(7),
             text="I was charged twice after the price change. This is not ok."),
        post(2, thread="bill", parent="1", author="ben", at=at(6.5), text="Same here, two charges on my card."),
        post(3, thread="bill", parent="1", author="cara", at=at(6), text="me too!!"),
        post(4, thread="bill", parent="1", author="dave", at=at(5), text="Did you write to support?"),
        post(5, thread="login", title="Cannot log in", author="eve", at=at(30), text="Login broken since 2.3"),
    )
    by = {m.external_id: m for m in Member.objects.all()}
    posts = {p.external_id: p for p in Post.objects.all()}
    billing = open_case(source=posts["1"].source, member=by["anna"], post=posts["1"], topic="billing",
                        summary="charged twice after the price change", reasons=["a complaint about a double charge"],
                        risk=0.55, language="en")
    add_affected_member(billing, by["ben"], posts["2"])
    add_affected_member(billing, by["cara"], posts["3"])
    login_case = open_case(source=posts["5"].source, member=by["eve"], post=posts["5"], topic="login",
                           risk=0.4, language="en")
    Case.objects.filter(pk=login_case.pk).update(opened_at=now - timedelta(hours=30))
    return {"billing": billing, "login": Case.objects.get(pk=login_case.pk), "members": by, "posts": posts}


@pytest.fixture
def recording(community):
    """The community's source sends through a connector that records what it was asked to send."""
    from careloop.community.models import Source
    from tests.cases.recording import KIND, registered

    with registered() as connector:
        Source.objects.filter(name="forum").update(kind=KIND)
        yield connector
