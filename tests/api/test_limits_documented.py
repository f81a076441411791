"""The API's limits have one home (issue 14): careloop/settings.py reads each from the environment with its
default, the API reads the setting (no second default in code), and docs/api.md's "Limits" table says the same
defaults. With none of the variables set (as in the suite), the settings are the documented defaults."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from careloop.api import http, scoring_jobs, tokens, views

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `(CARELOOP_API_[A-Z_]+)` \|[^|]*\| `(\d+)`", re.M)


def documented_limits() -> dict[str, int]:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("## Limits", 1)[1].split("\n## ", 1)[0]
    return {name: int(default) for name, default in ROW.findall(section)}


def test_the_documented_defaults_are_the_settings_defaults() -> None:
    documented = documented_limits()
    in_settings = {name for name in dir(django_settings) if name.startswith("CARELOOP_API_")}
    assert set(documented) == in_settings
    unset = {name: value for name, value in documented.items() if name not in os.environ}
    assert unset, "every limit is set in the environment: nothing to compare"
    assert {name: getattr(django_settings, name) for name in unset} == unset


@pytest.mark.parametrize(("name", "read"), [
    ("CARELOOP_API_TOKEN_DAYS", tokens.default_token_days), ("CARELOOP_API_RATE_PER_MINUTE", tokens.rate_per_minute),
    ("CARELOOP_API_MAX_BODY", http.max_body_bytes), ("CARELOOP_API_MAX_TEXTS", views.max_score_texts),
    ("CARELOOP_API_MAX_TEXT_CHARS", views.max_score_text_chars),
    ("CARELOOP_API_INLINE_SCORE_CHARS", scoring_jobs.inline_chars),
    ("CARELOOP_API_MAX_WAITING_JOBS", scoring_jobs.max_waiting_jobs),
])
def test_the_api_reads_each_limit_from_its_setting(settings, name: str, read: Callable[[], float]) -> None:
    setattr(settings, name, 7)
    assert read() == 7
