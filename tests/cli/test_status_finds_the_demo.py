"""`careloop status` right after `careloop demo`: the demo folder is found, no empty ./careloop-data is made."""

from __future__ import annotations

from pathlib import Path

import pytest

from careloop.home import data_home


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CARELOOP_HOME", raising=False)
    return tmp_path


def test_the_demo_folder_is_the_data_folder_when_it_is_the_only_one(here: Path) -> None:
    (here / "careloop-demo").mkdir()
    (here / "careloop-demo" / "careloop.sqlite3").write_bytes(b"")
    assert data_home() == (here / "careloop-demo").resolve()
    assert not (here / "careloop-data").exists()


def test_careloop_data_wins_when_it_exists(here: Path) -> None:
    for name in ("careloop-demo", "careloop-data"):
        (here / name).mkdir()
    (here / "careloop-demo" / "careloop.sqlite3").write_bytes(b"")
    assert data_home() == (here / "careloop-data").resolve()


def test_without_a_demo_it_is_careloop_data(here: Path) -> None:
    assert data_home() == (here / "careloop-data").resolve()


def test_careloop_home_decides(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (here / "careloop-demo").mkdir()
    (here / "careloop-demo" / "careloop.sqlite3").write_bytes(b"")
    monkeypatch.setenv("CARELOOP_HOME", str(here / "elsewhere"))
    assert data_home() == (here / "elsewhere").resolve()
