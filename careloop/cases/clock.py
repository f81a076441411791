"""The case loop's clock: what "now" is for opening, moving and messaging a case.

Everything in careloop.cases reads `now()` instead of `django.utils.timezone.now()`. It is the wall clock,
except inside `at(moment)`, which only the demo seed uses: it replays its community's history through the
real loop, so the cases get the times they would have had. The setting is per thread (a context variable),
so a web request served meanwhile still sees the wall clock. Timelines still never run backwards:
`state.transition()` never writes an event earlier than the case's latest one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_fixed: ContextVar[datetime | None] = ContextVar("careloop_case_clock", default=None)


def now() -> datetime:
    """The moment the case loop acts at: the wall clock, or the moment set by `at()`."""
    return _fixed.get() or timezone.now()


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Run the case loop as if it were `moment` (an aware datetime), e.g. `with clock.at(t): reach_out(...)`."""
    if timezone.is_naive(moment):
        raise ValueError(f"the case clock needs an aware datetime, not {moment!r}")
    token = _fixed.set(moment)
    try:
        yield moment
    finally:
        _fixed.reset(token)
