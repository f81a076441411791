"""The case loop's clock, which the demo seed sets to replay its history (careloop.cases.clock)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from careloop.cases import clock


def test_the_clock_is_the_wall_clock_except_inside_at():
    past = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)
    with clock.at(past):
        assert clock.now() == past
        with clock.at(past + timedelta(hours=2)):
            assert clock.now() == past + timedelta(hours=2)
        assert clock.now() == past
    assert clock.now() > past + timedelta(days=30)


def test_the_setting_stays_in_its_thread_and_needs_an_aware_time():
    seen = []
    with clock.at(datetime(2026, 3, 1, tzinfo=UTC)):
        other = threading.Thread(target=lambda: seen.append(clock.now()))
        other.start()
        other.join()
    assert seen[0].year >= 2026 and seen[0] > datetime(2026, 3, 2, tzinfo=UTC), "another thread sees the wall clock"
    with pytest.raises(ValueError), clock.at(datetime(2026, 3, 1)):
        pass
