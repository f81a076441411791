"""The case tables, designed now for the state machine that comes later: the timeline is append-only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from careloop.cases.models import Case, CaseEvent, CaseState
from careloop.community.ingest import Importer
from careloop.community.models import Member, Post
from tests.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def case() -> Case:
    importer = Importer()
    importer.feed([("t", 1, post(1, text="the update broke login"))])
    importer.finish()
    p = Post.objects.get()
    return Case.objects.create(source=p.source, member=Member.objects.get(), thread=p.thread, post=p,
                               opened_at=timezone.now())


def test_a_new_case_is_open_and_new(case):
    assert case.state == CaseState.NEW and case.is_open


def test_case_events_can_be_added_but_never_changed_or_removed(case):
    event = CaseEvent.objects.create(case=case, at=timezone.now(), kind=CaseEvent.Kind.OPENED, actor_label="listen")
    event.details = {"changed": True}
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        CaseEvent.objects.filter(case=case).update(kind="note")
    with pytest.raises(TypeError, match="append-only"):
        CaseEvent.objects.filter(case=case).delete()
    assert CaseEvent.objects.get().details == {}


def test_a_case_goes_with_its_timeline(case):
    CaseEvent.objects.create(case=case, at=timezone.now(), kind=CaseEvent.Kind.OPENED)
    case.delete()
    assert not CaseEvent.objects.exists()
