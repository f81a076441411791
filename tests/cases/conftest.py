"""Fixtures of the case loop: a community with one complaint, a manager, and a connector that records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from careloop.cases import state
from careloop.community.models import Member, Post, Source, Thread
from tests.cases.recording import KIND, registered


@pytest.fixture
def recording():
    with registered() as connector:
        yield connector


@pytest.fixture
def source(db) -> Source:
    return Source.objects.create(name="forum", kind=KIND, display_name="Example Forum")


@pytest.fixture
def member(source) -> Member:
    return Member.objects.create(source=source, external_id="@mia:example.org", handle="mia", display_name="Mia",
                                 language="en", extra={"email": "mia@example.org"})


@pytest.fixture
def complaint(source, member) -> Post:
    thread = Thread.objects.create(source=source, external_id="!room-1", title="Login broken after update")
    return Post.objects.create(source=source, external_id="$post-1", thread=thread, author=member,
                               created_at=datetime(2026, 5, 3, 10, tzinfo=UTC),
                               text="Since the update I can't log in at all. This is the third time this month!")


@pytest.fixture
def manager(db):
    return get_user_model().objects.create_user("anna", "anna@example.org", "secret-pass-1", first_name="Anna")


@pytest.fixture
def teammate(db):
    return get_user_model().objects.create_user("ben", "ben@example.org", "secret-pass-2", first_name="Ben")


@pytest.fixture
def case(source, member, complaint):
    return state.open_case(source=source, member=member, post=complaint, topic="login",
                           summary="cannot log in since the update", reasons=["complaint 0.93"], risk=0.4)
